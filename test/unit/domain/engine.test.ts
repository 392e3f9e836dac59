import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/calendar.ts';
import { createEngine, dimsKey, EngineError, type EngineInput } from '../../../shared/domain/engine.ts';
import type { ActualFact, TargetFact } from '../../../shared/domain/types.ts';
import { testKpi } from '../../fixtures/kpi.ts';

const kpi = testKpi;

const daily = (k: string, start: string, days: number, value: number, dims = {}): ActualFact[] =>
  Array.from({ length: days }, (_, i) => ({ kpi: k, period: addDays(start, i), dims, value }));

const target = (k: string, period: string, value: number, dims = {}, version = 'budget'): TargetFact => ({
  version,
  kpi: k,
  period,
  dims,
  value,
});

const base = (over: Partial<EngineInput>): EngineInput => ({
  kpis: [kpi('gmv')],
  targets: [],
  actuals: [],
  fiscalYearStartMonth: 1,
  window: { start: '2026-01-01', end: '2026-12-31' },
  ...over,
});

const NOV = { start: '2026-11-01', end: '2026-11-30' };

describe('engine: like-for-like', () => {
  it('compares only covered days and says how many', () => {
    const engine = createEngine(
      base({ targets: [target('gmv', '2026-11', 3000)], actuals: daily('gmv', '2026-11-01', 10, 90) }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: NOV });
    expect(e).toMatchObject({ coveredDays: 10, rangeDays: 30, dataThrough: '2026-11-10' });
    expect(e.target).toBeCloseTo(1000, 9);
    expect(e.fullRangeTarget).toBeCloseTo(3000, 9);
    expect(e.variancePct).toBeCloseTo(-0.1, 9);
    expect(e.status).toBe('at_risk');
  });

  it('counts a coarser actual only when its whole period lies in the range', () => {
    const engine = createEngine(
      base({
        targets: [target('gmv', '2026-11', 3000)],
        actuals: [{ kpi: 'gmv', period: '2026-W46', dims: {}, value: 700 }],
      }),
    );
    const week = engine.evaluate({ kpi: 'gmv', range: { start: '2026-11-09', end: '2026-11-15' } });
    expect(week.actual).toBe(700);
    expect(week.target).toBeCloseTo(700, 9);
    const partial = engine.evaluate({ kpi: 'gmv', range: { start: '2026-11-01', end: '2026-11-12' } });
    expect(partial.status).toBe('no_data');
    expect(partial.actual).toBeNull();
    expect(engine.evaluate({ kpi: 'gmv', range: NOV }).actual).toBe(700);
  });

  it('replaces a re-uploaded actual instead of adding to it', () => {
    const engine = createEngine(
      base({
        actuals: [
          { kpi: 'gmv', period: '2026-11-01', dims: {}, value: 5 },
          { kpi: 'gmv', period: '2026-11-01', dims: {}, value: 7 },
        ],
      }),
    );
    expect(engine.evaluate({ kpi: 'gmv', range: NOV }).actual).toBe(7);
  });

  it('needs both components on a day for a ratio KPI', () => {
    const engine = createEngine(
      base({
        kpis: [
          kpi('orders'),
          kpi('sessions'),
          kpi('cr', { aggregation: 'ratio', numerator: 'orders', denominator: 'sessions', unit: 'percent' }),
        ],
        targets: [target('cr', '2026-11', 0.05)],
        actuals: [...daily('orders', '2026-11-01', 5, 10), ...daily('sessions', '2026-11-01', 3, 100)],
      }),
    );
    const e = engine.evaluate({ kpi: 'cr', range: NOV });
    expect(e.coveredDays).toBe(3);
    expect(e.actual).toBeCloseTo(0.1, 12);
    expect(e.target).toBeCloseTo(0.05, 12);
  });
});

describe('engine: phasing and targets', () => {
  it('phases with a profile: Double 11 weighs 5 days', () => {
    const engine = createEngine(
      base({
        kpis: [kpi('gmv', { phasing: 'double11' })],
        phasing: [{ id: 'double11', days: { '11-11': 5 } }],
        targets: [target('gmv', '2026-11', 3400)],
        actuals: daily('gmv', '2026-11-01', 30, 1),
      }),
    );
    // 29 days of weight 1 and one of weight 5: 34 shares of 100.
    expect(
      engine.evaluate({ kpi: 'gmv', range: { start: '2026-11-11', end: '2026-11-11' } }).target,
    ).toBeCloseTo(500, 9);
    expect(
      engine.evaluate({ kpi: 'gmv', range: { start: '2026-11-01', end: '2026-11-10' } }).target,
    ).toBeCloseTo(1000, 9);
  });

  it('weights a ratio target by the denominator target, else equally by day', () => {
    const kpis = [
      kpi('orders'),
      kpi('sessions'),
      kpi('cr', { aggregation: 'ratio', numerator: 'orders', denominator: 'sessions', unit: 'percent' }),
    ];
    const actuals = [...daily('orders', '2026-10-01', 61, 1), ...daily('sessions', '2026-10-01', 61, 10)];
    const targets = [target('cr', '2026-10', 0.02), target('cr', '2026-11', 0.05)];
    const range = { start: '2026-10-01', end: '2026-11-30' };
    const equal = createEngine(base({ kpis, actuals, targets })).evaluate({ kpi: 'cr', range });
    expect(equal.target).toBeCloseTo((31 * 0.02 + 30 * 0.05) / 61, 12);
    const weighted = createEngine(
      base({
        kpis,
        actuals,
        targets: [...targets, target('sessions', '2026-10', 3100), target('sessions', '2026-11', 9000)],
      }),
    ).evaluate({ kpi: 'cr', range });
    expect(weighted.target).toBeCloseTo((3100 * 0.02 + 9000 * 0.05) / 12_100, 12);
  });

  it('rolls targets up from one finer dimension only, and prefers an explicit group target', () => {
    const engine = createEngine(
      base({
        dimensions: [
          { id: 'channel', name: { en: 'c', zh: 'c' }, aliases: [], values: [] },
          { id: 'category', name: { en: 'k', zh: 'k' }, aliases: [], values: [] },
        ],
        targets: [
          target('gmv', '2026-11', 100, { channel: 'a' }),
          target('gmv', '2026-11', 200, { channel: 'b' }),
          target('gmv', '2026-11', 290, { category: 'x' }),
          target('gmv', '2026-11', 50, { channel: 'a', category: 'x' }),
        ],
        actuals: daily('gmv', '2026-11-01', 30, 1, { channel: 'a', category: 'x' }),
      }),
    );
    const total = engine.evaluate({ kpi: 'gmv', range: NOV });
    expect(total.target).toBeCloseTo(300, 9);
    expect(total.targetSource).toBe('sum_of_finer');
    const a = engine.evaluate({ kpi: 'gmv', range: NOV, group: { channel: 'a' } });
    expect(a).toMatchObject({ targetSource: 'explicit' });
    expect(a.target).toBeCloseTo(100, 9);
    expect(engine.evaluate({ kpi: 'gmv', range: NOV, group: { channel: 'c' } }).targetSource).toBe('none');
    // channel=a (100) vs its only finer target a×x (50): −50 %; category=x (290) vs a×x (50);
    // the total has no target of its own: its channel split (300) vs its category split (290).
    const mismatches = engine.targetMismatches();
    expect(mismatches.map((m) => dimsKey(m.group)).sort()).toEqual(['', 'category=x', 'channel=a']);
    const splits = mismatches.find((m) => dimsKey(m.group) === '');
    expect(splits).toMatchObject({ usedDimension: 'channel', finerDimension: 'category', period: 'FY2026' });
    expect(splits?.explicitTarget).toBeCloseTo(300, 9);
    expect(splits?.sumOfFinerTargets).toBeCloseTo(290, 9);
  });

  it('does not crash on mixed target grains for one series', () => {
    const engine = createEngine(
      base({
        targets: [
          target('gmv', '2026-11', 3000),
          target('gmv', 'FY2026-Q4', 9200),
          target('gmv', 'not-a-period', 1),
        ],
        actuals: daily('gmv', '2026-11-01', 30, 1),
      }),
    );
    expect(engine.evaluate({ kpi: 'gmv', range: NOV }).target).toBeCloseTo(6000, 6);
  });

  it('compares a snapshot only with the exact period and dimension values', () => {
    const engine = createEngine(
      base({
        kpis: [kpi('nps', { aggregation: 'snapshot', unit: 'number' })],
        targets: [target('nps', '2026-10', 50), target('nps', '2026-10', 40, { channel: 'a' })],
        actuals: [
          { kpi: 'nps', period: '2026-10', dims: { channel: 'a' }, value: 44 },
          { kpi: 'nps', period: '2026-Q4', dims: {}, value: 1 },
        ],
      }),
    );
    const oct = { start: '2026-10-01', end: '2026-10-31' };
    expect(engine.evaluate({ kpi: 'nps', range: oct }).status).toBe('no_data');
    const a = engine.evaluate({ kpi: 'nps', range: oct, group: { channel: 'a' } });
    expect(a.actual).toBe(44);
    expect(a.variancePct).toBeCloseTo(0.1, 9);
    expect(engine.outlook('nps', '2026-11-22', 'budget', { channel: 'a' })).toEqual({
      kind: 'snapshot',
      latestValue: 44,
      latestPeriod: '2026-10',
    });
  });
});

describe('engine: variance rules', () => {
  it('gives no attainment for lower-is-better with a zero actual, and no_target for a zero target', () => {
    const engine = createEngine(
      base({
        kpis: [kpi('complaints', { direction: 'lower_is_better' }), kpi('gmv')],
        targets: [target('complaints', '2026-11', 30), target('gmv', '2026-11', 0)],
        actuals: [...daily('complaints', '2026-11-01', 30, 0), ...daily('gmv', '2026-11-01', 30, 1)],
      }),
    );
    const c = engine.evaluate({ kpi: 'complaints', range: NOV });
    expect(c.attainment).toBeNull();
    expect(c.status).toBe('on_track');
    const g = engine.evaluate({ kpi: 'gmv', range: NOV });
    expect(g).toMatchObject({ status: 'no_target', variancePct: null, variance: 30 });
  });

  it('throws a clear error for an unknown KPI', () => {
    const engine = createEngine(base({}));
    expect(() => engine.evaluate({ kpi: 'gvm', range: NOV })).toThrow(EngineError);
    expect(() => engine.evaluate({ kpi: 'gvm', range: NOV })).toThrow(/unknown KPI "gvm"/);
  });
});

describe('engine: data quality', () => {
  it('finds gaps and staleness with grace days', () => {
    const engine = createEngine(
      base({ actuals: [...daily('gmv', '2026-11-01', 5, 1), ...daily('gmv', '2026-11-08', 12, 1)] }),
    );
    const findings = engine.coverageFindings(
      'gmv',
      { start: '2026-11-01', end: '2026-11-22' },
      '2026-11-22',
      0,
    );
    expect(findings.dataThrough).toBe('2026-11-19');
    expect(findings.stale).toBe(true);
    expect(findings.gaps).toEqual([
      { start: '2026-11-06', end: '2026-11-07' },
      { start: '2026-11-20', end: '2026-11-22' },
    ]);
    expect(engine.coverageFindings('gmv', NOV, '2026-11-22', 3).stale).toBe(false);
  });
});

describe('engine: volume', () => {
  it('indexes ~50k facts across 140 dimension combinations and rolls them up exactly', () => {
    const actuals: ActualFact[] = [];
    for (let c = 0; c < 140; c++) {
      const dims = { channel: `ch${c % 4}`, category: `cat${c}` };
      actuals.push(...daily('gmv', '2026-01-01', 360, c + 1, dims));
    }
    expect(actuals.length).toBeGreaterThanOrEqual(50_000);
    const engine = createEngine(base({ actuals, targets: [target('gmv', 'FY2026', 1_000_000, {})] }));
    const ytd = engine.evaluate({ kpi: 'gmv', range: { start: '2026-01-01', end: '2026-12-26' } });
    expect(ytd.actual).toBe(360 * ((140 * 141) / 2));
    expect(ytd.target).toBeCloseTo((1_000_000 * 360) / 365, 6);
    const ch1 = engine.evaluate({ kpi: 'gmv', range: NOV, group: { channel: 'ch1' } });
    let expected = 0;
    for (let c = 1; c < 140; c += 4) expected += (c + 1) * 30;
    expect(ch1.actual).toBe(expected);
  });
});
