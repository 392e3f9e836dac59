/** The sample configuration (plan.config.ts) models the annual plan of plan-brief.md. */
import { describe, expect, it } from 'vitest';
import planConfig from '../../../plan.config.ts';
import { reportById, reportScopes } from '../../../shared/config/lookup.ts';
import { PlanConfigSchema } from '../../../shared/config/schema.ts';
import { mapHeaders } from '../../../shared/files/ingest/headers.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';

const kpi = (id: string) => planConfig.kpis.find((k) => k.id === id);

/**
 * The one target an upload of a single CSV row yields, read the way production reads uploads
 * (targets, because a ratio KPI's actuals are refused: its components are uploaded instead).
 */
async function uploadedTarget(kpiName: string, dims: Readonly<Record<string, string>> = {}) {
  const headers = ['date', 'kpi', 'value', ...Object.keys(dims)].join(',');
  const cells = ['2026-11', kpiName, '1', ...Object.values(dims)].join(',');
  const body = new TextEncoder().encode(`${headers}\n${cells}\n`);
  const result = await parseUpload({ config: planConfig, kind: 'targets', body });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  if (result.kind !== 'targets') throw new Error(`read as ${result.kind}`);
  expect(result.targets).toHaveLength(1);
  return result.targets.at(0)!;
}

describe('plan.config.ts', () => {
  it('passes the schema unchanged', () => {
    const result = PlanConfigSchema.safeParse(planConfig);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('uses the business calendar of the plan', () => {
    expect(planConfig.calendar).toMatchObject({
      timeZone: 'Asia/Shanghai',
      fiscalYearStartMonth: 1,
      fiscalYears: ['FY2026', 'FY2027'],
    });
  });

  it('has at least 12 KPIs covering every aggregation and every direction', () => {
    expect(planConfig.kpis.length).toBeGreaterThanOrEqual(12);
    expect(new Set(planConfig.kpis.map((k) => k.aggregation))).toEqual(new Set(['sum', 'ratio', 'snapshot']));
    expect(new Set(planConfig.kpis.map((k) => k.direction))).toEqual(
      new Set(['higher_is_better', 'lower_is_better', 'closer_is_better']),
    );
  });

  it.each([
    ['gmv', { aggregation: 'sum', unit: 'currency', direction: 'higher_is_better' }],
    ['orders', { aggregation: 'sum', unit: 'count' }],
    ['sessions', { aggregation: 'sum', unit: 'count' }],
    [
      'conversion_rate',
      {
        aggregation: 'ratio',
        numerator: 'orders',
        denominator: 'sessions',
        unit: 'percent',
        direction: 'higher_is_better',
      },
    ],
    [
      'aov',
      {
        aggregation: 'ratio',
        numerator: 'gmv',
        denominator: 'orders',
        unit: 'currency',
        direction: 'higher_is_better',
      },
    ],
    ['returned_orders', { aggregation: 'sum', unit: 'count', direction: 'lower_is_better' }],
    [
      'return_rate',
      {
        aggregation: 'ratio',
        numerator: 'returned_orders',
        denominator: 'orders',
        unit: 'percent',
        direction: 'lower_is_better',
      },
    ],
    [
      'marketing_spend',
      {
        aggregation: 'sum',
        unit: 'currency',
        direction: 'closer_is_better',
        tolerance: { atRisk: 0.05, offTrack: 0.15 },
      },
    ],
    ['repurchase_rate', { aggregation: 'snapshot', unit: 'percent', direction: 'higher_is_better' }],
    ['new_users', { aggregation: 'sum', unit: 'count', direction: 'higher_is_better' }],
  ])('defines %s as in the worked example of spec §10', (id, expected) => {
    expect(kpi(id)).toMatchObject(expected);
  });

  it('spreads monthly and quarterly targets of the worked-example KPIs evenly over the days of a month', () => {
    // Spec §10 expects e.g. an MTD target of 22/30 of November's: a day-weighted profile on
    // these KPIs would make the sample configuration disagree with the acceptance numbers.
    for (const id of ['gmv', 'orders', 'sessions', 'marketing_spend', 'new_users']) {
      const profile = planConfig.phasing.find((p) => p.id === kpi(id)?.phasing);
      expect(profile?.days ?? {}, id).toEqual({});
    }
  });

  it('phases promotion KPIs towards 618 and Double 11', () => {
    const peaks = planConfig.phasing.find((p) => p.id === kpi('gmv')?.phasing);
    const months = peaks?.months ?? {};
    const weight = (m: number) => months[String(m)] ?? 1;
    expect(weight(6)).toBeGreaterThan(weight(4));
    expect(weight(11)).toBeGreaterThan(weight(6));
    const days = planConfig.phasing.find((p) => p.id === 'promo_days')?.days ?? {};
    expect(days['11-11']).toBeGreaterThan(1);
    expect(days['06-18']).toBeGreaterThan(1);
    expect(planConfig.kpis.some((k) => k.phasing === 'promo_days')).toBe(true);
  });

  it('gives every KPI a declared owner, and names an owner for each team of the plan', () => {
    const owners = new Set(planConfig.owners.map((o) => o.id));
    for (const team of ['operations', 'technology', 'customer_service', 'supply_chain', 'marketing']) {
      expect(owners.has(team), team).toBe(true);
      expect(
        planConfig.kpis.some((k) => k.owner === team),
        `a KPI owned by ${team}`,
      ).toBe(true);
    }
    for (const k of planConfig.kpis) expect(owners.has(k.owner ?? ''), k.id).toBe(true);
  });

  it('has at least four dimensions with zh/en labels, including the ones the plan slices by', () => {
    expect(planConfig.dimensions.length).toBeGreaterThanOrEqual(4);
    const ids = planConfig.dimensions.map((d) => d.id);
    expect(ids).toEqual(
      expect.arrayContaining(['channel', 'category', 'region_tier', 'user_segment', 'supplier']),
    );
    for (const dimension of planConfig.dimensions) {
      expect(dimension.name.en).not.toBe('');
      expect(dimension.name.zh).toMatch(/\p{Script=Han}/u);
      for (const value of dimension.values) expect(value.name.zh, value.id).toMatch(/\p{Script=Han}/u);
    }
  });

  it.each([
    ['channel', '渠道', 'channel'],
    ['channel', '銷售渠道', 'channel'],
    ['category', '品類', 'category'],
    ['region_tier', '區域', 'region_tier'],
    ['user_segment', '用户分层', 'user_segment'],
  ])('reads the %s column from a header written %s', (_dimension, header, expected) => {
    const map = mapHeaders(['date', 'kpi', 'value', header], 'actuals', planConfig);
    expect(map.dimensions).toEqual({ [expected]: 3 });
  });

  it.each([
    ['channel', '天猫', 'tmall'],
    ['channel', 'Tmall', 'tmall'],
    ['channel', '天貓', 'tmall'],
    ['channel', '京東', 'jd'],
    ['channel', '抖音直播', 'douyin_live'],
    ['channel', '微信小程序', 'wechat_mini'],
    ['channel', '自营', 'self_operated'],
    ['category', '宠物', 'pets'],
    ['category', '母嬰', 'maternal_baby'],
    ['region_tier', '三四线城市', 'tier_3_4'],
    ['region_tier', '乡镇', 'towns'],
    ['user_segment', '會員', 'member'],
  ])('reads the %s value %s as %s', async (dimension, raw, expected) => {
    expect((await uploadedTarget('gmv', { [dimension]: raw })).dims).toEqual({ [dimension]: expected });
  });

  it.each([
    ['GMV', 'gmv'],
    ['成交额', 'gmv'],
    ['销售额', 'gmv'],
    ['銷售額', 'gmv'],
    ['转化率', 'conversion_rate'],
    ['轉化率', 'conversion_rate'],
    ['客单价', 'aov'],
    ['客單價', 'aov'],
    ['退货率', 'return_rate'],
    ['退貨率', 'return_rate'],
    ['复购率', 'repurchase_rate'],
    ['履约准时率', 'on_time_fulfilment_rate'],
  ])('reads the KPI name %s as %s', async (name, expected) => {
    expect((await uploadedTarget(name)).kpi).toBe(expected);
  });

  it('declares the budget and a re-forecast target version', () => {
    expect(planConfig.targetVersions.map((v) => [v.id, v.name.zh])).toEqual([
      ['budget', '预算'],
      ['reforecast', '滚动预测'],
    ]);
  });

  it('has exactly the five reports of the plan', () => {
    expect(planConfig.reports.map((r) => r.id)).toEqual([
      'weekly-progress',
      'monthly-business-review',
      'quarterly-review',
      'category-weekly',
      'supplier-scorecard',
    ]);
  });

  it('sends the weekly progress variance report every Monday 09:00 Shanghai time for the week just ended', () => {
    expect(reportById(planConfig, 'weekly-progress')).toMatchObject({
      name: { zh: '每周进度偏差分析' },
      schedule: { cron: 'cron(0 9 ? * MON *)', timeZone: 'Asia/Shanghai', enabled: true },
      asOfRule: 'last_complete_week',
      ranges: ['WTD', 'MTD', 'QTD', 'YTD'],
      breakdowns: ['channel', 'category', 'region_tier'],
      headline: { kpi: 'gmv', range: 'MTD' },
      trend: 'week',
      language: 'zh',
    });
  });

  it.each([
    ['monthly-business-review', '月度经营分析', 'last_complete_month', 'month'],
    ['quarterly-review', '季度复盘', 'last_complete_quarter', 'month'],
    ['category-weekly', '品类周报', 'last_complete_week', 'week'],
    ['supplier-scorecard', '供应商月度评分', 'last_complete_month', 'month'],
  ])('schedules %s (%s) as of the %s', (id, zh, asOfRule, trend) => {
    expect(reportById(planConfig, id)).toMatchObject({ name: { zh }, asOfRule, trend });
  });

  it('breaks the supplier scorecard down by supplier', () => {
    expect(reportById(planConfig, 'supplier-scorecard').breakdowns).toContain('supplier');
  });

  it('sends each category manager a copy restricted to one category', () => {
    const report = reportById(planConfig, 'category-weekly');
    for (const recipient of report.recipients) {
      expect(Object.keys(recipient.scope ?? {}), recipient.email).toEqual(['category']);
    }
    const scopes = reportScopes(planConfig, report);
    expect(scopes.map((s) => s.key)).toEqual(
      expect.arrayContaining(['category=pets', 'category=maternal_baby', 'category=health_food']),
    );
    expect(scopes.find((s) => s.key === 'category=pets')?.label).toEqual({
      en: 'Category = Pets',
      zh: '品类 = 宠物',
    });
    expect(scopes.every((s) => s.key !== 'all')).toBe(true);
  });

  it('mails only addresses of the company domain', () => {
    const domains = planConfig.email.allowedDomains;
    expect(domains).toEqual(['example-shop.com']);
    const addresses = [
      planConfig.email.from,
      planConfig.contacts.operators,
      ...Object.values(planConfig.contacts.uploads),
      ...planConfig.reports.flatMap((r) => r.recipients.map((p) => p.email)),
    ];
    for (const address of addresses) expect(domains).toContain(address.split('@')[1]);
  });
});
