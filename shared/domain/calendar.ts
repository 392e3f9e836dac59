/**
 * Calendar and period keys (spec §1). Local dates are `YYYY-MM-DD` strings in the business
 * time zone; all arithmetic runs on epoch days (days since 1970-01-01, proleptic Gregorian,
 * computed in UTC) so the machine's own time zone can never shift a date.
 *
 * Period keys: fiscal year `FY2026`, fiscal quarter `FY2026-Q3`, calendar month `2026-11`,
 * ISO-8601 week `2026-W47` (Monday–Sunday, ISO week-year), day `2026-11-22`. A fiscal year is
 * labelled by the calendar year in which it ends.
 */
import type { DateRange, LocalDate, PeriodGrain, PeriodKey, RangeKind } from './types.ts';

const MS_PER_DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Raised for malformed local dates or period keys; the message says what a valid one looks like. */
export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

/** Days in a calendar month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30, 2026-13-01). */
export function isValidLocalDate(s: unknown): s is LocalDate {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parts(d: LocalDate): [number, number, number] {
  const m = DATE_RE.exec(d);
  if (!m || !isValidLocalDate(d)) {
    throw new CalendarError(`"${d}" is not a local date: write it as YYYY-MM-DD, e.g. 2026-11-22`);
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function epochDayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Days since 1970-01-01 (which is day 0). */
export function toEpochDay(d: LocalDate): number {
  const [y, m, day] = parts(d);
  return epochDayOf(y, m, day);
}

/** The local date of an epoch day. */
export function fromEpochDay(n: number): LocalDate {
  const date = new Date(n * MS_PER_DAY);
  return `${pad4(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return fromEpochDay(toEpochDay(d) + n);
}

/** Number of days from a to b, both included (1 when a = b; 0 or less when b < a). */
export function daysInclusive(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a) + 1;
}

/** −1, 0 or 1 (`YYYY-MM-DD` strings order like their dates). */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO day of week of an epoch day: Monday = 1 … Sunday = 7. */
export function isoDayOfWeekOfEpochDay(n: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** ISO day of week: Monday = 1 … Sunday = 7. */
export function isoDayOfWeek(d: LocalDate): number {
  return isoDayOfWeekOfEpochDay(toEpochDay(d));
}

function checkStartMonth(startMonth: number): void {
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12) {
    throw new CalendarError(`fiscal-year start month must be an integer 1–12, got ${startMonth}`);
  }
}

/** The calendar year in which the fiscal year holding (year, month) ends. */
function fiscalYearNumber(year: number, month: number, startMonth: number): number {
  return startMonth === 1 || month < startMonth ? year : year + 1;
}

/** First day of fiscal year `FY<fy>`. */
function fiscalYearStart(fy: number, startMonth: number): LocalDate {
  const year = startMonth === 1 ? fy : fy - 1;
  return `${pad4(year)}-${pad2(startMonth)}-01`;
}

/** `FY2026` for a date, labelled by the calendar year in which the fiscal year ends. */
export function fiscalYearOf(d: LocalDate, startMonth: number): PeriodKey {
  checkStartMonth(startMonth);
  const [y, m] = parts(d);
  return `FY${pad4(fiscalYearNumber(y, m, startMonth))}`;
}

/** `FY2026-Q3` for a date. */
export function fiscalQuarterOf(d: LocalDate, startMonth: number): PeriodKey {
  checkStartMonth(startMonth);
  const [y, m] = parts(d);
  const quarter = Math.floor(((((m - startMonth) % 12) + 12) % 12) / 3) + 1;
  return `FY${pad4(fiscalYearNumber(y, m, startMonth))}-Q${quarter}`;
}

/** `2026-11` for a date. */
export function monthOf(d: LocalDate): PeriodKey {
  parts(d);
  return d.slice(0, 7);
}

/** ISO week-year and week number of an epoch day. */
function isoWeekParts(n: number): { year: number; week: number } {
  const thursday = n - isoDayOfWeekOfEpochDay(n) + 4;
  const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const week = Math.floor((thursday - epochDayOf(year, 1, 1)) / 7) + 1;
  return { year, week };
}

/** `2026-W47` for a date (ISO week-year: 2027-01-01 is in `2026-W53`). */
export function isoWeekOf(d: LocalDate): PeriodKey {
  const { year, week } = isoWeekParts(toEpochDay(d));
  return `${pad4(year)}-W${pad2(week)}`;
}

/** Number of ISO weeks (52 or 53) in an ISO week-year. */
export function isoWeeksInYear(year: number): number {
  return isoWeekParts(epochDayOf(year, 12, 28)).week;
}

/** Epoch day of the Monday of ISO week 1 of a week-year (the week holding 4 January). */
function isoWeekOneMonday(year: number): number {
  const jan4 = epochDayOf(year, 1, 4);
  return jan4 - isoDayOfWeekOfEpochDay(jan4) + 1;
}

/** The key of the period of the given grain that holds d. */
export function periodOf(d: LocalDate, grain: PeriodGrain, startMonth: number): PeriodKey {
  switch (grain) {
    case 'day':
      parts(d);
      return d;
    case 'week':
      return isoWeekOf(d);
    case 'month':
      return monthOf(d);
    case 'quarter':
      return fiscalQuarterOf(d, startMonth);
    case 'year':
      return fiscalYearOf(d, startMonth);
  }
}

export interface ParsedPeriod {
  readonly grain: PeriodGrain;
  readonly key: PeriodKey;
  readonly start: LocalDate;
  readonly end: LocalDate;
}

/**
 * Parse a period key of any grain (day, ISO week, month, fiscal quarter, fiscal year) into
 * its inclusive date range; `null` when the key is not valid (e.g. `2026-W54`, `2026-13`,
 * `2026-02-30`). Keys must be in canonical form (`2026-W07`, not `2026-W7`).
 */
export function parsePeriodKey(key: string, startMonth: number): ParsedPeriod | null {
  checkStartMonth(startMonth);
  if (typeof key !== 'string') return null;
  const k = key.trim();
  let m = DATE_RE.exec(k);
  if (m) return isValidLocalDate(k) ? { grain: 'day', key: k, start: k, end: k } : null;
  m = /^(\d{4})-W(\d{2})$/.exec(k);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksInYear(year)) return null;
    const monday = isoWeekOneMonday(year) + 7 * (week - 1);
    return { grain: 'week', key: k, start: fromEpochDay(monday), end: fromEpochDay(monday + 6) };
  }
  m = /^(\d{4})-(\d{2})$/.exec(k);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    return {
      grain: 'month',
      key: k,
      start: `${m[1]}-${m[2]}-01`,
      end: `${m[1]}-${m[2]}-${pad2(daysInMonth(year, month))}`,
    };
  }
  m = /^FY(\d{4})-Q([1-4])$/.exec(k);
  if (m) {
    const fyStart = toEpochDay(fiscalYearStart(Number(m[1]), startMonth));
    const q = Number(m[2]);
    const start = addMonths(fromEpochDay(fyStart), 3 * (q - 1));
    const end = addDays(addMonths(start, 3), -1);
    return { grain: 'quarter', key: k, start, end };
  }
  m = /^FY(\d{4})$/.exec(k);
  if (m) {
    const start = fiscalYearStart(Number(m[1]), startMonth);
    return { grain: 'year', key: k, start, end: addDays(addMonths(start, 12), -1) };
  }
  return null;
}

/** First-of-month date arithmetic: `addMonths('2026-11-01', 2)` = `2027-01-01` (day kept, must exist). */
function addMonths(firstOfMonth: LocalDate, n: number): LocalDate {
  const [y, m, d] = parts(firstOfMonth);
  const index = y * 12 + (m - 1) + n;
  return `${pad4(Math.floor(index / 12))}-${pad2((index % 12) + 1)}-${pad2(d)}`;
}

/** Inclusive date range of a period key; throws {@link CalendarError} for an invalid key. */
export function periodRange(key: PeriodKey, startMonth: number): DateRange {
  const parsed = parsePeriodKey(key, startMonth);
  if (!parsed) {
    throw new CalendarError(
      `"${key}" is not a period key: use a day 2026-11-22, an ISO week 2026-W47, a month 2026-11, a fiscal quarter FY2026-Q4 or a fiscal year FY2026`,
    );
  }
  return { start: parsed.start, end: parsed.end };
}

function periodWithRange(d: LocalDate, grain: PeriodGrain, startMonth: number): ParsedPeriod {
  const key = periodOf(d, grain, startMonth);
  const range = periodRange(key, startMonth);
  return { grain, key, start: range.start, end: range.end };
}

/**
 * The dates of a report range for an inclusive `asOf` (spec §1).
 *
 * `WTD`/`MTD`/`QTD`/`YTD` run from the start of asOf's ISO week / month / fiscal quarter /
 * fiscal year to asOf. `LAST_WEEK`/`LAST_MONTH`/`LAST_QUARTER` are the last *complete* ones:
 * because asOf is inclusive, a period that ends on asOf is complete — a Sunday asOf makes its
 * own ISO week the last complete week, 30 November makes November the last complete month.
 * Otherwise it is the period before the one holding asOf.
 */
export function reportRange(
  kind: RangeKind,
  asOf: LocalDate,
  startMonth: number,
): DateRange & { readonly periodKey: PeriodKey } {
  checkStartMonth(startMonth);
  const toDate = (grain: PeriodGrain) => {
    const p = periodWithRange(asOf, grain, startMonth);
    return { start: p.start, end: asOf, periodKey: p.key };
  };
  const lastComplete = (grain: PeriodGrain) => {
    let p = periodWithRange(asOf, grain, startMonth);
    if (p.end !== asOf) p = periodWithRange(addDays(p.start, -1), grain, startMonth);
    return { start: p.start, end: p.end, periodKey: p.key };
  };
  switch (kind) {
    case 'WTD':
      return toDate('week');
    case 'MTD':
      return toDate('month');
    case 'QTD':
      return toDate('quarter');
    case 'YTD':
      return toDate('year');
    case 'LAST_WEEK':
      return lastComplete('week');
    case 'LAST_MONTH':
      return lastComplete('month');
    case 'LAST_QUARTER':
      return lastComplete('quarter');
  }
}

export type AsOfRuleName =
  | 'last_complete_week'
  | 'last_complete_month'
  | 'last_complete_quarter'
  | 'previous_day';

/**
 * The asOf a run scheduled on a local date reports on. The scheduled day itself is never
 * complete when the run fires, so the rules look at the day before: `previous_day` is that
 * day; the others are the last day of the last complete ISO week / month / fiscal quarter
 * ending on or before it (scheduled Monday 2026-11-23, weekly → 2026-11-22; scheduled
 * 2026-12-01, monthly → 2026-11-30).
 */
export function asOfForRule(
  scheduledLocalDate: LocalDate,
  rule: AsOfRuleName,
  startMonth: number,
): LocalDate {
  const yesterday = addDays(scheduledLocalDate, -1);
  switch (rule) {
    case 'previous_day':
      return yesterday;
    case 'last_complete_week':
      return reportRange('LAST_WEEK', yesterday, startMonth).end;
    case 'last_complete_month':
      return reportRange('LAST_MONTH', yesterday, startMonth).end;
    case 'last_complete_quarter':
      return reportRange('LAST_QUARTER', yesterday, startMonth).end;
  }
}

/** The period grain a report's asOf rule is about (its headline period key uses it). */
export function grainOfAsOfRule(rule: AsOfRuleName): PeriodGrain {
  switch (rule) {
    case 'previous_day':
      return 'day';
    case 'last_complete_week':
      return 'week';
    case 'last_complete_month':
      return 'month';
    case 'last_complete_quarter':
      return 'quarter';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The local date of an instant in an IANA time zone (pure: the instant is passed in).
 * Throws {@link CalendarError} for an invalid instant or time zone.
 */
export function localDateOf(instant: Date | string, timeZone: string): LocalDate {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new CalendarError(`"${String(instant)}" is not a valid instant`);
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      throw new CalendarError(`"${timeZone}" is not an IANA time zone: use a name such as Asia/Shanghai`);
    }
    formatters.set(timeZone, format);
  }
  const byType: Record<string, string> = {};
  for (const part of format.formatToParts(date)) byType[part.type] = part.value;
  return `${pad4(Number(byType.year))}-${byType.month}-${byType.day}`;
}

/**
 * The weeks / months / fiscal quarters that overlap a range, in order. Each period's dates
 * are CLIPPED to the range (its key stays the whole period's), so a trend from the fiscal
 * year's start to asOf shows a partial first ISO week and a partial current period honestly.
 */
export function periodsBetween(
  range: DateRange,
  grain: 'week' | 'month' | 'quarter',
  startMonth: number,
): { key: PeriodKey; start: LocalDate; end: LocalDate }[] {
  const out: { key: PeriodKey; start: LocalDate; end: LocalDate }[] = [];
  if (compareDates(range.start, range.end) > 0) return out;
  let cursor = range.start;
  while (compareDates(cursor, range.end) <= 0) {
    const p = periodWithRange(cursor, grain, startMonth);
    const end = compareDates(p.end, range.end) < 0 ? p.end : range.end;
    out.push({ key: p.key, start: cursor, end });
    cursor = addDays(p.end, 1);
  }
  return out;
}

/** Inclusive range of the fiscal year holding d. */
export function fiscalYearRange(d: LocalDate, startMonth: number): DateRange & { key: PeriodKey } {
  const key = fiscalYearOf(d, startMonth);
  return { key, ...periodRange(key, startMonth) };
}
