import { describe, expect, it } from 'vitest';
import type { ActualFact, TargetFact } from '../../../../shared/domain/types.ts';
import { type CodecDimension, DimsCodec } from '../../../../shared/files/ingest/dims-codec.ts';
import { ActualFactTable, TargetFactTable } from '../../../../shared/files/ingest/fact-table.ts';
import { parseUpload } from '../../../../shared/files/ingest/index.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

const DIMENSIONS = [
  { id: 'channel', values: ['tmall', 'jd', 'douyin'] },
  { id: 'category', values: ['pets', 'beauty'] },
  { id: 'region', values: ['east', 'south'] },
];

/** The validator's numbering: mixed radix over value positions, 0 = blank. */
function comboOf(positions: readonly number[], dimensions: readonly CodecDimension[] = DIMENSIONS): number {
  return positions.reduce((combo, p, n) => combo * (dimensions[n]!.values.length + 1) + p, 0);
}

function all<T>(list: { length: number; at(i: number): T | undefined }): T[] {
  return Array.from({ length: list.length }, (_, i) => list.at(i)!);
}

describe('a fact table', () => {
  it('gives back every field of every actual: KPI, each grain of period, dims with blanks, value', () => {
    const table = new ActualFactTable(DIMENSIONS);
    const rows: [string, string, number[], number][] = [
      ['gmv', '2026-11-22', [1, 1, 1], 1234.5],
      ['orders', '2026-W47', [2, 0, 2], 0],
      ['return_rate', '2026-11', [0, 2, 0], 0.0325],
      ['sessions', 'FY2026-Q4', [0, 0, 0], -7],
      ['gmv', 'FY2026', [3, 2, 2], 9_007_199_254_740_991],
      ['orders', '2026-11-23', [3, 0, 0], 1e-9],
    ];
    for (const [kpi, period, positions, value] of rows) table.push(kpi, period, comboOf(positions), value);
    expect(table.length).toBe(6);
    expect(all(table)).toEqual([
      {
        kpi: 'gmv',
        period: '2026-11-22',
        dims: { channel: 'tmall', category: 'pets', region: 'east' },
        value: 1234.5,
      },
      { kpi: 'orders', period: '2026-W47', dims: { channel: 'jd', region: 'south' }, value: 0 },
      { kpi: 'return_rate', period: '2026-11', dims: { category: 'beauty' }, value: 0.0325 },
      { kpi: 'sessions', period: 'FY2026-Q4', dims: {}, value: -7 },
      {
        kpi: 'gmv',
        period: 'FY2026',
        dims: { channel: 'douyin', category: 'beauty', region: 'south' },
        value: 9_007_199_254_740_991,
      },
      { kpi: 'orders', period: '2026-11-23', dims: { channel: 'douyin' }, value: 1e-9 },
    ]);
    // Keys in configuration order, frozen, as the validator built them before.
    expect(Object.keys(table.at(0)!.dims)).toEqual(['channel', 'category', 'region']);
    expect(Object.isFrozen(table.at(1)!.dims)).toBe(true);
    expect(table.toArray()).toEqual(all(table));
  });

  it('gives back targets with their version', () => {
    const table = new TargetFactTable(DIMENSIONS);
    table.push('budget', 'gmv', '2026-11', comboOf([1, 2, 0]), 5_000_000);
    table.push('rf1', 'gmv', '2026-11', comboOf([1, 2, 0]), 4_800_000);
    table.push('budget', 'return_rate', 'FY2026-Q4', 0, 0.03);
    expect(table.toArray()).toEqual<TargetFact[]>([
      {
        version: 'budget',
        kpi: 'gmv',
        period: '2026-11',
        dims: { channel: 'tmall', category: 'beauty' },
        value: 5_000_000,
      },
      {
        version: 'rf1',
        kpi: 'gmv',
        period: '2026-11',
        dims: { channel: 'tmall', category: 'beauty' },
        value: 4_800_000,
      },
      { version: 'budget', kpi: 'return_rate', period: 'FY2026-Q4', dims: {}, value: 0.03 },
    ]);
  });

  it('keeps every fact as it grows past its first block and past several blocks', () => {
    const table = new ActualFactTable(DIMENSIONS);
    const n = 40_000;
    const expected: ActualFact[] = [];
    for (let i = 0; i < n; i++) {
      const positions = [i % 4, Math.floor(i / 4) % 3, Math.floor(i / 12) % 3];
      const kpi = i % 3 === 0 ? 'gmv' : 'orders';
      const period = `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
      table.push(kpi, period, comboOf(positions), i * 0.5);
      const dims: Record<string, string> = {};
      positions.forEach((p, d) => {
        if (p > 0) dims[DIMENSIONS[d]!.id] = DIMENSIONS[d]!.values[p - 1]!;
      });
      expected.push({ kpi, period, dims, value: i * 0.5 });
      if (i === 63 || i === 64 || i === 16_383 || i === 16_384) expect(table.at(i)).toEqual(expected[i]);
    }
    expect(table.length).toBe(n);
    expect(all(table)).toEqual(expected);
    expect(table.at(n)).toBeUndefined();
    expect(table.at(-1)).toBeUndefined();
  });

  it('holds nothing after clear and fills again from the start', () => {
    const table = new ActualFactTable(DIMENSIONS);
    for (let i = 0; i < 100; i++) table.push('gmv', '2026-01-01', 0, i);
    table.clear();
    expect(table.length).toBe(0);
    expect(table.at(0)).toBeUndefined();
    table.push('orders', '2026-01-02', comboOf([2, 0, 0]), 3);
    expect(table.toArray()).toEqual([
      { kpi: 'orders', period: '2026-01-02', dims: { channel: 'jd' }, value: 3 },
    ]);
  });

  it('stores text combinations when a configuration has too many to number', () => {
    // 1,001⁶ combinations overflow a safe integer: the validator then gives text (`"3,0,5,"`).
    const big = thousandValueDimensions(6);
    const codec = new DimsCodec(big);
    expect(codec.numeric).toBe(false);
    const table = new ActualFactTable(big);
    table.push('gmv', '2026-01-01', '3,0,1000,0,0,1,', 1);
    table.push('gmv', '2026-01-02', 0, 2);
    table.push('gmv', '2026-01-03', '3,0,1000,0,0,1,', 3);
    expect(table.toArray()).toEqual([
      { kpi: 'gmv', period: '2026-01-01', dims: { d0: 'v3', d2: 'v1000', d5: 'v1' }, value: 1 },
      { kpi: 'gmv', period: '2026-01-02', dims: {}, value: 2 },
      { kpi: 'gmv', period: '2026-01-03', dims: { d0: 'v3', d2: 'v1000', d5: 'v1' }, value: 3 },
    ]);
  });

  it('decodes the largest numbered combination exactly', () => {
    // 5 dimensions of 1,000 values: ~1.005e15 combinations, close to 2⁵³.
    const wide = thousandValueDimensions(5);
    const codec = new DimsCodec(wide);
    expect(codec.numeric).toBe(true);
    const last = comboOf([1000, 1000, 1000, 1000, 1000], wide);
    expect(codec.decode(codec.encode(last))).toEqual({
      d0: 'v1000',
      d1: 'v1000',
      d2: 'v1000',
      d3: 'v1000',
      d4: 'v1000',
    });
    expect(codec.decode(codec.encode(comboOf([0, 999, 0, 1, 0], wide)))).toEqual({ d1: 'v999', d3: 'v1' });
  });
});

describe('an accepted upload', () => {
  it('hands its facts over as a table with the values, grains and KPIs the file gave', async () => {
    const body = new TextEncoder().encode(
      [
        'date,kpi,value,channel,category',
        '2026-11-22,gmv,"1,234.50",天猫,宠物',
        '2026-W47,orders,12,jd,',
        '2026-11,return_rate,3.25%,,beauty',
        '2026-11-23,退货率,0.04,抖音,',
        '2026-11-24,sessions,7,,',
      ].join('\n'),
    );
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (!result.ok || result.kind !== 'actuals') return expect.fail(JSON.stringify(result));
    expect(result.actuals.length).toBe(5);
    expect(all(result.actuals)).toEqual([
      { kpi: 'gmv', period: '2026-11-22', dims: { channel: 'tmall', category: 'pets' }, value: 1234.5 },
      { kpi: 'orders', period: '2026-W47', dims: { channel: 'jd' }, value: 12 },
      { kpi: 'return_rate', period: '2026-11', dims: { category: 'beauty' }, value: 0.0325 },
      { kpi: 'return_rate', period: '2026-11-23', dims: { channel: 'douyin' }, value: 0.04 },
      { kpi: 'sessions', period: '2026-11-24', dims: {}, value: 7 },
    ]);
  });

  it('hands targets over with their versions', async () => {
    const body = new TextEncoder().encode(
      ['period,kpi,value,channel', '2026-11,gmv,100,tmall', 'FY2026-Q4,gmv,300,jd', '2026-11,orders,5,'].join(
        '\n',
      ),
    );
    const result = await parseUpload({ config: uploadTestConfig, kind: 'targets', body });
    if (!result.ok || result.kind !== 'targets') return expect.fail(JSON.stringify(result));
    expect(result.targets.toArray()).toEqual([
      { version: 'budget', kpi: 'gmv', period: '2026-11', dims: { channel: 'tmall' }, value: 100 },
      { version: 'budget', kpi: 'gmv', period: 'FY2026-Q4', dims: { channel: 'jd' }, value: 300 },
      { version: 'budget', kpi: 'orders', period: '2026-11', dims: {}, value: 5 },
    ]);
  });
});

/** `count` dimensions d0, d1, … of 1,000 values v1 … v1000 each. */
function thousandValueDimensions(count: number): CodecDimension[] {
  return Array.from({ length: count }, (_, d) => ({
    id: `d${d}`,
    values: Array.from({ length: 1000 }, (_, v) => `v${v + 1}`),
  }));
}
