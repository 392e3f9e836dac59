import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  asOfForRule,
  CalendarError,
  compareDates,
  daysInclusive,
  fiscalQuarterOf,
  fiscalYearOf,
  fromEpochDay,
  isoWeekOf,
  isValidLocalDate,
  localDateOf,
  monthOf,
  parsePeriodKey,
  periodOf,
  periodRange,
  periodsBetween,
  reportRange,
  toEpochDay,
} from '../../../shared/domain/calendar.ts';

describe('local dates', () => {
  it('accepts real dates only', () => {
    expect(isValidLocalDate('2024-02-29')).toBe(true);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2026-02-30')).toBe(false);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('2026-1-01')).toBe(false);
    expect(isValidLocalDate(20261122)).toBe(false);
  });

  it('does arithmetic on epoch days across leap days and years', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(fromEpochDay(toEpochDay('2024-02-28') + 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysInclusive('2024-01-01', '2024-12-31')).toBe(366);
    expect(daysInclusive('2026-01-01', '2026-12-31')).toBe(365);
    expect(compareDates('2026-01-02', '2026-01-10')).toBe(-1);
    expect(() => toEpochDay('2026-02-30')).toThrow(CalendarError);
  });

  it('round-trips every epoch day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (n) => toEpochDay(fromEpochDay(n)) === n),
      { numRuns: 200 },
    );
  });
});

describe('fiscal periods', () => {
  it('labels a fiscal year by the calendar year it ends in (start month 4)', () => {
    expect(periodRange('FY2027', 4)).toEqual({ start: '2026-04-01', end: '2027-03-31' });
    expect(fiscalYearOf('2026-04-01', 4)).toBe('FY2027');
    expect(fiscalYearOf('2026-03-31', 4)).toBe('FY2026');
    expect(fiscalQuarterOf('2026-04-01', 4)).toBe('FY2027-Q1');
    expect(fiscalQuarterOf('2027-03-31', 4)).toBe('FY2027-Q4');
    expect(periodRange('FY2027-Q4', 4)).toEqual({ start: '2027-01-01', end: '2027-03-31' });
    expect(periodRange('FY2026-Q4', 1)).toEqual({ start: '2026-10-01', end: '2026-12-31' });
    expect(fiscalYearOf('2026-11-22', 1)).toBe('FY2026');
  });

  it('handles a leap February inside a fiscal quarter', () => {
    expect(periodRange('FY2024-Q4', 4)).toEqual({ start: '2024-01-01', end: '2024-03-31' });
    expect(daysInclusive('2024-01-01', '2024-03-31')).toBe(91);
    expect(periodRange('2024-02', 1)).toEqual({ start: '2024-02-01', end: '2024-02-29' });
  });
});

describe('ISO weeks', () => {
  it('uses the ISO week-year at year boundaries', () => {
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2026-11-22')).toBe('2026-W47');
    expect(periodRange('2020-W53', 1)).toEqual({ start: '2020-12-28', end: '2021-01-03' });
    expect(periodRange('2026-W47', 1)).toEqual({ start: '2026-11-16', end: '2026-11-22' });
  });

  it('rejects weeks a year does not have', () => {
    expect(parsePeriodKey('2026-W54', 1)).toBeNull();
    expect(parsePeriodKey('2025-W53', 1)).toBeNull();
    expect(parsePeriodKey('2026-W00', 1)).toBeNull();
    expect(parsePeriodKey('2026-13', 1)).toBeNull();
    expect(parsePeriodKey('2026-02-30', 1)).toBeNull();
    expect(parsePeriodKey('FY2026-Q5', 1)).toBeNull();
    expect(parsePeriodKey('next week', 1)).toBeNull();
    expect(() => periodRange('2026-W54', 1)).toThrow(/not a period key/);
  });
});

describe('report ranges', () => {
  it('gives to-date ranges and last complete periods for a Sunday asOf', () => {
    const at = (kind: Parameters<typeof reportRange>[0]) => reportRange(kind, '2026-11-22', 1);
    expect(at('WTD')).toEqual({ start: '2026-11-16', end: '2026-11-22', periodKey: '2026-W47' });
    expect(at('MTD')).toEqual({ start: '2026-11-01', end: '2026-11-22', periodKey: '2026-11' });
    expect(at('QTD')).toEqual({ start: '2026-10-01', end: '2026-11-22', periodKey: 'FY2026-Q4' });
    expect(at('YTD')).toEqual({ start: '2026-01-01', end: '2026-11-22', periodKey: 'FY2026' });
    // asOf is inclusive: a Sunday completes its own week.
    expect(at('LAST_WEEK')).toEqual({ start: '2026-11-16', end: '2026-11-22', periodKey: '2026-W47' });
    expect(at('LAST_MONTH')).toEqual({ start: '2026-10-01', end: '2026-10-31', periodKey: '2026-10' });
    expect(at('LAST_QUARTER')).toEqual({ start: '2026-07-01', end: '2026-09-30', periodKey: 'FY2026-Q3' });
  });

  it('takes the previous week when asOf is not a Sunday, and the own month on its last day', () => {
    expect(reportRange('LAST_WEEK', '2026-11-21', 1)).toMatchObject({
      start: '2026-11-09',
      end: '2026-11-15',
    });
    expect(reportRange('LAST_MONTH', '2026-11-30', 1)).toMatchObject({ periodKey: '2026-11' });
    expect(reportRange('LAST_QUARTER', '2026-12-31', 1)).toMatchObject({ periodKey: 'FY2026-Q4' });
    expect(reportRange('LAST_QUARTER', '2026-04-10', 4)).toMatchObject({
      start: '2026-01-01',
      end: '2026-03-31',
      periodKey: 'FY2026-Q4',
    });
    expect(reportRange('YTD', '2026-05-10', 4)).toMatchObject({ start: '2026-04-01', periodKey: 'FY2027' });
  });

  it('derives a scheduled run asOf from its rule', () => {
    expect(asOfForRule('2026-11-23', 'last_complete_week', 1)).toBe('2026-11-22');
    expect(asOfForRule('2026-11-25', 'last_complete_week', 1)).toBe('2026-11-22');
    expect(asOfForRule('2026-12-01', 'last_complete_month', 1)).toBe('2026-11-30');
    expect(asOfForRule('2026-11-30', 'last_complete_month', 1)).toBe('2026-10-31');
    expect(asOfForRule('2027-01-02', 'last_complete_quarter', 1)).toBe('2026-12-31');
    expect(asOfForRule('2026-04-01', 'last_complete_quarter', 4)).toBe('2026-03-31');
    expect(asOfForRule('2026-03-01', 'previous_day', 1)).toBe('2026-02-28');
  });

  it('reads the local date of an instant in the business time zone', () => {
    expect(localDateOf('2026-11-22T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-23');
    expect(localDateOf(new Date('2026-11-22T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-11-22');
    expect(localDateOf('2026-11-23T03:00:00Z', 'America/Los_Angeles')).toBe('2026-11-22');
    expect(() => localDateOf('2026-11-23T03:00:00Z', 'Mars/Olympus')).toThrow(/IANA/);
  });

  it('lists the periods of a range, clipped to it', () => {
    expect(periodsBetween({ start: '2026-01-01', end: '2026-03-10' }, 'month', 1)).toEqual([
      { key: '2026-01', start: '2026-01-01', end: '2026-01-31' },
      { key: '2026-02', start: '2026-02-01', end: '2026-02-28' },
      { key: '2026-03', start: '2026-03-01', end: '2026-03-10' },
    ]);
    expect(
      periodsBetween({ start: '2026-04-01', end: '2027-03-31' }, 'quarter', 4).map((p) => p.key),
    ).toEqual(['FY2027-Q1', 'FY2027-Q2', 'FY2027-Q3', 'FY2027-Q4']);
    expect(periodsBetween({ start: '2026-01-01', end: '2026-11-22' }, 'week', 1)).toHaveLength(47);
  });
});

describe('calendar properties', () => {
  const dateArb = fc
    .integer({ min: toEpochDay('1990-01-01'), max: toEpochDay('2060-12-31') })
    .map(fromEpochDay);
  const startMonthArb = fc.integer({ min: 1, max: 12 });

  it('puts every date in exactly one fiscal year, quarter, month and ISO week for every start month', () => {
    fc.assert(
      // Every start month for each generated date, not one sampled month per run.
      fc.property(dateArb, (d) => {
        for (let startMonth = 1; startMonth <= 12; startMonth++) checkDate(d, startMonth);
      }),
      { numRuns: 300 },
    );

    function checkDate(d: string, startMonth: number): void {
      for (const grain of ['year', 'quarter', 'month', 'week', 'day'] as const) {
        const key = periodOf(d, grain, startMonth);
        const range = periodRange(key, startMonth);
        // The period's range holds the date …
        expect(compareDates(range.start, d) <= 0 && compareDates(d, range.end) <= 0).toBe(true);
        // … and the neighbouring periods do not: the day before the start and after the end
        // belong to other keys, so the periods tile the calendar without overlap.
        expect(periodOf(addDays(range.start, -1), grain, startMonth)).not.toBe(key);
        expect(periodOf(addDays(range.end, 1), grain, startMonth)).not.toBe(key);
        expect(periodOf(range.start, grain, startMonth)).toBe(key);
        expect(periodOf(range.end, grain, startMonth)).toBe(key);
      }
      const quarter = fiscalQuarterOf(d, startMonth);
      expect(quarter.startsWith(`${fiscalYearOf(d, startMonth)}-Q`)).toBe(true);
      expect(monthOf(d)).toBe(d.slice(0, 7));
    }
  });

  it('makes every to-date range end on asOf and every last-complete range end on or before it', () => {
    fc.assert(
      fc.property(dateArb, startMonthArb, (d, startMonth) => {
        for (const kind of ['WTD', 'MTD', 'QTD', 'YTD'] as const) {
          const r = reportRange(kind, d, startMonth);
          expect(r.end).toBe(d);
          expect(periodRange(r.periodKey, startMonth).start).toBe(r.start);
        }
        for (const kind of ['LAST_WEEK', 'LAST_MONTH', 'LAST_QUARTER'] as const) {
          const r = reportRange(kind, d, startMonth);
          expect(compareDates(r.end, d) <= 0).toBe(true);
          expect(periodRange(r.periodKey, startMonth)).toEqual({ start: r.start, end: r.end });
          // Complete and the latest such: the next period does not end by asOf.
          const grain = kind === 'LAST_WEEK' ? 'week' : kind === 'LAST_MONTH' ? 'month' : 'quarter';
          const next = periodRange(periodOf(addDays(r.end, 1), grain, startMonth), startMonth);
          expect(compareDates(next.end, d) > 0).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
