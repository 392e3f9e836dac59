import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../../shared/config/define-config.ts';
import type { PlanData } from '../../../shared/domain/types.ts';
import { buildReportModel, ReportModelError } from '../../../shared/report/build-report-model.ts';
import type { KpiRangeRow } from '../../../shared/report/report-model.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';

const GENERATED_AT = '2026-11-23T01:00:00.000Z';
const model = buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
  generatedAt: GENERATED_AT,
  sources: ['actuals/2026-11-22.csv'],
  rejectedUploads: [{ key: 'actuals/bad.csv', errors: 3, finishedAt: '2026-11-22T10:00:00Z' }],
});

const row = (kpi: string, range: string): KpiRangeRow => {
  const found = model.table.find((r) => r.kpi === kpi && r.range === range);
  if (!found) throw new Error(`no row ${kpi} ${range}`);
  return found;
};

describe('buildReportModel on the spec §10 world', () => {
  it("carries each KPI's tolerance for the legend: its own where configured, else the default", () => {
    const kpi = (id: string) => model.kpis.find((k) => k.id === id);
    expect(kpi('marketing_spend')?.tolerance).toEqual({ atRisk: 0.05, offTrack: 0.15 });
    expect(kpi('gmv')?.tolerance).toEqual({ atRisk: 0.02, offTrack: 0.1 });
  });

  it('labels the ranges and keys the run by the ISO week of its asOf rule', () => {
    expect(model.periodKey).toBe('2026-W47');
    expect(model.ranges.map((r) => [r.kind, r.start, r.end, r.periodKey, r.days])).toEqual([
      ['WTD', '2026-11-16', '2026-11-22', '2026-W47', 7],
      ['MTD', '2026-11-01', '2026-11-22', '2026-11', 22],
      ['QTD', '2026-10-01', '2026-11-22', 'FY2026-Q4', 53],
      ['YTD', '2026-01-01', '2026-11-22', 'FY2026', 326],
      ['LAST_MONTH', '2026-10-01', '2026-10-31', '2026-10', 31],
    ]);
    expect(model.ranges[0]?.label).toEqual({ en: 'Week to date', zh: '本周累计' });
    expect(model.scope).toEqual({ dims: {}, label: { en: 'All', zh: '全部' }, key: 'all' });
  });

  it('reproduces the spec KPI table', () => {
    expect(row('gmv', 'MTD')).toMatchObject({ status: 'at_risk' });
    expect(row('gmv', 'MTD').target).toBeCloseTo(22_000_000, 2);
    expect(row('gmv', 'MTD').variance).toBeCloseTo(-1_100_000, 2);
    expect(row('gmv', 'MTD').attainment).toBeCloseTo(0.95, 9);
    expect(row('gmv', 'WTD').variancePct).toBeCloseTo(0.06, 9);
    expect(row('gmv', 'WTD').status).toBe('on_track');
    expect(row('orders', 'MTD').target).toBeCloseTo(110_000, 4);
    expect(row('orders', 'MTD').variancePct).toBeCloseTo(0.0909, 4);
    expect(row('sessions', 'MTD').target).toBeCloseTo(3_666_666.67, 2);
    expect(row('conversion_rate', 'MTD').variance).toBeCloseTo(-0.002, 12);
    expect(row('conversion_rate', 'MTD').variancePct).toBeCloseTo(-0.0625, 9);
    expect(row('conversion_rate', 'MTD').status).toBe('at_risk');
    expect(row('aov', 'MTD').actual).toBeCloseTo(174.17, 2);
    expect(row('aov', 'MTD').variancePct).toBeCloseTo(-0.1292, 4);
    expect(row('aov', 'MTD').attainment).toBeCloseTo(0.8708, 4);
    expect(row('aov', 'MTD').status).toBe('off_track');
    expect(row('returned_orders', 'MTD').status).toBe('no_target');
    expect(row('return_rate', 'MTD').favourablePct).toBeCloseTo(-0.1, 9);
    expect(row('return_rate', 'MTD').attainment).toBeCloseTo(0.9091, 4);
    expect(row('return_rate', 'MTD').status).toBe('at_risk');
    expect(row('marketing_spend', 'MTD').variancePct).toBeCloseTo(0.2, 9);
    expect(row('marketing_spend', 'MTD').status).toBe('off_track');
    expect(row('marketing_spend', 'QTD').target).toBeCloseTo(5_300_000, 4);
    expect(row('marketing_spend', 'QTD').actual).toBeCloseTo(5_830_000, 4);
    expect(row('marketing_spend', 'QTD').status).toBe('at_risk');
    expect(row('repurchase_rate', 'LAST_MONTH').variancePct).toBeCloseTo(-0.0667, 4);
    expect(row('repurchase_rate', 'LAST_MONTH').status).toBe('at_risk');
    expect(row('repurchase_rate', 'MTD').status).toBe('no_data');
    expect(row('new_users', 'YTD').target).toBeCloseTo(1_196_666.67, 2);
    expect(row('new_users', 'YTD').variancePct).toBeCloseTo(-0.039, 4);
    expect(row('new_users', 'YTD').attainment).toBeCloseTo(0.961, 4);
    expect(row('new_users', 'YTD').status).toBe('at_risk');
    expect(model.table).toHaveLength(10 * 5);
    expect(model.compareTable).toEqual([]);
  });

  it('breaks gmv down by channel with explicit channel targets', () => {
    const channel = model.breakdowns.find((b) => b.dimension === 'channel');
    expect(channel?.range).toBe('MTD');
    const gmv = channel?.rows.filter((r) => r.kpi === 'gmv') ?? [];
    expect(gmv.map((r) => r.value)).toEqual(['self_operated', 'tmall']);
    expect(gmv[0]?.target).toBeCloseTo(13_200_000, 2);
    expect(gmv[0]?.variance).toBeCloseTo(-660_000, 2);
    expect(gmv[1]?.target).toBeCloseTo(8_800_000, 2);
    expect(gmv[1]?.variance).toBeCloseTo(-440_000, 2);
    expect(gmv.every((r) => r.status === 'at_risk' && r.targetSource === 'explicit')).toBe(true);
    expect(gmv[1]?.label).toEqual({ en: 'Tmall', zh: '天猫' });
  });

  it('has the new_users outlook, the MTD scorecard 0.92927 and the headline', () => {
    const outlook = model.outlook.find((o) => o.kpi === 'new_users');
    if (outlook?.kind !== 'sum') throw new Error('expected a sum outlook');
    expect(outlook.forecast).toBeCloseTo(1_393_454.04, 2);
    expect(outlook.gapToAnnual).toBeCloseTo(-56_545.96, 2);
    expect(outlook.requiredPace).toBeCloseTo(1.1842, 4);
    expect(model.outlook.find((o) => o.kpi === 'repurchase_rate')).toEqual({
      kpi: 'repurchase_rate',
      kind: 'snapshot',
      latestValue: 0.28,
      latestPeriod: '2026-10',
    });
    expect(model.scorecard.range).toBe('MTD');
    expect(model.scorecard.score).toBeCloseTo(0.92927, 5);
    expect(model.scorecard.entries.map((e) => e.kpi)).toEqual([
      'gmv',
      'conversion_rate',
      'aov',
      'return_rate',
    ]);
    const operations = model.scorecard.byOwner.find((o) => o.owner === 'operations');
    expect(operations?.score).toBeCloseTo((3 * 0.95 + 0.870833) / 4, 5);
    expect(model.headline).toMatchObject({ kpi: 'gmv', range: 'MTD', status: 'at_risk' });
    expect(model.headline?.variancePct).toBeCloseTo(-0.05, 9);
  });

  it('lists the six milestone states with completion 0.50 and on-time 0.25', () => {
    const state = Object.fromEntries(model.milestones.items.map((m) => [m.id, m]));
    expect(state.M1?.state).toBe('done');
    expect(state.M2).toMatchObject({ state: 'overdue', daysOverdue: 7 });
    expect(state.M3?.state).toBe('behind');
    expect(state.M3?.expectedProgress).toBeCloseTo(0.44, 9);
    expect(state.M4).toMatchObject({ state: 'on_track', dueSoon: true });
    expect(state.M4?.expectedProgress).toBeCloseTo(0.684, 3);
    expect(state.M5?.state).toBe('cancelled');
    expect(state.M6).toMatchObject({ state: 'done_late', daysLate: 5 });
    expect(model.milestones.dueCount).toBe(3);
    expect(model.milestones.completion).toBeCloseTo(0.5, 12);
    expect(model.milestones.onTime).toBeCloseTo(0.25, 12);
  });

  it('builds a weekly trend from the fiscal year start through asOf', () => {
    expect(model.trend.grain).toBe('week');
    expect(model.trend.periods[0]).toEqual({ key: '2026-W01', start: '2026-01-01', end: '2026-01-04' });
    expect(model.trend.periods.at(-1)).toEqual({ key: '2026-W47', start: '2026-11-16', end: '2026-11-22' });
    const gmv = model.trend.series.find((s) => s.kpi === 'gmv');
    expect(gmv?.points.at(-1)?.actual).toBeCloseTo(7_420_000, 2);
    expect(gmv?.points.at(-1)?.target).toBeCloseTo(7_000_000, 2);
  });

  it('reports complete data, the rejected upload and the about block', () => {
    const gmv = model.dataQuality.kpis.find((k) => k.kpi === 'gmv');
    expect(gmv).toEqual({
      kpi: 'gmv',
      dataThrough: '2026-11-22',
      stale: false,
      gaps: [],
      gapsByRange: model.ranges.map((r) => ({ range: r.kind, gaps: [] })),
      reportedAtLevel: true,
    });
    expect(model.dataQuality.kpis.find((k) => k.kpi === 'repurchase_rate')?.stale).toBe(false);
    expect(model.dataQuality.targetMismatches).toEqual([]);
    expect(model.dataQuality.notes.some((n) => n.includes('actuals/bad.csv'))).toBe(true);
    expect(model.about).toMatchObject({
      asOf: SPEC_AS_OF,
      timeZone: 'Asia/Shanghai',
      fiscalYear: 'FY2026',
      configVersion: 'spec-2026.1',
      generatedAt: GENERATED_AT,
      targetVersion: 'budget',
      compareVersion: null,
    });
  });

  it('notes once per KPI the ranges its targets cover only in part, and compares those like-for-like', () => {
    const gmvNotes = model.dataQuality.notes.filter((n) => n.startsWith('GMV:'));
    expect(gmvNotes).toEqual([
      'GMV: targets cover only part of Quarter to date 22/53, Year to date 22/326 (days compared/days in range); only days with both an actual and a target are compared.',
    ]);
    expect(
      model.dataQuality.notes.some(
        (n) => n.startsWith('Marketing spend:') && n.includes('Year to date 53/326'),
      ),
    ).toBe(true);
    // new_users has a target for every month: nothing to say.
    expect(model.dataQuality.notes.some((n) => n.startsWith('New users:'))).toBe(false);
    const gmvYtd = model.table.find((r) => r.kpi === 'gmv' && r.range === 'YTD');
    expect(gmvYtd).toMatchObject({
      coveredDays: 22,
      targetedDays: 22,
      comparedFrom: '2026-11-01',
      comparedTo: '2026-11-22',
    });
    expect(gmvYtd?.variancePct).toBeCloseTo(-0.05, 9);
    const spendYtd = model.table.find((r) => r.kpi === 'marketing_spend' && r.range === 'YTD');
    expect(spendYtd?.variancePct).toBeCloseTo(0.1, 9);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('throws a clear error for an unknown report or scope value', () => {
    expect(() =>
      buildReportModel(specConfig, specData, 'weekly', SPEC_AS_OF, { generatedAt: GENERATED_AT }),
    ).toThrow(/unknown report "weekly": use one of weekly-progress/);
    expect(() =>
      buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
        generatedAt: GENERATED_AT,
        scope: { channel: 'jd' },
      }),
    ).toThrow(ReportModelError);
  });
});

describe('buildReportModel with a scope', () => {
  const scoped = buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
    generatedAt: GENERATED_AT,
    scope: { channel: 'tmall' },
  });

  it('computes every figure over the scope only', () => {
    expect(scoped.scope).toEqual({
      dims: { channel: 'tmall' },
      label: { en: 'Channel = Tmall', zh: '渠道 = 天猫' },
      key: 'channel=tmall',
    });
    const gmv = scoped.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD');
    expect(gmv?.actual).toBeCloseTo(8_360_000, 2);
    expect(gmv?.target).toBeCloseTo(8_800_000, 2);
    // Orders were uploaded for the company total only: nothing of them belongs to Tmall.
    expect(scoped.table.find((r) => r.kpi === 'orders' && r.range === 'MTD')?.status).toBe('no_data');
    const rows = scoped.breakdowns[0]?.rows ?? [];
    expect(new Set(rows.map((r) => r.value))).toEqual(new Set(['tmall']));
    const trendGmv = scoped.trend.series.find((s) => s.kpi === 'gmv');
    expect(trendGmv?.points.at(-1)?.actual).toBeCloseTo(2_968_000, 2);
    const outlook = scoped.outlook.find((o) => o.kpi === 'gmv');
    if (outlook?.kind !== 'sum') throw new Error('expected a sum outlook');
    // Tmall's GMV target covers November only, so YTD compares November only.
    expect(outlook.ytdActual).toBeCloseTo(8_360_000, 2);
    expect(outlook.ytdTarget).toBeCloseTo(8_800_000, 2);
    expect(scoped.scorecard.entries.find((e) => e.kpi === 'gmv')?.score).toBeCloseTo(0.95, 9);
    // Untagged milestones are company-wide: a scoped report does not show them.
    expect(scoped.milestones.items).toEqual([]);
  });

  it('shows milestones tagged with the scope', () => {
    const data: PlanData = {
      ...specData,
      milestones: [
        ...specData.milestones,
        {
          id: 'T1',
          title: 'Tmall flagship',
          owner: 'ops',
          due: '2026-12-01',
          weight: 1,
          status: 'not_started',
          dims: { channel: 'tmall' },
        },
        {
          id: 'S1',
          title: 'Own app',
          owner: 'ops',
          due: '2026-12-01',
          weight: 1,
          status: 'not_started',
          dims: { channel: 'self_operated' },
        },
      ],
    };
    const m = buildReportModel(specConfig, data, 'weekly-progress', SPEC_AS_OF, {
      generatedAt: GENERATED_AT,
      scope: { channel: 'tmall' },
    });
    expect(m.milestones.items.map((i) => i.id)).toEqual(['T1']);
  });
});

describe('buildReportModel data quality', () => {
  it('flags gaps, stale KPIs and channel targets that do not add up to the total', () => {
    const config = defineConfig({
      ...specConfig,
      reports: [{ ...specConfig.reports[0]!, compareVersion: undefined, language: 'zh' }],
    });
    const data: PlanData = {
      ...specData,
      actuals: specData.actuals.filter(
        (a) =>
          !(
            a.kpi === 'sessions' &&
            (a.period === '2026-11-10' || a.period === '2026-11-11' || a.period >= '2026-11-21')
          ),
      ),
      targets: [
        ...specData.targets,
        { version: 'budget', kpi: 'gmv', period: '2026-11', dims: {}, value: 31_000_000 },
      ],
    };
    const m = buildReportModel(config, data, 'weekly-progress', SPEC_AS_OF, { generatedAt: GENERATED_AT });
    const sessions = m.dataQuality.kpis.find((k) => k.kpi === 'sessions');
    expect(sessions?.dataThrough).toBe('2026-11-20');
    expect(sessions?.stale).toBe(true);
    expect(sessions?.gaps).toEqual([
      { start: '2026-11-10', end: '2026-11-11' },
      { start: '2026-11-21', end: '2026-11-22' },
    ]);
    // Like-for-like: the conversion rate compares only days both components cover.
    const cr = m.table.find((r) => r.kpi === 'conversion_rate' && r.range === 'MTD');
    expect(cr?.coveredDays).toBe(18);
    expect(m.dataQuality.targetMismatches).toHaveLength(1);
    expect(m.dataQuality.targetMismatches[0]).toMatchObject({ kpi: 'gmv', period: '2026-11', group: {} });
    expect(m.dataQuality.targetMismatches[0]?.differencePct).toBeCloseTo(30 / 31 - 1, 9);
    // The explicit total target now wins over the channel sum.
    expect(m.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')?.target).toBeCloseTo(
      (31_000_000 * 22) / 30,
      2,
    );
    expect(m.dataQuality.notes.some((n) => n.includes('访问量'))).toBe(true);
  });
});

describe('buildReportModel versions and fiscal boundaries', () => {
  it('fills the compare table from the compare version', () => {
    const config = defineConfig({
      ...specConfig,
      targetVersions: [
        { id: 'budget', name: { en: 'Budget', zh: '预算' } },
        { id: 'reforecast_q3', name: { en: 'Q3 re-forecast', zh: 'Q3 滚动预测' } },
      ],
      reports: [{ ...specConfig.reports[0]!, compareVersion: 'reforecast_q3' }],
    });
    const data: PlanData = {
      ...specData,
      targets: [
        ...specData.targets,
        { version: 'reforecast_q3', kpi: 'gmv', period: '2026-11', dims: {}, value: 27_500_000 },
      ],
    };
    const m = buildReportModel(config, data, 'weekly-progress', SPEC_AS_OF, { generatedAt: GENERATED_AT });
    expect(m.about.compareVersion).toBe('reforecast_q3');
    expect(m.compareTable).toHaveLength(m.table.length);
    const gmv = m.compareTable.find((r) => r.kpi === 'gmv' && r.range === 'MTD');
    expect(gmv?.target).toBeCloseTo((27_500_000 * 22) / 30, 2);
    expect(gmv?.variancePct).toBeCloseTo(20_900_000 / 20_166_666.67 - 1, 6);
    expect(m.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')?.target).toBeCloseTo(22_000_000, 2);
  });

  it('reaches back into the previous fiscal year for the last complete quarter', () => {
    const config = defineConfig({
      ...specConfig,
      reports: [
        {
          ...specConfig.reports[0]!,
          ranges: ['MTD', 'LAST_QUARTER'],
          breakdownRange: 'MTD',
          scorecard: { range: 'MTD' },
        },
      ],
    });
    const data: PlanData = {
      targets: [{ version: 'budget', kpi: 'orders', period: 'FY2025-Q4', dims: {}, value: 92_000 }],
      actuals: Array.from({ length: 92 }, (_, i) => ({
        kpi: 'orders',
        period: new Date(Date.UTC(2025, 9, 1 + i)).toISOString().slice(0, 10),
        dims: {},
        value: 1_100,
      })),
      milestones: [],
    };
    const m = buildReportModel(config, data, 'weekly-progress', '2026-01-10', { generatedAt: GENERATED_AT });
    const lastQuarter = m.table.find((r) => r.kpi === 'orders' && r.range === 'LAST_QUARTER');
    expect(m.ranges.find((r) => r.kind === 'LAST_QUARTER')?.periodKey).toBe('FY2025-Q4');
    expect(lastQuarter?.actual).toBeCloseTo(101_200, 6);
    expect(lastQuarter?.target).toBeCloseTo(92_000, 6);
    expect(lastQuarter?.status).toBe('on_track');
    expect(m.trend.periods[0]?.start).toBe('2026-01-01');
  });
});

describe('scoped and partial data tell the truth (issue 14 point 4)', () => {
  it('says a KPI never uploaded at the scope’s dimension is not reported at this level, not stale', () => {
    // In the §10 world only GMV comes by channel; orders and sessions come as totals.
    const tmall = buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
      generatedAt: GENERATED_AT,
      scope: { channel: 'tmall' },
    });
    const quality = (kpi: string) => tmall.dataQuality.kpis.find((k) => k.kpi === kpi)!;
    expect(quality('gmv')).toMatchObject({ reportedAtLevel: true, stale: false, dataThrough: '2026-11-22' });
    for (const kpi of ['orders', 'sessions', 'conversion_rate', 'aov']) {
      expect(quality(kpi)).toMatchObject({ reportedAtLevel: false, stale: false, gaps: [] });
    }
    const notes = tmall.dataQuality.notes.join('\n');
    expect(notes).toMatch(/Conversion rate: not reported at this level/i);
    expect(notes).not.toMatch(/Conversion rate: no data yet/i);
  });

  it('gives the gaps of every shown range, not only the widest', () => {
    const missing = new Set(['2026-11-18', '2026-10-05']);
    const data = {
      ...specData,
      actuals: specData.actuals.filter((a) => !(a.kpi === 'orders' && missing.has(a.period))),
    };
    const m = buildReportModel(specConfig, data, 'weekly-progress', SPEC_AS_OF, {
      generatedAt: GENERATED_AT,
    });
    const orders = m.dataQuality.kpis.find((k) => k.kpi === 'orders')!;
    const days = (range: string) =>
      orders.gapsByRange.find((g) => g.range === range)!.gaps.map((g) => `${g.start}…${g.end}`);
    expect(days('WTD')).toEqual(['2026-11-18…2026-11-18']);
    expect(days('MTD')).toEqual(['2026-11-18…2026-11-18']);
    expect(days('QTD')).toEqual(['2026-10-05…2026-10-05', '2026-11-18…2026-11-18']);
    expect(days('LAST_MONTH')).toEqual(['2026-10-05…2026-10-05']);
    expect(m.dataQuality.notes.join('\n')).toContain(
      'Orders: day(s) without data up to 2026-11-22 — Week to date 1, Month to date 1, Quarter to date 2, Year to date 2, Last complete month 1.',
    );
  });
});
