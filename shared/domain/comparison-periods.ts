/**
 * The earlier periods a report range is compared with (issue 15 point 3): the period before
 * (the week before, the month before, …) and the same period last year. Pure calendar
 * arithmetic over {@link reportRange}.
 *
 * A range that covers its whole period (last week, a month ended on asOf) is compared with
 * the whole earlier period; a to-date range (month to 22 Nov) with the same number of days
 * from the earlier period's start, clipped to that period (29 Mar → 28 Feb).
 */
import { addDays, daysInclusive, periodOf, periodRange, reportRange } from './calendar.ts';
import type { DateRange, LocalDate, PeriodGrain, PeriodKey, RangeKind } from './types.ts';

export interface ComparisonRange extends DateRange {
  /** The key of the whole earlier period, e.g. `2026-W46`, `2025-11`, `FY2025`. */
  readonly periodKey: PeriodKey;
}

export interface ComparisonRanges {
  readonly current: ComparisonRange;
  /** The period before; null for year ranges (the year before is `lastYear`). */
  readonly previous: ComparisonRange | null;
  readonly lastYear: ComparisonRange;
}

const GRAIN: Readonly<Record<RangeKind, Exclude<PeriodGrain, 'day'>>> = {
  WTD: 'week',
  LAST_WEEK: 'week',
  MTD: 'month',
  LAST_MONTH: 'month',
  QTD: 'quarter',
  LAST_QUARTER: 'quarter',
  YTD: 'year',
};

/** A year before a first-of-period date (always a first of month, or a Monday 52 weeks back). */
function yearBefore(periodStart: LocalDate, grain: PeriodGrain): LocalDate {
  // Weeks: 52 weeks back keeps the weekdays aligned (2026-W47 → 2025-W47 in most years).
  if (grain === 'week') return addDays(periodStart, -364);
  return `${String(Number(periodStart.slice(0, 4)) - 1).padStart(4, '0')}${periodStart.slice(4)}`;
}

/** The earlier ranges `kind` at `asOf` is compared with. */
export function comparisonRanges(kind: RangeKind, asOf: LocalDate, startMonth: number): ComparisonRanges {
  const grain = GRAIN[kind];
  const current = reportRange(kind, asOf, startMonth);
  const own = periodRange(current.periodKey, startMonth);
  const whole = current.end === own.end;
  const length = daysInclusive(current.start, current.end);
  const like = (day: LocalDate): ComparisonRange => {
    const periodKey = periodOf(day, grain, startMonth);
    const period = periodRange(periodKey, startMonth);
    const sameLength = addDays(period.start, length - 1);
    const end = whole || sameLength > period.end ? period.end : sameLength;
    return { periodKey, start: period.start, end };
  };
  return {
    current: { periodKey: current.periodKey, start: current.start, end: current.end },
    previous: grain === 'year' ? null : like(addDays(own.start, -1)),
    lastYear: like(yearBefore(own.start, grain)),
  };
}
