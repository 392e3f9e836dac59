/**
 * This period against the previous one and the same period last year (issue 15 point 3), for
 * every lead range of the report shorter than a year (last year's days: `history.ts`).
 */
import type { ReportConfig } from '../../config/schema.ts';
import { type ComparisonRange, comparisonRanges } from '../../domain/comparison-periods.ts';
import type { KpiDeclaration, LocalDate, RangeKind } from '../../domain/types.ts';
import type { ComparedPeriod, PeriodComparison } from '../report-model.ts';
import type { ModelContext } from './context.ts';
import { leadRanges } from './ranges.ts';

/**
 * The ranges compared: the lead ranges shorter than a year. The year to date is not compared
 * with last year's: that would double the days every weekly report reads from the store, and
 * the year has its outlook (forecast, gap, required pace) instead.
 */
export function comparedKinds(report: ReportConfig): RangeKind[] {
  return leadRanges(report).filter((kind) => kind !== 'YTD');
}

/** Every earlier range the report's comparisons read, for its lead ranges at asOf. */
export function earlierRanges(report: ReportConfig, asOf: LocalDate, startMonth: number): ComparisonRange[] {
  return comparedKinds(report).flatMap((kind) => {
    const c = comparisonRanges(kind, asOf, startMonth);
    return c.previous ? [c.previous, c.lastYear] : [c.lastYear];
  });
}

export function comparisonsOf(ctx: ModelContext, kpis: readonly KpiDeclaration[]): PeriodComparison[] {
  const { report, asOf, startMonth } = ctx;
  const version = report.targetVersion;
  const compared = (
    kpi: string,
    current: number | null,
    r: ComparisonRange | null,
  ): ComparedPeriod | null => {
    if (!r) return null;
    const e = ctx.evaluate({ kpi, range: r, periodKey: r.periodKey, version });
    const actual = e.actual;
    if (actual === null) return null;
    const change = current === null ? null : current - actual;
    return {
      periodKey: r.periodKey,
      start: r.start,
      end: r.end,
      actual,
      change,
      changePct: change === null || actual === 0 ? null : change / Math.abs(actual),
      target: e.target,
      variancePct: e.variancePct,
      status: e.status,
    };
  };
  return kpis.flatMap((kpi) =>
    comparedKinds(report).map((kind) => {
      const ranges = comparisonRanges(kind, asOf, startMonth);
      const current = ctx.evaluateAt(kpi.id, kind, version).actual;
      return {
        kpi: kpi.id,
        range: kind,
        current,
        previous: compared(kpi.id, current, ranges.previous),
        lastYear: compared(kpi.id, current, ranges.lastYear),
      };
    }),
  );
}
