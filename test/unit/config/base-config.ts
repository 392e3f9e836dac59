/**
 * A small valid plan configuration for the config tests. Each test clones it and breaks one
 * thing, so a failing test points at exactly one rule.
 */
import type { PlanConfigInput } from '../../../shared/config/schema.ts';

const BASE: PlanConfigInput = {
  version: 'test-1',
  company: { en: 'Test Shop', zh: '测试商城' },
  calendar: { timeZone: 'Asia/Shanghai', fiscalYearStartMonth: 1, fiscalYears: ['FY2026'] },
  owners: [
    { id: 'operations', name: { en: 'Operations', zh: '运营' } },
    { id: 'marketing', name: { en: 'Marketing', zh: '市场营销' } },
  ],
  dimensions: [
    {
      id: 'channel',
      name: { en: 'Channel', zh: '渠道' },
      aliases: ['渠道名称'],
      values: [
        { id: 'self_operated', name: { en: 'Own site', zh: '自营' } },
        { id: 'tmall', name: { en: 'Tmall', zh: '天猫' }, aliases: ['天貓'] },
      ],
    },
    {
      id: 'category',
      name: { en: 'Category', zh: '品类' },
      values: [
        { id: 'pets', name: { en: 'Pets', zh: '宠物' } },
        { id: 'maternal_baby', name: { en: 'Maternal & baby', zh: '母婴' } },
      ],
    },
  ],
  phasing: [
    { id: 'promo_peaks', name: { en: 'Promotion months', zh: '大促月份' }, months: { 6: 1.4, 11: 1.7 } },
  ],
  kpis: [
    {
      id: 'gmv',
      name: { en: 'GMV', zh: '成交额' },
      unit: 'currency',
      aggregation: 'sum',
      direction: 'higher_is_better',
      phasing: 'promo_peaks',
      owner: 'operations',
      aliases: ['销售额'],
    },
    {
      id: 'orders',
      name: { en: 'Orders', zh: '订单数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
    },
    {
      id: 'sessions',
      name: { en: 'Sessions', zh: '访问次数' },
      unit: 'count',
      aggregation: 'sum',
      direction: 'higher_is_better',
    },
    {
      id: 'conversion_rate',
      name: { en: 'Conversion rate', zh: '转化率' },
      unit: 'percent',
      aggregation: 'ratio',
      numerator: 'orders',
      denominator: 'sessions',
      direction: 'higher_is_better',
    },
    {
      id: 'repurchase_rate',
      name: { en: 'Repurchase rate', zh: '复购率' },
      unit: 'percent',
      aggregation: 'snapshot',
      direction: 'higher_is_better',
    },
    {
      id: 'marketing_spend',
      name: { en: 'Marketing spend', zh: '营销费用' },
      unit: 'currency',
      aggregation: 'sum',
      direction: 'closer_is_better',
      tolerance: { atRisk: 0.05, offTrack: 0.15 },
      owner: 'marketing',
    },
  ],
  reports: [
    {
      id: 'weekly-progress',
      name: { en: 'Weekly progress', zh: '每周进度偏差分析' },
      schedule: { cron: 'cron(0 9 ? * MON *)' },
      asOfRule: 'last_complete_week',
      ranges: ['WTD', 'MTD'],
      kpis: ['gmv', 'conversion_rate'],
      breakdowns: ['channel'],
      headline: { kpi: 'gmv', range: 'MTD' },
      recipients: [{ email: 'boss@example-shop.com' }],
    },
    {
      id: 'category-weekly',
      name: { en: 'Category weekly', zh: '品类周报' },
      schedule: { cron: 'cron(30 9 ? * MON *)', timeZone: 'Asia/Shanghai' },
      asOfRule: 'last_complete_week',
      ranges: ['WTD'],
      kpis: ['gmv'],
      recipients: [{ email: 'pets@example-shop.com', scope: { category: 'pets' } }],
    },
  ],
  email: { from: 'plan-monitor@example-shop.com', allowedDomains: ['example-shop.com'] },
  contacts: {
    operators: 'ops@example-shop.com',
    uploads: {
      actuals: 'bi@example-shop.com',
      targets: 'fpa@example-shop.com',
      milestones: 'pmo@example-shop.com',
    },
  },
};

/** The base configuration with its optional lists present, so tests can edit them directly. */
export type BaseConfig = PlanConfigInput & Required<Pick<PlanConfigInput, 'phasing' | 'owners'>>;

/** A fresh, deep copy of the base configuration (raw input, not yet validated). */
export function baseConfig(): BaseConfig {
  return structuredClone(BASE) as BaseConfig;
}
