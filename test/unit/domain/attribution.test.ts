import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  additiveAttribution,
  fsum,
  rankContributions,
  rateMixAttribution,
} from '../../../shared/domain/attribution.ts';

const RUNS = { numRuns: 200 };

/** Equal up to float rounding relative to the magnitudes involved. */
function expectClose(actual: number, expected: number, scale: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
}

const money = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
const maybeMoney = fc.option(money, { nil: null });

describe('additive attribution (sum KPIs)', () => {
  it('contributions + unreconciled = total variance, whatever the slices', () => {
    fc.assert(
      fc.property(
        money,
        money,
        fc.array(fc.record({ actual: maybeMoney, target: maybeMoney }), { maxLength: 40 }),
        (actual, target, slices) => {
          const a = additiveAttribution({ actual, target }, slices)!;
          const scale =
            Math.abs(actual) +
            Math.abs(target) +
            fsum(slices.map((s) => Math.abs(s.actual ?? 0) + Math.abs(s.target ?? 0)));
          expectClose(fsum(a.contributions) + a.unreconciled, actual - target, scale);
          expect(a.contributions).toHaveLength(slices.length);
        },
      ),
      RUNS,
    );
  });

  it('leaves nothing unreconciled when the slices partition the total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ actual: money, target: money }), { minLength: 1, maxLength: 40 }),
        (slices) => {
          const total = {
            actual: fsum(slices.map((s) => s.actual)),
            target: fsum(slices.map((s) => s.target)),
          };
          const a = additiveAttribution(total, slices)!;
          const scale = fsum(slices.map((s) => Math.abs(s.actual) + Math.abs(s.target)));
          expectClose(a.unreconciled, 0, scale);
        },
      ),
      RUNS,
    );
  });

  it('explains the spec example: GMV −1.1M as self-operated −660k and Tmall −440k', () => {
    const a = additiveAttribution({ actual: 20_900_000, target: 22_000_000 }, [
      { actual: 12_540_000, target: 13_200_000 },
      { actual: 8_360_000, target: 8_800_000 },
      { actual: 150_000, target: null },
    ])!;
    expect(a.contributions[0]).toBeCloseTo(-660_000, 6);
    expect(a.contributions[1]).toBeCloseTo(-440_000, 6);
    // A slice sold against no plan contributes all of its actual; the total did not include it.
    expect(a.contributions[2]).toBe(150_000);
    expect(a.unreconciled).toBeCloseTo(-150_000, 6);
  });

  it('has nothing to explain without a total target', () => {
    expect(additiveAttribution({ actual: 5, target: null }, [{ actual: 5, target: 4 }])).toBeNull();
  });
});

describe('ranking', () => {
  it('listed + not listed = every contribution', () => {
    fc.assert(
      fc.property(
        fc.array(money, { maxLength: 40 }),
        money,
        fc.integer({ min: 0, max: 50 }),
        (cs, v, limit) => {
          const r = rankContributions(cs, v, limit);
          expect(r.listed.length).toBeLessThanOrEqual(limit);
          expect(new Set(r.listed).size).toBe(r.listed.length);
          const scale = fsum(cs.map(Math.abs));
          expectClose(fsum(r.listed.map((i) => cs[i]!)) + r.notListed, fsum(cs), scale);
        },
      ),
      RUNS,
    );
  });

  it('puts the slices pushing the variance its way first, largest first, and drops zeros', () => {
    expect(rankContributions([-3, 5, 0, -8, 1], -5, 10).listed).toEqual([3, 0, 4, 1]);
    expect(rankContributions([-3, 5, 0, -8, 1], 5, 10).listed).toEqual([1, 4, 0, 3]);
    // Limited: the largest by size are kept, the rest summed.
    const top2 = rankContributions([-3, 5, 0, -8, 1], -5, 2);
    expect(top2.listed).toEqual([3, 1]);
    expect(top2.notListed).toBe(-2);
  });
});

describe('rate and mix effects (ratio KPIs)', () => {
  const rate = fc.double({ min: 0, max: 1000, noNaN: true });
  const weight = fc.double({ min: 1, max: 1e6, noNaN: true });

  it('rate + mix + unreconciled = total variance, whatever the slices', () => {
    fc.assert(
      fc.property(
        rate,
        rate,
        fc.array(
          fc.record({
            rateActual: fc.option(rate, { nil: null }),
            rateTarget: fc.option(rate, { nil: null }),
            weightActual: fc.option(weight, { nil: null }),
            weightTarget: fc.option(weight, { nil: null }),
          }),
          { maxLength: 30 },
        ),
        (actual, target, slices) => {
          const a = rateMixAttribution({ actual, target }, slices);
          if (a === null) return;
          expectClose(a.rate + a.mix + a.unreconciled, actual - target, 1e3);
          expectClose(fsum(a.contributions), a.rate + a.mix, 1e3);
        },
      ),
      RUNS,
    );
  });

  it('rate + mix = total variance exactly when the slices make up the total', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ rateActual: rate, rateTarget: rate, weightActual: weight, weightTarget: weight }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (slices) => {
          // The total ratio is the denominator-weighted ratio of its slices (actual and target).
          const actual =
            fsum(slices.map((s) => s.rateActual * s.weightActual)) / fsum(slices.map((s) => s.weightActual));
          const target =
            fsum(slices.map((s) => s.rateTarget * s.weightTarget)) / fsum(slices.map((s) => s.weightTarget));
          const a = rateMixAttribution({ actual, target }, slices)!;
          expectClose(a.rate + a.mix, actual - target, 1e3);
          expectClose(a.unreconciled, 0, 1e3);
        },
      ),
      RUNS,
    );
  });

  it('works the documented example: AOV −22.5 = rate +5 (pets dearer) + mix −27.5 (orders moved to food)', () => {
    // Pets: 100 → 50 orders at ¥200 → ¥210; food: 100 → 150 orders at ¥100. Plan AOV 150, actual 127.5.
    const a = rateMixAttribution({ actual: 127.5, target: 150 }, [
      { rateActual: 210, rateTarget: 200, weightActual: 50, weightTarget: 100 },
      { rateActual: 100, rateTarget: 100, weightActual: 150, weightTarget: 100 },
    ])!;
    expect(a.rate).toBeCloseTo(5, 12);
    expect(a.mix).toBeCloseTo(-27.5, 12);
    expect(a.rateBySlice).toEqual([5, 0]);
    expect(a.mixBySlice[0]).toBeCloseTo(-15, 12);
    expect(a.mixBySlice[1]).toBeCloseTo(-12.5, 12);
    expect(a.contributions[0]).toBeCloseTo(-10, 12);
    expect(a.unreconciled).toBeCloseTo(0, 12);
  });

  it('cannot split without weights', () => {
    expect(
      rateMixAttribution({ actual: 1, target: 2 }, [
        { rateActual: 1, rateTarget: 2, weightActual: null, weightTarget: null },
      ]),
    ).toBeNull();
  });
});
