import { describe, expect, it } from 'vitest';
import { comparisonRanges } from '../../../shared/domain/comparison-periods.ts';

describe('comparisonRanges', () => {
  it('compares a complete week with the week before and the same ISO week a year (52 weeks) back', () => {
    expect(comparisonRanges('LAST_WEEK', '2026-11-25', 1)).toEqual({
      current: { periodKey: '2026-W47', start: '2026-11-16', end: '2026-11-22' },
      previous: { periodKey: '2026-W46', start: '2026-11-09', end: '2026-11-15' },
      lastYear: { periodKey: '2025-W47', start: '2025-11-17', end: '2025-11-23' },
    });
  });

  it('compares month to date with as many days of the earlier months, clipped to their length', () => {
    expect(comparisonRanges('MTD', '2026-03-30', 1)).toEqual({
      current: { periodKey: '2026-03', start: '2026-03-01', end: '2026-03-30' },
      previous: { periodKey: '2026-02', start: '2026-02-01', end: '2026-02-28' },
      lastYear: { periodKey: '2025-03', start: '2025-03-01', end: '2025-03-30' },
    });
  });

  it('compares a whole month with whole months, a whole quarter with whole quarters', () => {
    expect(comparisonRanges('MTD', '2026-03-31', 1).previous).toEqual({
      periodKey: '2026-02',
      start: '2026-02-01',
      end: '2026-02-28',
    });
    expect(comparisonRanges('LAST_MONTH', '2024-03-31', 1).lastYear).toEqual({
      periodKey: '2023-03',
      start: '2023-03-01',
      end: '2023-03-31',
    });
    // Fiscal year from April: FY2027-Q1 is Apr–Jun 2026.
    expect(comparisonRanges('LAST_QUARTER', '2026-07-15', 4)).toEqual({
      current: { periodKey: 'FY2027-Q1', start: '2026-04-01', end: '2026-06-30' },
      previous: { periodKey: 'FY2026-Q4', start: '2026-01-01', end: '2026-03-31' },
      lastYear: { periodKey: 'FY2026-Q1', start: '2025-04-01', end: '2025-06-30' },
    });
  });

  it('has no previous period for the year to date, only last year', () => {
    expect(comparisonRanges('YTD', '2026-11-22', 1)).toEqual({
      current: { periodKey: 'FY2026', start: '2026-01-01', end: '2026-11-22' },
      previous: null,
      lastYear: { periodKey: 'FY2025', start: '2025-01-01', end: '2025-11-22' },
    });
  });
});
