import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/calendar.ts';
import { createEngine, dimsKey, type EngineInput } from '../../../shared/domain/engine.ts';
import type { ActualFact, DimensionValues, TargetFact } from '../../../shared/domain/types.ts';
import { testKpi } from '../../fixtures/kpi.ts';

const kpi = testKpi;
const dimension = (id: string) => ({ id, name: { en: id, zh: id }, aliases: [], values: [] });
const DIMENSIONS = [dimension('channel'), dimension('category'), dimension('region')];
const NOV = { start: '2026-11-01', end: '2026-11-30' };
const target = (k: string, value: number, dims: DimensionValues, period = '2026-11'): TargetFact => ({
  version: 'budget',
  kpi: k,
  period,
  dims,
  value,
});
const daily = (k: string, value: number, dims: DimensionValues): ActualFact[] =>
  Array.from({ length: 30 }, (_, i) => ({ kpi: k, period: addDays(NOV.start, i), dims, value }));
const engineOf = (over: Partial<EngineInput>) =>
  createEngine({
    kpis: [kpi('gmv')],
    dimensions: DIMENSIONS,
    targets: [],
    actuals: [],
    fiscalYearStartMonth: 1,
    window: { start: '2026-01-01', end: '2026-12-31' },
    ...over,
  });

describe('targets roll up through every level (spec §6, decision D6)', () => {
  it('gives the total the sum of channel × category targets, level by level', () => {
    const engine = engineOf({
      targets: [
        target('gmv', 100, { channel: 'tmall', category: 'pets' }),
        target('gmv', 200, { channel: 'tmall', category: 'beauty' }),
        target('gmv', 300, { channel: 'jd', category: 'pets' }),
      ],
      actuals: daily('gmv', 10, { channel: 'tmall', category: 'pets' }),
    });
    const total = engine.evaluate({ kpi: 'gmv', range: NOV });
    expect(total.targetSource).toBe('sum_of_finer');
    expect(total.target).toBeCloseTo(600, 9);
    expect(total.status).not.toBe('no_target');
    expect(engine.evaluate({ kpi: 'gmv', range: NOV, group: { channel: 'tmall' } }).target).toBeCloseTo(
      300,
      9,
    );
    expect(engine.evaluate({ kpi: 'gmv', range: NOV, group: { category: 'pets' } }).target).toBeCloseTo(
      400,
      9,
    );
    // The two splits of the total (by channel, by category) agree: no finding.
    expect(engine.targetMismatches()).toEqual([]);
    // The outlook of the total now has an annual target.
    const outlook = engine.outlook('gmv', '2026-11-30');
    expect(outlook.kind === 'sum' && outlook.annualTarget).toBeCloseTo(600, 9);
  });

  it('counts a plan once when targets exist on two splits, and flags the splits that disagree', () => {
    const engine = engineOf({
      targets: [
        target('gmv', 500, { channel: 'tmall' }),
        target('gmv', 400, { channel: 'jd', category: 'pets' }),
        target('gmv', 100, { channel: 'jd', category: 'beauty' }),
        target('gmv', 700, { category: 'pets' }),
      ],
      actuals: daily('gmv', 10, { channel: 'tmall' }),
    });
    // By channel (first in configuration order): tmall 500 + jd (400 + 100) = 1,000 — never
    // adding the category=pets row on top.
    expect(engine.evaluate({ kpi: 'gmv', range: NOV }).target).toBeCloseTo(1000, 9);
    const total = engine.targetMismatches().filter((m) => dimsKey(m.group) === '');
    // By category: pets 700 (explicit) + beauty 100 = 800 ≠ 1,000.
    expect(total).toHaveLength(1);
    expect(total[0]).toMatchObject({ usedDimension: 'channel', finerDimension: 'category' });
    expect(total[0]!.explicitTarget).toBeCloseTo(1000, 9);
    expect(total[0]!.sumOfFinerTargets).toBeCloseTo(800, 9);
  });

  it('rolls a ratio target up weighted by the rolled-up denominator targets', () => {
    const engine = engineOf({
      kpis: [
        kpi('orders'),
        kpi('sessions'),
        kpi('cr', { aggregation: 'ratio', numerator: 'orders', denominator: 'sessions', unit: 'percent' }),
      ],
      targets: [
        target('cr', 0.02, { channel: 'a', category: 'x' }),
        target('cr', 0.05, { channel: 'b', category: 'y' }),
        target('sessions', 3000, { channel: 'a', category: 'x' }),
        target('sessions', 1000, { channel: 'b', category: 'y' }),
      ],
      actuals: [
        ...daily('orders', 1, { channel: 'a', category: 'x' }),
        ...daily('sessions', 50, { channel: 'a', category: 'x' }),
      ],
    });
    const cr = engine.evaluate({ kpi: 'cr', range: NOV });
    expect(cr.targetSource).toBe('sum_of_finer');
    expect(cr.fullRangeTarget ?? cr.target).toBeCloseTo((3000 * 0.02 + 1000 * 0.05) / 4000, 12);
  });

  it('property: with targets only at the leaves, every group’s target is the sum of its leaves', () => {
    const values = { channel: ['a', 'b', 'c'], category: ['x', 'y'], region: ['n', 's'] } as const;
    const leafArb = fc.record({
      channel: fc.constantFrom(...values.channel),
      category: fc.constantFrom(...values.category),
      region: fc.constantFrom(...values.region),
      value: fc.integer({ min: 0, max: 1_000_000 }),
    });
    const groupArb = fc.record(
      {
        channel: fc.constantFrom(...values.channel),
        category: fc.constantFrom(...values.category),
        region: fc.constantFrom(...values.region),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(leafArb, { minLength: 1, maxLength: 12 }), groupArb, (rows, group) => {
        const leaves = new Map(rows.map((r) => [`${r.channel}|${r.category}|${r.region}`, r]));
        const targets = [...leaves.values()].map((r) =>
          target('gmv', r.value, { channel: r.channel, category: r.category, region: r.region }),
        );
        const engine = engineOf({
          targets,
          actuals: daily('gmv', 1, { channel: 'a', category: 'x', region: 'n' }),
        });
        const inGroup = [...leaves.values()].filter((r) =>
          Object.entries(group).every(([k, v]) => r[k as keyof typeof r] === v),
        );
        const e = engine.evaluate({ kpi: 'gmv', range: NOV, group: group as DimensionValues });
        const got = e.fullRangeTarget ?? e.target;
        if (inGroup.length === 0) expect(e.targetSource).toBe('none');
        else
          expect(got).toBeCloseTo(
            inGroup.reduce((n, r) => n + r.value, 0),
            6,
          );
        // Leaves never disagree with themselves: any split of any group adds up the same.
        expect(engine.targetMismatches()).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
