/**
 * The sample year `npm start` loads makes every sheet of every configured report meaningful:
 * consistent ratio components, data and targets in every breakdown of every scope, a
 * re-forecast, supplier-level data, and no false alarm in the weeks of Double 11.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleYear, type SampleYear } from '../../../infra/local/sample-year.ts';
import planConfig from '../../../plan.config.ts';
import { routeUploadKey } from '../../../shared/app/ingest-upload.ts';
import { planDataFromFiles } from '../../../shared/cli/upload-files.ts';
import { reportScopes } from '../../../shared/config/lookup.ts';
import { dimsKey } from '../../../shared/domain/engine.ts';
import type { PlanData } from '../../../shared/domain/types.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';

const AS_OF = '2026-11-29';
let year: SampleYear;
let data: PlanData;

beforeAll(async () => {
  year = await generateSampleYear(planConfig, { seed: 2026, fiscalYear: 'FY2026', asOf: AS_OF });
  const parsed = [];
  for (const file of year.files.filter((f) => !f.expectRejected)) {
    const kind = routeUploadKey(file.key)!;
    const result = await parseUpload({ config: planConfig, kind, body: file.body });
    expect(result.ok, file.key).toBe(true);
    parsed.push({ file: file.key, kind, result });
  }
  data = planDataFromFiles(parsed as Parameters<typeof planDataFromFiles>[0]);
}, 180_000);

const model = (reportId: string, asOf: string, scope?: Record<string, string>): ReportModel =>
  buildReportModel(planConfig, data, reportId, asOf, {
    ...(scope ? { scope } : {}),
    generatedAt: '2026-11-30T01:00:00Z',
  });

const kpi = (id: string) => planConfig.kpis.find((k) => k.id === id)!;

describe('the sample year of npm start', () => {
  it('keeps every ratio component within its partner, row by row (on-time ≤ shipped ≤ orders, returned ≤ orders …)', () => {
    const value = new Map(data.actuals.map((f) => [`${f.kpi}|${f.period}|${dimsKey(f.dims)}`, f.value]));
    const pairs: [string, string][] = [
      ...planConfig.kpis
        .filter((k) => k.aggregation === 'ratio' && k.unit === 'percent')
        .map((k): [string, string] => [k.numerator!, k.denominator!]),
      ['shipped_orders', 'orders'],
    ];
    let compared = 0;
    const problems: string[] = [];
    for (const [part, whole] of pairs) {
      for (const f of data.actuals) {
        if (f.kpi !== part) continue;
        const at = `${f.period} ${dimsKey(f.dims)}`;
        const total = value.get(`${whole}|${f.period}|${dimsKey(f.dims)}`);
        if (total === undefined) problems.push(`${part} without ${whole} on ${at}`);
        else if (f.value > total) problems.push(`${part} ${f.value} > ${whole} ${total} on ${at}`);
        compared++;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(50_000);
  }, 60_000);

  it('has budget and re-forecast targets for every sum and ratio KPI', () => {
    for (const version of ['budget', 'reforecast']) {
      const kpis = new Set(data.targets.filter((t) => t.version === version).map((t) => t.kpi));
      for (const k of planConfig.kpis.filter((x) => x.aggregation !== 'snapshot')) {
        expect(kpis.has(k.id), `${version} target of ${k.id}`).toBe(true);
      }
    }
  });

  it('gives every report, in every scope, data and targets for its sum and ratio KPIs in every range, none off track company-wide', () => {
    for (const report of planConfig.reports) {
      for (const scope of reportScopes(planConfig, report)) {
        const m = model(report.id, AS_OF, scope.dims);
        for (const row of m.table) {
          if (kpi(row.kpi).aggregation === 'snapshot') continue;
          if (row.kpi === year.story.staleKpi && row.range === 'WTD') continue; // the story's stale KPI
          const at = `${report.id} [${scope.key}] ${row.kpi} ${row.range}`;
          expect(row.actual, at).not.toBeNull();
          expect(row.target, at).not.toBeNull();
          // The story's shortfalls are local (two categories, one supplier): a whole-company
          // figure off track means targets and actuals were drawn from different plans.
          if (scope.key === 'all') expect(row.status, `${at}: ${row.variancePct}`).not.toBe('off_track');
        }
      }
    }
  }, 60_000);

  it('fills every breakdown of every report and scope: each value has the headline KPI with data and a target', () => {
    for (const report of planConfig.reports) {
      for (const scope of reportScopes(planConfig, report)) {
        const m = model(report.id, AS_OF, scope.dims);
        expect(m.breakdowns.map((b) => b.dimensions)).toEqual(
          report.breakdowns.map((b) => (typeof b === 'string' ? [b] : b)),
        );
        const headline = m.headline?.kpi ?? report.kpis[0]!;
        for (const breakdown of m.breakdowns) {
          const values = new Set(breakdown.rows.map((r) => r.value));
          expect(
            values.size,
            `${report.id} [${scope.key}] ${breakdown.dimensions.join(' × ')}`,
          ).toBeGreaterThan(1);
          for (const value of values) {
            const row = breakdown.rows.find((r) => r.kpi === headline && r.value === value);
            const at = `${report.id} [${scope.key}] ${breakdown.dimensions.join(' × ')}=${value} ${headline}`;
            expect(row?.actual, at).not.toBeNull();
            expect(row?.target, at).not.toBeNull();
          }
        }
      }
    }
  }, 60_000);

  it('fills the other sheets of every report and scope: scorecard, re-forecast, outlook, trend, milestones, clean data quality', () => {
    for (const report of planConfig.reports) {
      for (const scope of reportScopes(planConfig, report)) {
        const m = model(report.id, AS_OF, scope.dims);
        const at = `${report.id} [${scope.key}]`;
        if (report.scorecard) expect(m.scorecard.score, `${at} scorecard`).not.toBeNull();
        if (report.compareVersion) {
          const compared = m.compareTable.filter((r) => kpi(r.kpi).aggregation !== 'snapshot');
          expect(compared.length, `${at} ${report.compareVersion}`).toBeGreaterThan(0);
          for (const row of compared)
            expect(row.target, `${at} ${report.compareVersion} ${row.kpi} ${row.range}`).not.toBeNull();
        }
        for (const o of m.outlook) {
          if (o.kind === 'sum') expect(o.forecast, `${at} outlook ${o.kpi}`).not.toBeNull();
        }
        const headline = m.headline?.kpi ?? report.kpis[0]!;
        const series = m.trend.series.find((s) => s.kpi === headline);
        const judged = series?.points.filter((p) => p.actual !== null && p.target !== null) ?? [];
        expect(judged.length, `${at} trend of ${headline}`).toBeGreaterThan(1);
        if (report.includeMilestones)
          expect(m.milestones.items.length, `${at} milestones`).toBeGreaterThan(0);
        // Only the story's stale KPI is stale; a KPI never uploaded at the scope's dimension is
        // "not reported at this level", not stale through never (issue 14 point 4).
        const stale = m.dataQuality.kpis.filter((k) => k.stale).map((k) => k.kpi);
        expect(
          stale.filter((k) => k !== year.story.staleKpi),
          `${at} stale`,
        ).toEqual([]);
        // Consistent data: no impossible value, no group target that disagrees with its parts.
        expect(m.dataQuality.boundsViolations, `${at} bounds`).toEqual([]);
        expect(m.dataQuality.targetMismatches, `${at} target mismatches`).toEqual([]);
      }
    }
  }, 60_000);

  it('raises no false alarm in the weeks around Double 11: GMV is judged against its own share of November', () => {
    const behind = new Set(year.story.behindCategories);
    const onPlan = planConfig.dimensions
      .find((d) => d.id === 'category')!
      .values.map((v) => v.id)
      .filter((c) => !behind.has(c));
    expect(onPlan.length).toBeGreaterThan(3);
    // The week before, the week of Double 11 (2026-11-09 … 15) and the week after.
    for (const asOf of ['2026-11-08', '2026-11-15', '2026-11-22']) {
      const total = model('weekly-progress', asOf).table.find((r) => r.kpi === 'gmv' && r.range === 'WTD')!;
      expect(total.status, `gmv WTD to ${asOf}`).not.toBe('off_track');
      expect(Math.abs(total.variancePct!), `gmv WTD to ${asOf}`).toBeLessThan(0.08);
      for (const category of onPlan) {
        const row = model('category-weekly', asOf, { category }).table.find(
          (r) => r.kpi === 'gmv' && r.range === 'WTD',
        )!;
        expect(row.status, `${category} gmv WTD to ${asOf}: ${row.variancePct}`).not.toBe('off_track');
      }
    }
  }, 60_000);

  it('sells GMV by day as promotions do (Double 11 many ordinary days), planned by day in the budget', () => {
    const gmvOn = (day: string) =>
      data.actuals.filter((f) => f.kpi === 'gmv' && f.period === day).reduce((sum, f) => sum + f.value, 0);
    const ordinary = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'].map(gmvOn);
    const average = ordinary.reduce((a, b) => a + b, 0) / ordinary.length;
    expect(gmvOn('2026-11-11') / average).toBeGreaterThan(5);
    const budgetGmv = data.targets.filter((t) => t.kpi === 'gmv' && t.version === 'budget');
    expect(budgetGmv.length).toBeGreaterThan(300);
    expect(budgetGmv.every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t.period))).toBe(true);
    // The week of Double 11 plans as much more than the week after as the promotion days weigh
    // (the phasing profile's day weights; an even split of November would give 1).
    const days = planConfig.phasing.find((p) => p.days)!.days!;
    const weight = (from: number) =>
      [0, 1, 2, 3, 4, 5, 6].reduce(
        (sum, i) => sum + (days[`11-${String(from + i).padStart(2, '0')}`] ?? 1),
        0,
      );
    const wtdTarget = (asOf: string) =>
      model('weekly-progress', asOf).table.find((r) => r.kpi === 'gmv' && r.range === 'WTD')!.target!;
    expect(wtdTarget('2026-11-15') / wtdTarget('2026-11-22')).toBeCloseTo(weight(9) / weight(16), 3);
    expect(weight(9) / weight(16)).toBeGreaterThan(2);
  }, 60_000);

  it('shows the story: the behind categories off track, the late supplier last on on-time fulfilment', () => {
    for (const category of year.story.behindCategories) {
      const row = model('category-weekly', AS_OF, { category }).table.find(
        (r) => r.kpi === 'gmv' && r.range === 'MTD',
      )!;
      expect(row.status, category).toBe('off_track');
    }
    const suppliers = model('supplier-scorecard', AS_OF).breakdowns.find((b) => b.dimension === 'supplier')!;
    const onTime = suppliers.rows.filter((r) => r.kpi === 'on_time_fulfilment_rate');
    expect(onTime).toHaveLength(planConfig.dimensions.find((d) => d.id === 'supplier')!.values.length);
    for (const row of onTime) expect(row.actual!).toBeLessThanOrEqual(1);
    const worst = [...onTime].sort((a, b) => a.actual! - b.actual!)[0]!;
    expect(worst.value).toBe(year.story.lateSupplier);
  });
});
