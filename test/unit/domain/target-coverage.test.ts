import { describe, expect, it } from 'vitest';
import { addDays, reportRange } from '../../../shared/domain/calendar.ts';
import { createEngine, type EngineInput } from '../../../shared/domain/engine.ts';
import type { ActualFact, RangeKind, TargetFact } from '../../../shared/domain/types.ts';
import { testKpi } from '../../fixtures/kpi.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';

const kpi = testKpi;

const daily = (k: string, start: string, days: number, value: number, dims = {}): ActualFact[] =>
  Array.from({ length: days }, (_, i) => ({ kpi: k, period: addDays(start, i), dims, value }));

const target = (k: string, period: string, value: number, dims = {}): TargetFact => ({
  version: 'budget',
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

const Q4 = { start: '2026-10-01', end: '2026-12-31' };

describe('target coverage: the spec §10 world', () => {
  const engine = createEngine({
    kpis: specConfig.kpis,
    phasing: specConfig.phasing,
    dimensions: specConfig.dimensions,
    targets: specData.targets,
    actuals: specData.actuals,
    fiscalYearStartMonth: 1,
    window: { start: '2026-01-01', end: '2026-12-31' },
  });
  const at = (k: string, kind: RangeKind, group = {}) => {
    const r = reportRange(kind, SPEC_AS_OF, 1);
    return engine.evaluate({ kpi: k, range: r, periodKey: r.periodKey, group });
  };

  it('compares gmv QTD and YTD over November only, exactly like MTD', () => {
    const mtd = at('gmv', 'MTD');
    for (const kind of ['QTD', 'YTD'] as const) {
      const e = at('gmv', kind);
      expect(e.coveredDays).toBe(22);
      expect(e.targetedDays).toBe(22);
      expect(e.comparedFrom).toBe('2026-11-01');
      expect(e.comparedTo).toBe('2026-11-22');
      expect(e.actual).toBeCloseTo(mtd.actual!, 2);
      expect(e.target).toBeCloseTo(22_000_000, 2);
      expect(e.variancePct).toBeCloseTo(-0.05, 9);
      expect(e.status).toBe('at_risk');
      expect(e.dataThrough).toBe('2026-11-22');
    }
    expect(at('gmv', 'YTD').rangeDays).toBe(326);
    expect(at('gmv', 'YTD', { channel: 'tmall' }).actual).toBeCloseTo(8_360_000, 2);
  });

  it('compares marketing_spend YTD over 1 Oct – 22 Nov: +10 % like QTD', () => {
    const ytd = at('marketing_spend', 'YTD');
    const qtd = at('marketing_spend', 'QTD');
    expect(ytd.coveredDays).toBe(53);
    expect(ytd.targetedDays).toBe(53);
    expect(ytd.rangeDays).toBe(326);
    expect(ytd.comparedFrom).toBe('2026-10-01');
    expect(ytd.actual).toBeCloseTo(3_190_000 + 2_640_000, 2);
    expect(ytd.target).toBeCloseTo(5_300_000, 2);
    expect(ytd.variancePct).toBeCloseTo(0.1, 9);
    expect(ytd.status).toBe(qtd.status);
    expect(ytd.fullRangeTarget).toBeNull();
  });

  it('leaves a fully targeted range unchanged (new_users YTD compares every covered day)', () => {
    const e = at('new_users', 'YTD');
    expect(e.coveredDays).toBe(326);
    expect(e.targetedDays).toBe(326);
    expect(e.actual).toBeCloseTo(1_150_000, 2);
    expect(e.target).toBeCloseTo(1_196_666.67, 1);
  });

  it('compares ratio KPIs over days with a ratio target too', () => {
    const e = at('conversion_rate', 'YTD');
    expect(e.coveredDays).toBe(22);
    expect(e.actual).toBeCloseTo(0.03, 9);
    expect(e.target).toBeCloseTo(0.032, 9);
  });
});

describe('target coverage: rules', () => {
  it('gives no_target with the actual over every covered day when no target covers the range', () => {
    const engine = createEngine(
      base({ targets: [target('gmv', '2026-11', 3000)], actuals: daily('gmv', '2026-01-01', 300, 10) }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: { start: '2026-01-01', end: '2026-06-30' } });
    expect(e.status).toBe('no_target');
    expect(e.target).toBeNull();
    expect(e.targetedDays).toBe(0);
    expect(e.coveredDays).toBe(181);
    expect(e.actual).toBeCloseTo(1810, 9);
  });

  it('counts a zero-value target as a target: its days are compared, the rest are not', () => {
    const engine = createEngine(
      base({
        targets: [target('gmv', '2026-10', 0), target('gmv', '2026-11', 3000)],
        actuals: daily('gmv', '2026-01-01', 330, 10),
      }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: Q4 });
    expect(e.targetedDays).toBe(61);
    expect(e.coveredDays).toBe(57);
    expect(e.actual).toBeCloseTo(570, 9);
    expect(e.target).toBeCloseTo(2600, 9);
    const october = engine.evaluate({ kpi: 'gmv', range: { start: '2026-10-01', end: '2026-10-31' } });
    expect(october.targetedDays).toBe(31);
    expect(october.target).toBe(0);
    expect(october.actual).toBeCloseTo(310, 9);
    expect(october.status).toBe('no_target');
  });

  it('compares with nothing when targets exist in the range but on no covered day', () => {
    const engine = createEngine(
      base({ targets: [target('gmv', '2026-12', 3100)], actuals: daily('gmv', '2026-10-01', 53, 10) }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: Q4 });
    expect(e.targetedDays).toBe(31);
    expect(e.status).toBe('no_target');
    expect(e.target).toBeNull();
    expect(e.fullRangeTarget).toBeCloseTo(3100, 9);
    expect(e.actual).toBeCloseTo(530, 9);
    expect(e.coveredDays).toBe(53);
  });

  it('counts a coarse actual only when every day of its period has a target', () => {
    const engine = createEngine(
      base({
        targets: [target('gmv', '2026-11', 3000)],
        actuals: [
          { kpi: 'gmv', period: '2026-10', dims: {}, value: 999 },
          { kpi: 'gmv', period: '2026-W46', dims: {}, value: 700 },
        ],
      }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: Q4 });
    expect(e.actual).toBe(700);
    expect(e.coveredDays).toBe(7);
    expect(e.target).toBeCloseTo(700, 9);
    expect(e.dataThrough).toBe('2026-11-15');
  });

  it('keeps dataThrough on the last day with data even past the last targeted day', () => {
    const engine = createEngine(
      base({ targets: [target('gmv', '2026-10', 3100)], actuals: daily('gmv', '2026-10-01', 45, 100) }),
    );
    const e = engine.evaluate({ kpi: 'gmv', range: Q4 });
    expect(e.comparedTo).toBe('2026-10-31');
    expect(e.dataThrough).toBe('2026-11-14');
    expect(e.actual).toBeCloseTo(3100, 9);
    expect(e.variancePct).toBeCloseTo(0, 9);
  });
});
