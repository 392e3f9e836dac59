/**
 * The engine's day axis: a window of local dates as offsets 0 … length − 1, and period keys
 * parsed once (they repeat across millions of facts).
 */
import { fromEpochDay, type ParsedPeriod, parsePeriodKey, periodOf, toEpochDay } from '../calendar.ts';
import type { DateRange, LocalDate, PeriodGrain, PeriodKey } from '../types.ts';

/** Raised for a query the engine cannot answer (unknown KPI, bad window); says what to fix. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface DayWindow {
  readonly range: DateRange;
  /** Epoch day of offset 0. */
  readonly start: number;
  readonly length: number;
  /** Offsets of a range clipped to the window, and the range's own length in days. */
  clip(range: DateRange): { readonly first: number; readonly last: number; readonly rangeDays: number };
  /** Local date of an offset. */
  day(offset: number): LocalDate;
}

export function dayWindow(range: DateRange): DayWindow {
  const start = toEpochDay(range.start);
  const end = toEpochDay(range.end);
  if (end < start) throw new EngineError('engine window ends before it starts');
  const length = end - start + 1;
  return {
    range,
    start,
    length,
    clip(r) {
      const first = Math.max(toEpochDay(r.start) - start, 0);
      const last = Math.min(toEpochDay(r.end) - start, length - 1);
      return { first, last, rangeDays: Math.max(toEpochDay(r.end) - toEpochDay(r.start) + 1, 0) };
    },
    day: (offset) => fromEpochDay(start + offset),
  };
}

/** A parsed period with its first and last epoch day. */
export type IndexedPeriod = ParsedPeriod & { readonly firstDay: number; readonly lastDay: number };

export const GRAINS: readonly PeriodGrain[] = ['day', 'week', 'month', 'quarter', 'year'];

export interface PeriodIndex {
  readonly startMonth: number;
  /** The parsed period, or null when the key cannot be read. */
  parse(key: string): IndexedPeriod | null;
  /** The period key whose range is exactly `range`, if any (for snapshot KPIs). */
  exactKey(range: DateRange): PeriodKey | null;
}

export function periodIndex(startMonth: number): PeriodIndex {
  const cache = new Map<string, IndexedPeriod | null>();
  const parse = (key: string): IndexedPeriod | null => {
    let p = cache.get(key);
    if (p === undefined) {
      const parsed = parsePeriodKey(key, startMonth);
      p = parsed ? { ...parsed, firstDay: toEpochDay(parsed.start), lastDay: toEpochDay(parsed.end) } : null;
      cache.set(key, p);
    }
    return p;
  };
  return {
    startMonth,
    parse,
    exactKey(range) {
      for (const grain of GRAINS) {
        const key = periodOf(range.start, grain, startMonth);
        const p = parse(key);
        if (p && p.start === range.start && p.end === range.end) return key;
      }
      return null;
    },
  };
}
