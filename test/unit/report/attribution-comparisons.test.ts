import { describe, expect, it } from 'vitest';
import { planDataQuery } from '../../../shared/app/run-report.ts';
import { defineConfig } from '../../../shared/config/define-config.ts';
import type { PlanConfigInput } from '../../../shared/config/schema.ts';
import { addDays } from '../../../shared/domain/calendar.ts';
import { actualColumnsBuilder } from '../../../shared/domain/engine.ts';
import type { ActualFact, PlanData, TargetFact } from '../../../shared/domain/types.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import type { Attribution, ReportModel } from '../../../shared/report/report-model.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';

// Issue 15 points 1–3 on the §10 world (asOf Sunday 2026-11-22, a weekly report).
const build = (config: typeof specConfig, data: PlanData): ReportModel =>
  // What `plan-monitor report … --json` prints: the model, through JSON.
  JSON.parse(
    JSON.stringify(buildReportModel(config, data, 'weekly-progress', SPEC_AS_OF, { generatedAt: 'now' })),
  );

const sumOf = (a: Attribution) => a.slices.reduce((s, x) => s + x.contribution, 0) + a.rest;

describe('the lead: the report opens with its own week, then MTD, then the year', () => {
  const model = build(specConfig, specData);

  it('defaults to last week, month to date and year to date of the headline KPI', () => {
    expect(model.lead?.kpi).toBe('gmv');
    expect(model.lead?.ranges.map((r) => [r.kind, r.start, r.end])).toEqual([
      ['LAST_WEEK', '2026-11-16', '2026-11-22'],
      ['MTD', '2026-11-01', '2026-11-22'],
      ['YTD', '2026-01-01', '2026-11-22'],
    ]);
    // The spec's week: GMV 7.42M against 7.0M (+6 %), and MTD −1.1M (−5 %).
    expect(model.lead?.rows[0]?.actual).toBeCloseTo(7_420_000, 2);
    expect(model.lead?.rows[0]?.variancePct).toBeCloseTo(0.06, 9);
    expect(model.lead?.rows[1]?.variance).toBeCloseTo(-1_100_000, 2);
    expect(model.lead?.outlook?.kpi).toBe('gmv');
  });

  it('takes its ranges from the configuration', () => {
    const config = defineConfig({
      ...specConfig,
      reports: [{ ...specConfig.reports[0]!, lead: ['MTD', 'QTD'] }],
    } as PlanConfigInput);
    expect(build(config, specData).lead?.ranges.map((r) => r.kind)).toEqual(['MTD', 'QTD']);
  });
});

describe('attribution in the model', () => {
  it('splits the headline GMV gap by channel and adds up to the total variance', () => {
    const config = defineConfig({
      ...specConfig,
      reports: [{ ...specConfig.reports[0]!, lead: ['MTD'] }],
    } as PlanConfigInput);
    const model = build(config, specData);
    const gmv = model.attribution.find((a) => a.kpi === 'gmv' && a.dimensions.join() === 'channel')!;
    expect(gmv.method).toBe('additive');
    expect(gmv.range).toBe('MTD');
    // Spec §10: MTD −1.1M = self-operated −660k + Tmall −440k.
    expect(gmv.totalVariance).toBeCloseTo(-1_100_000, 2);
    expect(gmv.slices.map((s) => s.dims.channel)).toEqual(['self_operated', 'tmall']);
    expect(gmv.slices[0]?.contribution).toBeCloseTo(-660_000, 2);
    expect(gmv.slices[1]?.contribution).toBeCloseTo(-440_000, 2);
    expect(gmv.slices[0]?.share).toBeCloseTo(0.6, 9);
    expect(gmv.slices[0]?.owner).toBe('operations');
    expect(sumOf(gmv)).toBeCloseTo(gmv.totalVariance, 4);
  });
});

// AOV by category: the worked example of docs/variance-decisions.md (Attribution).
const ratioInput: PlanConfigInput = {
  ...specConfig,
  owners: [
    { id: 'operations', name: { en: 'Operations', zh: '运营' } },
    { id: 'pets_team', name: { en: 'Pets team', zh: '宠物组' } },
  ],
  dimensions: [
    {
      id: 'category',
      name: { en: 'Category', zh: '品类' },
      values: [
        { id: 'pets', name: { en: 'Pets', zh: '宠物' }, owner: 'pets_team' },
        { id: 'food', name: { en: 'Food', zh: '食品' } },
      ],
    },
  ],
  kpis: specConfig.kpis.filter((k) => ['gmv', 'orders', 'aov'].includes(k.id)),
  reports: [
    {
      ...specConfig.reports[0]!,
      ranges: ['WTD', 'MTD'],
      kpis: ['gmv', 'orders', 'aov'],
      breakdowns: ['category'],
      headline: { kpi: 'aov', range: 'WTD' },
      scorecard: { range: 'WTD', kpis: ['aov'] },
      recipients: [{ email: 'ceo@example.com' }],
    },
  ],
};
const WEEK = '2026-W47';
const PLAN = { pets: { orders: 100, aov: 200 }, food: { orders: 100, aov: 100 } };
const ACTUAL = { pets: { orders: 50, aov: 210 }, food: { orders: 150, aov: 100 } };
const ratioTargets: TargetFact[] = Object.entries(PLAN).flatMap(([category, p]) => [
  { version: 'budget', kpi: 'orders', period: WEEK, dims: { category }, value: p.orders },
  { version: 'budget', kpi: 'gmv', period: WEEK, dims: { category }, value: p.orders * p.aov },
  { version: 'budget', kpi: 'aov', period: WEEK, dims: { category }, value: p.aov },
]);
const weekOf = (kpi: string, category: string, total: number): ActualFact[] =>
  Array.from({ length: 7 }, (_, i) => ({
    kpi,
    period: addDays('2026-11-16', i),
    dims: { category },
    value: total / 7,
  }));
const ratioActuals: ActualFact[] = Object.entries(ACTUAL).flatMap(([category, a]) => [
  ...weekOf('orders', category, a.orders),
  ...weekOf('gmv', category, a.orders * a.aov),
]);

describe('rate and mix effects of a ratio KPI in the model', () => {
  const model = build(defineConfig(ratioInput), {
    targets: ratioTargets,
    actuals: ratioActuals,
    milestones: [],
  });
  const aov = model.attribution.find((a) => a.kpi === 'aov')!;

  it('splits AOV −22.5 into rate +5 and mix −27.5', () => {
    expect(aov.method).toBe('rate_mix');
    expect(aov.range).toBe('LAST_WEEK');
    // Plan (100×200 + 100×100)/200 = 150; actual (50×210 + 150×100)/200 = 127.5.
    expect(aov.totalVariance).toBeCloseTo(-22.5, 9);
    expect(aov.effects?.rate).toBeCloseTo(5, 9);
    expect(aov.effects?.mix).toBeCloseTo(-27.5, 9);
    expect(aov.unreconciled).toBeCloseTo(0, 9);
    expect(sumOf(aov)).toBeCloseTo(aov.totalVariance, 9);
  });

  it('names each slice with its rate and mix effect and the dimension value’s owner', () => {
    expect(aov.slices.map((s) => [s.dims.category, s.owner])).toEqual([
      ['food', 'operations'],
      ['pets', 'pets_team'],
    ]);
    const pets = aov.slices.find((s) => s.dims.category === 'pets')!;
    expect(pets.rate).toBeCloseTo(5, 9);
    expect(pets.mix).toBeCloseTo(-15, 9);
    expect(pets.contribution).toBeCloseTo(-10, 9);
    expect(model.owners.pets_team).toEqual({ en: 'Pets team', zh: '宠物组' });
  });

  it('refuses a dimension value owner the configuration does not declare', () => {
    const wrong = structuredClone(ratioInput);
    (wrong.dimensions![0]!.values[1] as { owner?: string }).owner = 'food_teem';
    expect(() => defineConfig(wrong)).toThrow(/unknown owner "food_teem"/);
  });

  it('also explains the off-track GMV additively (pets −9,500, food +5,000)', () => {
    const gmv = model.attribution.find((a) => a.kpi === 'gmv')!;
    expect(gmv.method).toBe('additive');
    expect(gmv.slices.map((s) => [s.dims.category, Math.round(s.contribution)])).toEqual([
      ['pets', -9_500],
      ['food', 5_000],
    ]);
    expect(sumOf(gmv)).toBeCloseTo(gmv.totalVariance, 6);
  });
});

describe('comparisons with the week before and last year', () => {
  // The same week a year earlier (2025-W47, 52 weeks back) with 1,000 a day of GMV.
  const lastYearWeek = Array.from({ length: 7 }, (_, i) => ({
    kpi: 'gmv',
    period: addDays('2025-11-17', i),
    dims: {},
    value: 1_000,
  }));
  const without = build(specConfig, specData);
  const withLastYear = build(specConfig, { ...specData, actuals: [...specData.actuals, ...lastYearWeek] });
  const gmvWeek = (m: ReportModel) => m.comparisons.find((c) => c.kpi === 'gmv' && c.range === 'LAST_WEEK')!;

  it('reads last year just the same when the store hands daily actuals over as columns (as run-report does)', () => {
    const actuals = [...specData.actuals, ...lastYearWeek];
    const columns = actualColumnsBuilder({ start: '2025-11-01', end: SPEC_AS_OF });
    const coarse = actuals.filter((f) => !columns.add(f.kpi, f.period, f.dims, f.value));
    const columnar = build(specConfig, { ...specData, actuals: coarse, actualColumns: columns.build() });
    expect(gmvWeek(columnar).lastYear?.actual).toBe(7_000);
    expect(columnar.comparisons).toEqual(withLastYear.comparisons);
    expect(columnar.table).toEqual(withLastYear.table);
  });

  it('has no last year when the store holds none', () => {
    expect(gmvWeek(without).lastYear).toBeNull();
  });

  it('fills last year from its facts, weekday-aligned', () => {
    const c = gmvWeek(withLastYear);
    expect(c.lastYear).toMatchObject({
      periodKey: '2025-W47',
      start: '2025-11-17',
      end: '2025-11-23',
      actual: 7_000,
    });
    expect(c.lastYear?.change).toBeCloseTo(7_420_000 - 7_000, 2);
    expect(c.lastYear?.changePct).toBeCloseTo((7_420_000 - 7_000) / 7_000, 9);
  });

  it('compares the week with the week before, as the trend shows it', () => {
    const c = gmvWeek(without);
    const w46 = without.trend.series
      .find((s) => s.kpi === 'gmv')!
      .points.find((p) => p.period === '2026-W46')!;
    expect(c.current).toBeCloseTo(7_420_000, 2);
    expect(c.previous?.periodKey).toBe('2026-W46');
    expect(c.previous?.actual).toBeCloseTo(w46.actual!, 4);
    // …and how that week stood against its own plan.
    expect(c.previous?.target).toBeCloseTo(w46.target!, 4);
    expect(c.previous?.variancePct).toBeCloseTo(w46.variancePct!, 9);
    expect(c.previous?.status).toBe(w46.status);
  });

  it('compares month to date with the same days of the month before, and not the year', () => {
    const c = without.comparisons.find((x) => x.kpi === 'gmv' && x.range === 'MTD')!;
    expect(c.previous).toMatchObject({ periodKey: '2026-10', start: '2026-10-01', end: '2026-10-22' });
    expect(without.comparisons.some((x) => x.range === 'YTD')).toBe(false);
  });

  it('reads last year’s days from the store', () => {
    const report = specConfig.reports[0]!;
    // Last year's MTD (1–22 Nov 2025) is the earliest day a comparison reads.
    expect(planDataQuery(specConfig, report, SPEC_AS_OF).start).toBe('2025-11-01');
  });
});

describe('the trend as a compact KPI × period table', () => {
  it('says how many of its latest periods to show: 13 weeks, or all of them early in the year', () => {
    const november = build(specConfig, specData);
    expect(november.trend.periods).toHaveLength(47);
    expect(november.trend.recentPeriods).toBe(13);
    expect(november.trend.series.every((s) => s.points.length === 47)).toBe(true);
    const january = buildReportModel(specConfig, specData, 'weekly-progress', '2026-01-18', {
      generatedAt: 'now',
    });
    expect(january.trend.periods.map((p) => p.key)).toEqual(['2026-W01', '2026-W02', '2026-W03']);
    expect(january.trend.recentPeriods).toBe(3);
  });

  it('reads last January from the store for a January month to date', () => {
    expect(planDataQuery(specConfig, specConfig.reports[0]!, '2026-01-18').start).toBe('2025-01-01');
  });
});

describe('attribution by two-dimension cells', () => {
  const input: PlanConfigInput = {
    ...ratioInput,
    dimensions: [
      {
        id: 'channel',
        name: { en: 'Channel', zh: '渠道' },
        values: [
          { id: 'tmall', name: { en: 'Tmall', zh: '天猫' } },
          { id: 'jd', name: { en: 'JD', zh: '京东' } },
        ],
      },
      ...ratioInput.dimensions!,
    ],
    reports: [
      {
        ...ratioInput.reports![0]!,
        breakdowns: [['channel', 'category']],
        headline: { kpi: 'gmv', range: 'WTD' },
      },
    ],
  };
  // Weekly GMV plan and actual per cell: only Tmall × pets misses, by 3,000; JD × food beats by 1,000.
  const cells = [
    { channel: 'tmall', category: 'pets', plan: 10_000, actual: 7_000 },
    { channel: 'tmall', category: 'food', plan: 5_000, actual: 5_000 },
    { channel: 'jd', category: 'pets', plan: 4_000, actual: 4_000 },
    { channel: 'jd', category: 'food', plan: 2_000, actual: 3_000 },
  ];
  const data: PlanData = {
    targets: cells.map((c) => ({
      version: 'budget',
      kpi: 'gmv',
      period: WEEK,
      dims: { channel: c.channel, category: c.category },
      value: c.plan,
    })),
    actuals: cells.flatMap((c) =>
      Array.from({ length: 7 }, (_, i) => ({
        kpi: 'gmv',
        period: addDays('2026-11-16', i),
        dims: { channel: c.channel, category: c.category },
        value: c.actual / 7,
      })),
    ),
    milestones: [],
  };
  const model = build(defineConfig(input), data);

  it('ranks the cells, names them by both values and drops the cells on plan', () => {
    const gmv = model.attribution.find((a) => a.kpi === 'gmv')!;
    expect(gmv.dimensions).toEqual(['channel', 'category']);
    expect(gmv.totalVariance).toBeCloseTo(-2_000, 6);
    expect(gmv.slices.map((s) => [s.label.en, Math.round(s.contribution), s.share])).toEqual([
      ['Tmall · Pets', -3_000, expect.closeTo(1.5, 9)],
      ['JD · Food', 1_000, expect.closeTo(-0.5, 9)],
    ]);
    // A cell's owner: the first of its values that has one (pets), else the KPI's.
    expect(gmv.slices.map((s) => s.owner)).toEqual(['pets_team', 'operations']);
    expect(sumOf(gmv)).toBeCloseTo(gmv.totalVariance, 6);
  });
});
