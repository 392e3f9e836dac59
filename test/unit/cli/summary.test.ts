/**
 * The terminal summary of `plan-monitor report` on the worked example of spec §10: a snapshot
 * KPI (repurchase rate, reported for October only) reads `no_data` in MTD November, as the
 * spec says, but shows its latest value with the period it holds for (spec §7), and in QTD
 * the October value it is judged on.
 */
import { describe, expect, it } from 'vitest';
import planConfig from '../../../plan.config.ts';
import { formatSummary } from '../../../shared/cli/summary.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import { SPEC_AS_OF, specData } from '../../fixtures/spec-example.ts';

const model = buildReportModel(planConfig, specData, 'weekly-progress', SPEC_AS_OF, {
  generatedAt: '2026-11-23T01:00:00.000Z',
});

const line = (summary: string, kpi: string) => summary.split('\n').find((l) => l.includes(`(${kpi})`))!;

describe('formatSummary', () => {
  it('shows a snapshot KPI without a value in the range as no data, with its latest value and period', () => {
    const repurchase = line(formatSummary(model, 'MTD'), 'repurchase_rate');
    expect(repurchase).toContain('latest 28.00% (2026-10)');
    expect(repurchase).toContain('no data');
    expect(repurchase).toContain('30.00%');
  });

  it('gives a snapshot value in the range with its period and its status', () => {
    const repurchase = line(formatSummary(model, 'QTD'), 'repurchase_rate');
    expect(repurchase).toContain('28.00% (2026-10)');
    expect(repurchase).not.toContain('latest');
    expect(repurchase).toContain('-6.7%');
    expect(repurchase).toContain('at risk');
  });

  it('shows a ratio KPI as its ratio of the components', () => {
    const conversion = line(formatSummary(model, 'MTD'), 'conversion_rate');
    expect(conversion).toMatch(/3\.00%\s+3\.20%\s+-6\.2%/);
  });

  it('says "not reported at this level" for a KPI never uploaded at the scope dimension', () => {
    const byCategory = buildReportModel(planConfig, specData, 'category-weekly', SPEC_AS_OF, {
      scope: { category: 'pets' },
      generatedAt: '2026-11-23T01:00:00.000Z',
    });
    const notAtLevel = byCategory.dataQuality.kpis.filter((k) => !k.reportedAtLevel).map((k) => k.kpi);
    expect(notAtLevel).toContain('gmv');
    expect(line(formatSummary(byCategory, 'MTD'), 'gmv')).toContain('not reported at this level');
  });
});
