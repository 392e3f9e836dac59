import { describe, expect, it } from 'vitest';
import { reportRange } from '../../../shared/domain/calendar.ts';
import { createEngine } from '../../../shared/domain/engine.ts';
import { evaluateMilestone, milestoneRates } from '../../../shared/domain/milestones.ts';
import { scorecard } from '../../../shared/domain/scorecard.ts';
import type { RangeKind } from '../../../shared/domain/types.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';

const engine = createEngine({
  kpis: specConfig.kpis,
  phasing: specConfig.phasing,
  dimensions: specConfig.dimensions,
  targets: specData.targets,
  actuals: specData.actuals,
  fiscalYearStartMonth: 1,
  window: { start: '2026-01-01', end: '2026-12-31' },
});

const range = (kind: RangeKind) => reportRange(kind, SPEC_AS_OF, 1);
const at = (kpi: string, kind: RangeKind, group = {}) =>
  engine.evaluate({ kpi, range: range(kind), periodKey: range(kind).periodKey, group });

describe('spec §10 worked example through the engine', () => {
  it('gmv MTD per channel: target, variance, −5 %, at_risk', () => {
    const self = at('gmv', 'MTD', { channel: 'self_operated' });
    expect(self.actual).toBeCloseTo(12_540_000, 2);
    expect(self.target).toBeCloseTo(13_200_000, 2);
    expect(self.variance).toBeCloseTo(-660_000, 2);
    expect(self.variancePct).toBeCloseTo(-0.05, 9);
    expect(self.status).toBe('at_risk');
    expect(self.targetSource).toBe('explicit');
    const tmall = at('gmv', 'MTD', { channel: 'tmall' });
    expect(tmall.target).toBeCloseTo(8_800_000, 2);
    expect(tmall.variance).toBeCloseTo(-440_000, 2);
    expect(tmall.variancePct).toBeCloseTo(-0.05, 9);
    expect(tmall.status).toBe('at_risk');
  });

  it('gmv MTD total rolls the channel targets up and is at_risk', () => {
    const total = at('gmv', 'MTD');
    expect(total.target).toBeCloseTo(22_000_000, 2);
    expect(total.targetSource).toBe('sum_of_finer');
    expect(total.variance).toBeCloseTo(-1_100_000, 2);
    expect(total.variancePct).toBeCloseTo(-0.05, 9);
    expect(total.attainment).toBeCloseTo(0.95, 9);
    expect(total.status).toBe('at_risk');
    expect(total.coveredDays).toBe(22);
    expect(total.dataThrough).toBe('2026-11-22');
  });

  it('gmv WTD total: 7,000,000 target, 7,420,000 actual, +6 %, on_track', () => {
    const wtd = at('gmv', 'WTD');
    expect(wtd.target).toBeCloseTo(7_000_000, 2);
    expect(wtd.actual).toBeCloseTo(7_420_000, 2);
    expect(wtd.variancePct).toBeCloseTo(0.06, 9);
    expect(wtd.status).toBe('on_track');
  });

  it('orders and sessions MTD: +9.09 %, on_track', () => {
    const orders = at('orders', 'MTD');
    expect(orders.target).toBeCloseTo(110_000, 4);
    expect(orders.variancePct).toBeCloseTo(0.0909, 4);
    expect(orders.status).toBe('on_track');
    const sessions = at('sessions', 'MTD');
    expect(sessions.target).toBeCloseTo(3_666_666.67, 2);
    expect(sessions.variancePct).toBeCloseTo(0.0909, 4);
    expect(sessions.status).toBe('on_track');
  });

  it('conversion_rate MTD: 0.030 vs 0.032, −0.2 pp, −6.25 %, at_risk', () => {
    const cr = at('conversion_rate', 'MTD');
    expect(cr.actual).toBeCloseTo(0.03, 12);
    expect(cr.target).toBeCloseTo(0.032, 12);
    expect(cr.variance).toBeCloseTo(-0.002, 12);
    expect(cr.variancePct).toBeCloseTo(-0.0625, 9);
    expect(cr.attainment).toBeCloseTo(0.9375, 9);
    expect(cr.status).toBe('at_risk');
  });

  it('aov MTD: 174.17, −12.92 %, attainment 0.8708, off_track', () => {
    const aov = at('aov', 'MTD');
    expect(aov.actual).toBeCloseTo(174.17, 2);
    expect(aov.target).toBeCloseTo(200, 9);
    expect(aov.variancePct).toBeCloseTo(-0.1292, 4);
    expect(aov.attainment).toBeCloseTo(0.8708, 4);
    expect(aov.status).toBe('off_track');
  });

  it('returned_orders has no target', () => {
    const r = at('returned_orders', 'MTD');
    expect(r.actual).toBeCloseTo(6_600, 6);
    expect(r.status).toBe('no_target');
  });

  it('return_rate MTD: 0.055 vs 0.05 is at_risk exactly on the boundary', () => {
    const rr = at('return_rate', 'MTD');
    expect(rr.actual).toBeCloseTo(0.055, 12);
    expect(rr.variancePct).toBeCloseTo(0.1, 9);
    expect(rr.favourablePct).toBeCloseTo(-0.1, 9);
    expect(rr.attainment).toBeCloseTo(0.9091, 4);
    expect(rr.status).toBe('at_risk');
  });

  it('marketing_spend (closer is better): MTD +20 % off_track, QTD +10 % at_risk', () => {
    const mtd = at('marketing_spend', 'MTD');
    expect(mtd.target).toBeCloseTo(2_200_000, 4);
    expect(mtd.variancePct).toBeCloseTo(0.2, 9);
    expect(mtd.favourablePct).toBeCloseTo(-0.2, 9);
    expect(mtd.status).toBe('off_track');
    const qtd = at('marketing_spend', 'QTD');
    expect(qtd.target).toBeCloseTo(5_300_000, 4);
    expect(qtd.actual).toBeCloseTo(5_830_000, 4);
    expect(qtd.variancePct).toBeCloseTo(0.1, 9);
    expect(qtd.status).toBe('at_risk');
  });

  it('repurchase_rate (snapshot): last complete month −6.67 % at_risk, MTD no_data', () => {
    const last = at('repurchase_rate', 'LAST_MONTH');
    expect(last.actual).toBeCloseTo(0.28, 12);
    expect(last.target).toBeCloseTo(0.3, 12);
    expect(last.variancePct).toBeCloseTo(-0.0667, 4);
    expect(last.status).toBe('at_risk');
    expect(at('repurchase_rate', 'MTD').status).toBe('no_data');
  });

  it('new_users YTD and outlook', () => {
    const ytd = at('new_users', 'YTD');
    expect(ytd.target).toBeCloseTo(1_196_666.67, 2);
    expect(ytd.actual).toBeCloseTo(1_150_000, 4);
    expect(ytd.variancePct).toBeCloseTo(-0.039, 4);
    expect(ytd.attainment).toBeCloseTo(0.961, 4);
    expect(ytd.status).toBe('at_risk');
    const outlook = engine.outlook('new_users', SPEC_AS_OF);
    if (outlook.kind !== 'sum') throw new Error('expected a sum outlook');
    expect(outlook.annualTarget).toBeCloseTo(1_450_000, 4);
    expect(outlook.forecast).toBeCloseTo(1_393_454.04, 2);
    expect(outlook.gapToAnnual).toBeCloseTo(-56_545.96, 2);
    expect(outlook.requiredPace).toBeCloseTo(1.1842, 4);
  });

  it('MTD scorecard over gmv, conversion_rate, aov, return_rate is 0.92927', () => {
    const kpis = ['gmv', 'conversion_rate', 'aov', 'return_rate'];
    const card = scorecard(
      kpis.map((id) => ({
        kpi: id,
        weight: engine.kpi(id).weight,
        attainment: at(id, 'MTD').attainment,
      })),
    );
    expect(card.score).toBeCloseTo(0.92927, 5);
  });

  it('milestones: six states, expected progress, dueSoon, completion 0.50, on-time 0.25', () => {
    const byId = new Map(specData.milestones.map((m) => [m.id, evaluateMilestone(m, SPEC_AS_OF)]));
    expect(byId.get('M1')?.state).toBe('done');
    expect(byId.get('M2')).toMatchObject({ state: 'overdue', daysOverdue: 7 });
    expect(byId.get('M3')?.state).toBe('behind');
    expect(byId.get('M3')?.expectedProgress).toBeCloseTo(0.44, 9);
    expect(byId.get('M4')).toMatchObject({ state: 'on_track', dueSoon: true });
    expect(byId.get('M4')?.expectedProgress).toBeCloseTo(0.684, 3);
    expect(byId.get('M5')?.state).toBe('cancelled');
    expect(byId.get('M6')).toMatchObject({ state: 'done_late', daysLate: 5 });
    const rates = milestoneRates(specData.milestones, SPEC_AS_OF);
    expect(rates.dueCount).toBe(3);
    expect(rates.completion).toBeCloseTo(0.5, 12);
    expect(rates.onTime).toBeCloseTo(0.25, 12);
  });
});
