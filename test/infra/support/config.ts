/**
 * Plan configurations for infra tests: a minimal valid plan whose reports the tests choose.
 * No CDK imports here, so it can also stand in for plan.config.ts when trying `cdk synth`.
 */
import { defineConfig } from '../../../shared/config/define-config.ts';
import type { PlanConfig, PlanConfigInput } from '../../../shared/config/schema.ts';

type ReportInput = PlanConfigInput['reports'][number];

/** A report with a given id and schedule; everything else minimal but valid. */
export function report(id: string, cron = 'cron(0 9 ? * MON *)', timeZone?: string): ReportInput {
  return {
    id,
    name: { en: id, zh: id },
    schedule: { cron, ...(timeZone ? { timeZone } : {}) },
    asOfRule: 'last_complete_week',
    ranges: ['WTD', 'MTD', 'YTD'],
    kpis: ['gmv'],
    recipients: [{ email: 'boss@example.com' }],
  };
}

/** A small valid plan configuration with the given reports (raw input, not yet validated). */
export function configInput(reports: ReportInput[]): PlanConfigInput {
  return {
    version: 'test-1',
    company: { en: 'Example', zh: '示例' },
    calendar: { timeZone: 'Asia/Shanghai', fiscalYears: ['FY2026'] },
    dimensions: [],
    kpis: [
      {
        id: 'gmv',
        name: { en: 'GMV', zh: '成交额' },
        unit: 'currency',
        aggregation: 'sum',
        direction: 'higher_is_better',
      },
    ],
    reports,
    email: { from: 'reports@example.com', allowedDomains: ['example.com'] },
    contacts: {
      operators: 'ops@example.com',
      uploads: { actuals: 'data@example.com', targets: 'plan@example.com', milestones: 'pmo@example.com' },
    },
  };
}

export function testConfig(reports: ReportInput[]): PlanConfig {
  return defineConfig(configInput(reports));
}
