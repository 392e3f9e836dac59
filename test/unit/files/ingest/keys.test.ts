/**
 * The invariants the ingest hot path relies on: duplicate keys are numbers in a typed-array
 * table (first row kept, never replaced), built from resolved value positions — so one
 * combination written as ids, names, aliases or another date spelling is still one key.
 */
import { describe, expect, it } from 'vitest';
import { IntKeyTable } from '../../../../shared/files/ingest/key-table.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

describe('IntKeyTable', () => {
  it('keeps the first value of each key through growth, for keys up to 2^53', () => {
    const table = new IntKeyTable(4);
    const keys: number[] = [];
    for (let i = 0; i < 20_000; i++) keys.push(i * 65_536 * 12 + (i % 7), Number.MAX_SAFE_INTEGER - i);
    keys.push(2 ** 32, 2 ** 32 + 1, 2 ** 31 - 1);
    const added = keys.map((key, i) => table.putIfAbsent(key, i + 1));
    expect(added.every((v) => v === 0)).toBe(true);
    expect(table.size).toBe(keys.length);
    const found = keys.map((key) => table.get(key));
    const again = keys.map((key) => table.putIfAbsent(key, 999_999));
    const firsts = keys.map((_, i) => i + 1);
    expect(found).toEqual(firsts);
    expect(again).toEqual(firsts);
    expect(table.get(12_345)).toBe(0);
    expect(table.get(2 ** 33)).toBe(0);
    expect(table.size).toBe(keys.length);
  });
});

function csv(lines: readonly string[]): Uint8Array {
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

describe('duplicate rows', () => {
  it('are found when the same combination is written with ids, names and aliases', async () => {
    const result = await parseUpload({
      config: uploadTestConfig,
      kind: 'actuals',
      body: csv([
        'date,kpi,value,channel,category,region',
        '2026-03-01,gmv,1,tmall,pets,east',
        '2026/3/1,成交额,2,天猫,宠物,华东',
        '2026-03-01,GMV,3,天貓,寵物,華東',
        '2026-03-01,gmv,4,tmall,pets,',
        '2026-03-01,gmv,5,Tmall,Pets,',
        '2026-03-02,gmv,6,tmall,pets,east',
      ]),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.code, e.message])).toEqual([
      [
        3,
        'duplicate_row',
        'Row 3 repeats gmv 2026-03-01 channel=tmall category=pets region=east already given in row 2: keep one row (the file must not hold the same key twice).',
      ],
      [
        4,
        'duplicate_row',
        'Row 4 repeats gmv 2026-03-01 channel=tmall category=pets region=east already given in row 2: keep one row (the file must not hold the same key twice).',
      ],
      [
        6,
        'duplicate_row',
        'Row 6 repeats gmv 2026-03-01 channel=tmall category=pets already given in row 5: keep one row (the file must not hold the same key twice).',
      ],
    ]);
  });

  it('name the first accepted row, not an earlier row that was rejected', async () => {
    const result = await parseUpload({
      config: uploadTestConfig,
      kind: 'actuals',
      body: csv([
        'date,kpi,value,channel',
        '2026-03-01,gmv,abc,tmall',
        '2026-03-01,gmv,1,tmall',
        '2026-03-01,gmv,2,tmall',
      ]),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'bad_number'],
      [4, 'duplicate_row'],
    ]);
    expect(result.errors[1]!.message).toContain('already given in row 3');
  });

  it('share one dims object between the facts of one combination', async () => {
    const result = await parseUpload({
      config: uploadTestConfig,
      kind: 'actuals',
      body: csv([
        'date,kpi,value,channel,category',
        '2026-03-01,gmv,1,tmall,pets',
        '2026-03-02,成交额,2,天猫,宠物',
        '2026-03-01,orders,3,jd,',
      ]),
    });
    expect(result.ok).toBe(true);
    if (!result.ok || result.kind !== 'actuals') return;
    const [a, b, c] = [result.actuals.at(0), result.actuals.at(1), result.actuals.at(2)];
    expect(a!.dims).toEqual({ channel: 'tmall', category: 'pets' });
    expect(b!.dims).toBe(a!.dims);
    expect(c!.dims).toEqual({ channel: 'jd' });
    expect(Object.isFrozen(a!.dims)).toBe(true);
  });
});
