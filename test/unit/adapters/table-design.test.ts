import { describe, expect, it } from 'vitest';
import { dimsKey, isDayPeriod, keys, monthsBetween } from '../../../shared/adapters/table-design.ts';

describe('table design', () => {
  it('spreads a 200k-fact year over partitions so none takes more than 5 % of the writes', () => {
    // Prepare: 4 KPIs × 137 dimension combinations × 365 days ≈ 200k daily facts.
    const perPartition = new Map<string, number>();
    let total = 0;
    for (let k = 0; k < 4; k++) {
      for (let c = 0; c < 137; c++) {
        const dk = dimsKey({ channel: `ch${c % 7}`, category: `cat${Math.floor(c / 7)}` });
        for (let d = 0; d < 365; d++) {
          const day = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
          // Act
          const { pk } = keys.dailyActual(`kpi${k}`, dk, day);
          perPartition.set(pk, (perPartition.get(pk) ?? 0) + 1);
          total += 1;
        }
      }
    }

    // Assess
    expect(total).toBeGreaterThanOrEqual(200_000);
    expect(Math.max(...perPartition.values())).toBeLessThanOrEqual(total * 0.05);
    expect(Math.max(...perPartition.values())).toBeLessThanOrEqual(31);
  });

  it('recognises day periods and leaves coarser ones to their own partition', () => {
    expect(isDayPeriod('2026-11-22')).toBe(true);
    for (const p of ['2026-11', '2026-W47', 'FY2026-Q4', 'FY2026']) expect(isDayPeriod(p)).toBe(false);
    expect(keys.coarseActual('gmv', '2026-W47', '_')).toEqual({ pk: 'AC#gmv', sk: '2026-W47#_' });
  });

  it('lists the months of a range across a year end', () => {
    expect(monthsBetween('2026-11-15', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-11-01', '2026-11-30')).toEqual(['2026-11']);
  });
});
