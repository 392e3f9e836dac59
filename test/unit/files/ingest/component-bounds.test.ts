/**
 * Issue 14 point 5: a ratio's components in ONE upload that break the ratio's bounds (on-time
 * orders above shipped orders for the same day and channel) are a row error, with the row, the
 * column and what to fix; pairs within bounds, 0 ÷ 0, other dimension values and a component
 * without its partner in the file pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import planConfig from '../../../../plan.config.ts';
import { ComponentBounds } from '../../../../shared/files/ingest/component-bounds.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';

const fixture = readFileSync(
  join(import.meta.dirname, '../../../fixtures/component-bounds/on-time-above-shipped.csv'),
);

describe('component bounds at upload', () => {
  it('holds plan.config.ts to { min: 0, max: 1 } on on-time fulfilment rate (the sample case)', () => {
    const rate = planConfig.kpis.find((k) => k.id === 'on_time_fulfilment_rate')!;
    expect(rate).toMatchObject({ numerator: 'on_time_orders', denominator: 'shipped_orders' });
    expect(rate.bounds).toEqual({ min: 0, max: 1 });
  });

  it('rejects the rows whose pair in the file breaks the bounds, naming row, column and the fix', async () => {
    const result = await parseUpload({ config: planConfig, kind: 'actuals', body: fixture });
    if (result.ok) expect.fail('an upload with on-time orders above shipped orders was accepted');
    expect(result.errorCounts).toEqual({ component_out_of_bounds: 3 });
    expect(result.errors.map((e) => [e.row, e.column, e.value, e.code])).toEqual([
      [5, 'value', '104', 'component_out_of_bounds'],
      [7, 'value', '40', 'component_out_of_bounds'],
      [11, 'value', '7', 'component_out_of_bounds'],
    ]);
    expect(result.errors[0]!.message).toBe(
      'on_time_orders 104 with shipped_orders 100 (row 4) for 2026-11-02 (channel=tmall) makes on_time_fulfilment_rate = on_time_orders ÷ shipped_orders 104 %, above its maximum 100 % (bounds in plan.config.ts): correct this value or row 4 (on_time_orders can never exceed shipped_orders).',
    );
    expect(result.errors[1]!.message).toContain('shipped_orders 40 with on_time_orders 50 (row 6)');
    expect(result.errors[1]!.message).toContain('125 %');
    expect(result.errors[2]!.message).toContain('undefined (a division by zero)');
  });

  it('accepts a component without its partner in the file (the report judges pairs split over uploads)', async () => {
    const onlyOnTime = Buffer.from('date,kpi,channel,value\r\n2026-11-02,on_time_orders,tmall,104\r\n');
    const result = await parseUpload({ config: planConfig, kind: 'actuals', body: onlyOnTime });
    expect(result.ok).toBe(true);
  });

  it('watches only the components of bounded ratios', () => {
    const check = new ComponentBounds(planConfig.kpis);
    expect(check.watches('on_time_orders')).toBe(true);
    expect(check.watches('shipped_orders')).toBe(true);
    expect(check.watches('new_users')).toBe(false);
    // A lower bound alone: below it is an error; x ÷ 0 has no maximum to break.
    const minOnly = new ComponentBounds([
      ...planConfig.kpis.filter((k) => k.id === 'orders' || k.id === 'sessions'),
      {
        ...planConfig.kpis.find((k) => k.id === 'conversion_rate')!,
        bounds: { min: 0.01 },
      },
    ]);
    expect(minOnly.check('sessions', 1, 0, 2, () => 'x')).toBeNull();
    expect(minOnly.check('orders', 1, 5, 3, () => 'x')).toBeNull();
    expect(minOnly.check('sessions', 2, 1000, 4, () => 'd')).toBeNull();
    expect(minOnly.check('orders', 2, 5, 5, () => 'd')).toContain('below its minimum 1 %');
  });
});
