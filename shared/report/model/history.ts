/**
 * The days a report reads outside its main engine's window: last year's compared periods (and
 * in January the month or week before). A second engine indexes just these, so
 * the main engine's findings (gaps, target mismatches, impossible values) stay about the
 * report's own year.
 */
import type { ReportConfig } from '../../config/schema.ts';
import { compareDates } from '../../domain/calendar.ts';
import type { DateRange, LocalDate } from '../../domain/types.ts';
import { earlierRanges } from './comparisons.ts';

/** One span holding every extra range outside `window`; null when all lie inside. */
export function historyWindow(
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
export function earliestExtraDay(report: ReportConfig, asOf: LocalDate, startMonth: number): LocalDate {
  return earlierRanges(report, asOf, startMonth)
    .map((r) => r.start)
    .reduce((a, b) => (compareDates(a, b) <= 0 ? a : b), asOf);
}
