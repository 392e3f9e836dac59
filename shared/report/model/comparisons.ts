/**
 * This period against the previous one and the same period last year (issue 15 point 3), for
 * every lead range of the report. Earlier periods before the engine's window (last year's)
 * are read from a second engine over just those days, so the main engine's findings (gaps,
 * target mismatches, impossible values) stay about the report's own year.
 */
import type { ReportConfig } from '../../config/schema.ts';
import { compareDates } from '../../domain/calendar.ts';
import { type ComparisonRange, comparisonRanges } from '../../domain/comparison-periods.ts';
import type { Engine } from '../../domain/engine.ts';
import type { DateRange, KpiDeclaration, LocalDate, RangeKind } from '../../domain/types.ts';
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
function earlierRanges(report: ReportConfig, asOf: LocalDate, startMonth: number): ComparisonRange[] {
  return comparedKinds(report).flatMap((kind) => {
    const c = comparisonRanges(kind, asOf, startMonth);
    return c.previous ? [c.previous, c.lastYear] : [c.lastYear];
  });
}

/** The days the comparisons need that lie outside `window` (null when none): one span. */
export function comparisonWindow(
  report: ReportConfig,
  asOf: LocalDate,
  startMonth: number,
  window: DateRange,
): DateRange | null {
  const outside = earlierRanges(report, asOf, startMonth).filter(
    (r) => compareDates(r.start, window.start) < 0 || compareDates(r.end, window.end) > 0,
  );
  if (outside.length === 0) return null;
  return {
    start: outside.map((r) => r.start).reduce((a, b) => (compareDates(a, b) <= 0 ? a : b)),
    end: outside.map((r) => r.end).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b)),
  };
}

/** The earliest day the comparisons read (for the data query). */
export function earliestComparedDay(report: ReportConfig, asOf: LocalDate, startMonth: number): LocalDate {
  return earlierRanges(report, asOf, startMonth)
    .map((r) => r.start)
    .reduce((a, b) => (compareDates(a, b) <= 0 ? a : b), asOf);
}

function inside(r: DateRange, window: DateRange): boolean {
  return compareDates(r.start, window.start) >= 0 && compareDates(r.end, window.end) <= 0;
}

export function comparisonsOf(
  ctx: ModelContext,
  kpis: readonly KpiDeclaration[],
  history: Engine | null,
): PeriodComparison[] {
  const { report, asOf, startMonth } = ctx;
  const version = report.targetVersion;
  const compared = (
    kpi: string,
    current: number | null,
    r: ComparisonRange | null,
  ): ComparedPeriod | null => {
    if (!r) return null;
    const engine = inside(r, ctx.engine.window) ? ctx.engine : history;
    if (!engine) return null;
    const actual = engine.evaluate({ kpi, range: r, periodKey: r.periodKey, version }).actual;
    if (actual === null) return null;
    const change = current === null ? null : current - actual;
    return {
      periodKey: r.periodKey,
      start: r.start,
      end: r.end,
      actual,
      change,
      changePct: change === null || actual === 0 ? null : change / Math.abs(actual),
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
