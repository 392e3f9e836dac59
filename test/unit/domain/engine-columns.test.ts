import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/calendar.ts';
import { actualColumnsBuilder, createEngine, type EngineInput } from '../../../shared/domain/engine.ts';
import type {
  ActualColumns,
  ActualFact,
  DateRange,
  DimensionValues,
  TargetFact,
} from '../../../shared/domain/types.ts';
import { testKpi } from '../../fixtures/kpi.ts';

const WINDOW: DateRange = { start: '2026-01-01', end: '2026-03-31' };
const KPIS = [
  testKpi('gmv', { bounds: { min: 0, max: 900 } }),
  testKpi('orders'),
  testKpi('cr', { aggregation: 'ratio', numerator: 'orders', denominator: 'gmv', unit: 'percent' }),
  testKpi('stock', { aggregation: 'snapshot' }),
];
const RANGES: DateRange[] = [
  { start: '2026-01-01', end: '2026-03-31' },
  { start: '2026-02-01', end: '2026-02-28' },
  { start: '2026-03-09', end: '2026-03-15' },
  { start: '2026-03-31', end: '2026-03-31' },
];
const GROUPS: DimensionValues[] = [
  {},
  { channel: 'a' },
  { channel: 'b' },
  { region: 'n' },
  { channel: 'a', region: 's' },
];

const dayFactArb: fc.Arbitrary<ActualFact> = fc.record({
  kpi: fc.constantFrom('gmv', 'orders', 'stock', 'unknown'),
  // Some days before and after the window.
  period: fc.integer({ min: -20, max: 110 }).map((d) => addDays(WINDOW.start, d)),
  dims: fc.constantFrom<DimensionValues>(
    {},
    { channel: 'a' },
    { channel: 'b' },
    { channel: 'a', region: 's' },
    { region: 'n' },
  ),
  value: fc.integer({ min: -100, max: 1000 }),
});
const coarseFactArb: fc.Arbitrary<ActualFact> = fc.record({
  kpi: fc.constantFrom('gmv', 'orders', 'stock'),
  period: fc.constantFrom('2026-01', '2026-02', '2026-W10', 'FY2026-Q1', '2025-12'),
  dims: fc.constantFrom<DimensionValues>({}, { channel: 'a' }, { channel: 'b' }),
  value: fc.integer({ min: 0, max: 5000 }),
});
const targets: TargetFact[] = [
  { version: 'budget', kpi: 'gmv', period: '2026-02', dims: { channel: 'a' }, value: 9000 },
  { version: 'budget', kpi: 'orders', period: 'FY2026-Q1', dims: {}, value: 700 },
];

/** The day facts as columns (the later of two wins, as in the engine), the rest as objects. */
function split(
  facts: readonly ActualFact[],
  hint?: DateRange,
): { columns: ActualColumns; rest: ActualFact[] } {
  const builder = actualColumnsBuilder(hint);
  const rest = facts.filter((f) => !builder.add(f.kpi, f.period, f.dims, f.value));
  return { columns: builder.build(), rest };
}

function figures(input: Omit<EngineInput, 'kpis' | 'targets' | 'fiscalYearStartMonth' | 'window'>) {
  const engine = createEngine({ kpis: KPIS, targets, fiscalYearStartMonth: 1, window: WINDOW, ...input });
  return {
    evaluations: KPIS.flatMap((k) =>
      RANGES.flatMap((range) => GROUPS.map((group) => engine.evaluate({ kpi: k.id, range, group }))),
    ),
    coverage: KPIS.map((k) => engine.coverageFindings(k.id, RANGES[0]!, '2026-03-20')),
    bounds: engine.boundsFindings(),
    outlook: engine.outlook('gmv', '2026-03-20'),
  };
}

describe('engine over actual columns', () => {
  it('gives every figure the fact objects give, whatever the columns span', () => {
    fc.assert(
      fc.property(
        fc.array(dayFactArb, { maxLength: 80 }),
        fc.array(coarseFactArb, { maxLength: 6 }),
        fc.constantFrom<DateRange | undefined>(undefined, WINDOW, { start: '2026-02-01', end: '2026-02-10' }),
        fc.constantFrom<DimensionValues>({}, { channel: 'a' }),
        (days, coarse, hint, scope) => {
          const facts = [...days, ...coarse];
          const { columns, rest } = split(facts, hint);
          expect(rest).toEqual(coarse);
          expect(figures({ actuals: rest, actualColumns: columns, scope })).toEqual(
            figures({ actuals: facts, scope }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads a column spanning the window in place, and a later fact object wins without writing into it', () => {
    const builder = actualColumnsBuilder(WINDOW);
    for (let d = 0; d < 90; d++) builder.add('gmv', addDays(WINDOW.start, d), { channel: 'a' }, 10);
    const columns = builder.build();
    const override: ActualFact = { kpi: 'gmv', period: '2026-03-31', dims: { channel: 'a' }, value: 500 };
    const engine = createEngine({
      kpis: KPIS,
      targets: [],
      actuals: [override],
      actualColumns: columns,
      fiscalYearStartMonth: 1,
      window: WINDOW,
    });
    expect(engine.evaluate({ kpi: 'gmv', range: RANGES[0]! }).actual).toBe(89 * 10 + 500);
    expect(columns.daily[0]!.values[89]).toBe(10);
  });

  it('keeps the later of two values for one day, and widens a column for a day outside its hint', () => {
    const builder = actualColumnsBuilder({ start: '2026-02-01', end: '2026-02-28' });
    builder.add('gmv', '2026-02-03', {}, 1);
    builder.add('gmv', '2026-02-03', {}, 2);
    builder.add('gmv', '2025-12-30', {}, 4);
    builder.add('gmv', '2026-06-30', {}, 8);
    expect(builder.add('gmv', '2026-02', {}, 16)).toBe(false);
    expect(builder.add('gmv', '2026-02-30', {}, 16)).toBe(false);
    const [column] = builder.build().daily;
    const covered = [...column!.covered.keys()]
      .filter((i) => column!.covered[i])
      .map((i) => [addDays(column!.start, i), column!.values[i]]);
    expect(covered).toEqual([
      ['2025-12-30', 4],
      ['2026-02-03', 2],
      ['2026-06-30', 8],
    ]);
  });

  it('adds a month of days by mask as adding them one by one does, inside and outside the hint', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kpi: fc.constantFrom('gmv', 'orders'),
            first: fc.constantFrom('2025-12-01', '2026-02-01', '2026-03-01', '2026-07-01'),
            dims: fc.constantFrom<DimensionValues>({}, { channel: 'a' }),
            mask: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            values: fc.array(fc.integer({ min: -100, max: 1000 }), { minLength: 31, maxLength: 31 }),
          }),
          { maxLength: 8 },
        ),
        (months) => {
          const byMask = actualColumnsBuilder(WINDOW);
          const byDay = actualColumnsBuilder(WINDOW);
          for (const m of months) {
            expect(byMask.addDays(m.kpi, m.first, m.dims, m.mask, m.values)).toBe(true);
            for (let i = 0; i < 31; i++) {
              if (m.mask & (1 << i)) byDay.add(m.kpi, addDays(m.first, i), m.dims, m.values[i]!);
            }
          }
          const covered = (columns: ActualColumns) =>
            columns.daily
              .flatMap((c) =>
                [...c.covered.keys()]
                  .filter((i) => c.covered[i])
                  .map((i) => `${c.kpi}|${JSON.stringify(c.dims)}|${addDays(c.start, i)}|${c.values[i]}`),
              )
              .sort();
          expect(covered(byMask.build())).toEqual(covered(byDay.build()));
        },
      ),
    );
    expect(actualColumnsBuilder(WINDOW).addDays('gmv', '2026-02', {}, 1, [1])).toBe(false);
  });
});
