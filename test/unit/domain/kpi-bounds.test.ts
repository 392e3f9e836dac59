import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/calendar.ts';
import { createEngine } from '../../../shared/domain/engine.ts';
import {
  boundBroken,
  KpiDefinitionError,
  kpiDefinition,
  outOfBoundsMessage,
} from '../../../shared/domain/kpi.ts';
import type { ActualFact } from '../../../shared/domain/types.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import { testKpi } from '../../fixtures/kpi.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';

const kpi = testKpi;
const days = (k: string, start: string, values: readonly number[], dims = {}): ActualFact[] =>
  values.map((value, i) => ({ kpi: k, period: addDays(start, i), dims, value }));

describe('KPI bounds (issue 14 point 5)', () => {
  it('checks one value against inclusive bounds and says what to fix', () => {
    expect(boundBroken({ min: 0, max: 1 }, 1)).toBeNull();
    expect(boundBroken({ min: 0, max: 1 }, 1.02)).toBe('max');
    expect(boundBroken({ min: 0 }, -1)).toBe('min');
    expect(boundBroken(undefined, 5)).toBeNull();
    const nps = kpi('nps', { aggregation: 'snapshot', unit: 'percent', bounds: { min: 0, max: 1 } });
    expect(outOfBoundsMessage(nps, 1.3)).toBe(
      'nps 1.3 is above its maximum 1 (bounds in plan.config.ts): check the value (percent KPIs are fractions: 95 % = 0.95)',
    );
    expect(outOfBoundsMessage(nps, 0.9)).toBeNull();
    // A ratio's bounds need both components: never a single-row error.
    const rate = kpi('r', { aggregation: 'ratio', numerator: 'a', denominator: 'b', bounds: { max: 1 } });
    expect(outOfBoundsMessage(rate, 5)).toBeNull();
    expect(() => kpiDefinition(kpi('r', { aggregation: 'ratio', numerator: 'a' }))).toThrow(
      KpiDefinitionError,
    );
  });

  it('finds ratio components whose ratio breaks the bounds, per dimension values', () => {
    const engine = createEngine({
      kpis: [
        kpi('shipped'),
        kpi('on_time'),
        kpi('otr', {
          aggregation: 'ratio',
          numerator: 'on_time',
          denominator: 'shipped',
          bounds: { min: 0, max: 1 },
        }),
        kpi('nps', { aggregation: 'snapshot', unit: 'number', bounds: { min: -100, max: 100 } }),
      ],
      targets: [],
      actuals: [
        ...days('shipped', '2026-11-01', [100, 100, 100], { channel: 'a' }),
        ...days('on_time', '2026-11-01', [90, 104, 120], { channel: 'a' }),
        ...days('shipped', '2026-11-01', [100, 100, 100], { channel: 'b' }),
        ...days('on_time', '2026-11-01', [90, 100, 99], { channel: 'b' }),
        { kpi: 'nps', period: '2026-10', dims: {}, value: 130 },
        { kpi: 'nps', period: '2026-09', dims: {}, value: 40 },
      ],
      fiscalYearStartMonth: 1,
      window: { start: '2026-01-01', end: '2026-12-31' },
    });
    expect(engine.boundsFindings()).toEqual([
      {
        kpi: 'otr',
        dims: { channel: 'a' },
        bounds: { min: 0, max: 1 },
        periods: 2,
        firstPeriod: '2026-11-02',
        lastPeriod: '2026-11-03',
        worstValue: 1.2,
      },
      {
        kpi: 'nps',
        dims: {},
        bounds: { min: -100, max: 100 },
        periods: 1,
        firstPeriod: '2026-10',
        lastPeriod: '2026-10',
        worstValue: 130,
      },
    ]);
  });

  it('puts the finding in the report’s data quality', () => {
    const config = {
      ...specConfig,
      kpis: specConfig.kpis.map((k) => (k.id === 'return_rate' ? { ...k, bounds: { min: 0, max: 1 } } : k)),
    };
    // More returned orders than orders on one day: a return rate of 1.5.
    const data = {
      ...specData,
      actuals: [
        ...specData.actuals.filter(
          (a) => !(a.period === '2026-11-20' && (a.kpi === 'returned_orders' || a.kpi === 'orders')),
        ),
        { kpi: 'orders', period: '2026-11-20', dims: {}, value: 1000 },
        { kpi: 'returned_orders', period: '2026-11-20', dims: {}, value: 1500 },
      ],
    };
    const model = buildReportModel(config, data, 'weekly-progress', SPEC_AS_OF, { generatedAt: 'now' });
    expect(model.dataQuality.boundsViolations).toMatchObject([
      { kpi: 'return_rate', periods: 1, firstPeriod: '2026-11-20', worstValue: 1.5 },
    ]);
    expect(model.dataQuality.notes.join('\n')).toContain(
      'Return rate (all): impossible value(s) in 1 period(s), 2026-11-20 — e.g. 150.0%, outside 0.0%–100.0% (returned_orders ÷ orders); check the uploads.',
    );
    // Without bounds: no finding.
    const plain = buildReportModel(specConfig, data, 'weekly-progress', SPEC_AS_OF, { generatedAt: 'now' });
    expect(plain.dataQuality.boundsViolations).toEqual([]);
  });

  it('rejects an upload row whose value the upload itself shows is impossible', async () => {
    const config = {
      ...uploadTestConfig,
      kpis: uploadTestConfig.kpis.map((k) =>
        k.id === 'return_rate' ? { ...k, bounds: { min: 0, max: 1 } } : k,
      ),
    };
    const result = await parseUpload({
      config,
      kind: 'actuals',
      body: Buffer.from(
        'period,kpi,value,channel\n2026-03,return_rate,0.05,tmall\n2026-04,return_rate,1.2,tmall\n',
      ),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.code])).toEqual([[3, 'out_of_bounds']]);
    expect(result.errors[0]!.message).toContain('return_rate 1.2 is above its maximum 1');
  });
});
