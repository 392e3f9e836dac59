import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import type { ActualFact } from '../../../shared/domain/types.ts';
import type { UploadSource } from '../../../shared/ports/index.ts';
import { columnFacts } from '../../support/column-facts.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emu: TestEmulators;

beforeAll(async () => {
  emu = await startTestEmulators();
});

afterAll(async () => {
  await emu?.stop();
});

const source = (order: string): UploadSource => ({
  bucket: emu.buckets.uploads,
  key: `incoming/actuals/${order}.csv`,
  versionId: `v-${order}`,
  order,
  uploadedBy: 'ana@example.com',
});

const byKey = (a: ActualFact, b: ActualFact) =>
  `${a.kpi}|${a.period}|${JSON.stringify(a.dims)}`.localeCompare(
    `${b.kpi}|${b.period}|${JSON.stringify(b.dims)}`,
  );

describe('DynamoFactStore with dailyActualsAsColumns', () => {
  it('returns the daily actuals as columns, the coarse ones as objects, and the same facts as without', async () => {
    // Arrange
    const daily: ActualFact[] = [];
    for (let d = 1; d <= 40; d++) {
      const day = new Date(Date.UTC(2026, 9, 20 + d)).toISOString().slice(0, 10);
      for (const channel of ['app', 'web'])
        daily.push({ kpi: 'gmv', period: day, dims: { channel }, value: d * 10 });
    }
    const coarse: ActualFact = { kpi: 'gmv', period: '2026-W47', dims: { channel: 'mini' }, value: 7 };
    const plain = new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName });
    await plain.putActuals([...daily, coarse], source('0000000100'));
    // A later upload replaces one day: the newer value must win in the columns too.
    await plain.putActuals([{ ...daily[30]!, value: 999 }], source('0000000200'));
    const query = { kpis: ['gmv'], start: '2026-11-01', end: '2026-11-30', targetVersions: ['budget'] };

    // Act
    const columnar = await new DynamoFactStore({
      doc: emu.clients.doc,
      tableName: emu.tableName,
      dailyActualsAsColumns: true,
    }).loadPlanData(query);
    const objects = await plain.loadPlanData(query);

    // Assess
    expect(columnar.actuals).toEqual([coarse]);
    const expected = objects.actuals.filter((f) => f.period !== coarse.period);
    expect(expected).toHaveLength(29 * 2);
    expect(expected).toContainEqual({ ...daily[30]!, value: 999 });
    expect(columnFacts(columnar).sort(byKey)).toEqual([...expected].sort(byKey));
    expect(columnar.itemsRead).toBe(objects.itemsRead);
  });

  it('folds roll-ups an unfinished upload is pending on after the commit look-up, as without columns', async () => {
    // Arrange: a committed upload, then one whose commit write fails (its states stay pending).
    const facts: ActualFact[] = [];
    for (let d = 1; d <= 20; d++) {
      const day = `2026-12-${String(d).padStart(2, '0')}`;
      for (const channel of ['app', 'web'])
        facts.push({ kpi: 'refunds', period: day, dims: { channel }, value: d });
    }
    const plain = new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName });
    await plain.putActuals(facts, source('0000000300'));
    const failing = new Proxy(emu.clients.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { input: { Item?: Record<string, unknown> } }) => {
          if (command.input.Item?.committedAt !== undefined) throw new Error('commit write failed');
          return target.send(command as never);
        };
      },
    });
    const put = new DynamoFactStore({ doc: failing, tableName: emu.tableName }).putActuals(
      facts.slice(0, 10).map((f) => ({ ...f, value: f.value + 100 })),
      source('0000000400'),
    );
    await expect(put).rejects.toThrow('commit write failed');
    const query = { kpis: ['refunds'], start: '2026-12-01', end: '2026-12-31', targetVersions: [] };

    // Act
    const columnar = await new DynamoFactStore({
      doc: emu.clients.doc,
      tableName: emu.tableName,
      dailyActualsAsColumns: true,
    }).loadPlanData(query);
    const objects = await plain.loadPlanData(query);

    // Assess: the unfinished upload is invisible either way.
    expect(objects.actuals.map((f) => f.value).sort((a, b) => a - b)).toEqual(
      facts.map((f) => f.value).sort((a, b) => a - b),
    );
    expect(columnFacts(columnar).sort(byKey)).toEqual([...objects.actuals].sort(byKey));
    expect(columnar.actuals).toEqual([]);
    expect(columnar.itemsRead).toBe(objects.itemsRead);
  });
});
