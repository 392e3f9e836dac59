/**
 * The sample configuration must agree with the acceptance numbers of variance-spec §10: the
 * worked example's data, reported with plan.config.ts (its phasing, tolerances and weights)
 * rather than a configuration written for the test, gives the spec's figures.
 */
import { describe, expect, it } from 'vitest';
import planConfig from '../../../plan.config.ts';
import type { RangeKind } from '../../../shared/domain/types.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import { SPEC_AS_OF, specData } from '../../fixtures/spec-example.ts';

const model = buildReportModel(planConfig, specData, 'weekly-progress', SPEC_AS_OF, {
  generatedAt: '2026-11-23T01:00:00.000Z',
});

/** Checks figures to the cent (sums of daily floats are not exact) and the status exactly. */
function expectRow(
  kpi: string,
  range: RangeKind,
  figures: { target?: number; actual?: number; status: string },
) {
  const r = row(kpi, range);
  expect(r.status, `${kpi} ${range} status`).toBe(figures.status);
  if (figures.target !== undefined) expect(r.target, `${kpi} ${range} target`).toBeCloseTo(figures.target, 2);
  if (figures.actual !== undefined) expect(r.actual, `${kpi} ${range} actual`).toBeCloseTo(figures.actual, 2);
}

function row(kpi: string, range: RangeKind) {
  const found = model.table.find((r) => r.kpi === kpi && r.range === range);
  if (!found) throw new Error(`no ${kpi} ${range} row in the weekly-progress table`);
  return found;
}

describe('plan.config.ts on the worked example of spec §10', () => {
  it('phases GMV evenly inside November: MTD and WTD targets as in the spec', () => {
    expectRow('gmv', 'MTD', { target: 22_000_000, actual: 20_900_000, status: 'at_risk' });
    expect(row('gmv', 'MTD').attainment).toBeCloseTo(0.95, 9);
    expectRow('gmv', 'WTD', { target: 7_000_000, actual: 7_420_000, status: 'on_track' });
  });

  it('gives orders and sessions the spec MTD targets', () => {
    expect(row('orders', 'MTD').target).toBeCloseTo(110_000, 6);
    expect(row('sessions', 'MTD').target).toBeCloseTo(3_666_666.67, 2);
  });

  it('rates the ratio KPIs as the spec does', () => {
    expect(row('conversion_rate', 'MTD')).toMatchObject({ status: 'at_risk' });
    expect(row('conversion_rate', 'MTD').actual).toBeCloseTo(0.03, 12);
    expect(row('aov', 'MTD')).toMatchObject({ status: 'off_track' });
    expect(row('aov', 'MTD').attainment).toBeCloseTo(0.8708, 4);
    expect(row('return_rate', 'MTD')).toMatchObject({ status: 'at_risk' });
    expect(row('returned_orders', 'MTD').status).toBe('no_target');
  });

  it("applies marketing spend's closer-is-better tolerance of 5 % / 15 %", () => {
    expectRow('marketing_spend', 'MTD', { target: 2_200_000, status: 'off_track' });
    expectRow('marketing_spend', 'QTD', { target: 5_300_000, actual: 5_830_000, status: 'at_risk' });
  });

  it('gives new users the spec YTD target', () => {
    expect(row('new_users', 'YTD').target).toBeCloseTo(1_196_666.67, 2);
    expect(row('new_users', 'YTD').status).toBe('at_risk');
  });

  it('scores the MTD scorecard of gmv, conversion_rate, aov and return_rate at 0.92927', () => {
    expect(model.scorecard.range).toBe('MTD');
    expect(model.scorecard.score).toBeCloseTo(0.92927, 5);
  });
});
