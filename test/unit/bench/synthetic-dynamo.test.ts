import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { itemSize, wireItem } from '../../../bench/lib/dynamo-json.ts';
import { actualAt, combo, generateTargets, KPI_COUNT, kpiId, yearDays } from '../../../bench/lib/plan.ts';
import { prngAt } from '../../../bench/lib/prng.ts';
import { type SyntheticDynamo, startSyntheticDynamo } from '../../../bench/lib/synthetic-dynamo.ts';
import { PAGE_BYTES, SyntheticTable } from '../../../bench/lib/synthetic-dynamo-table.ts';
import { createAwsClients, destroyAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import { foldRollup, rollupItem, visibleDays } from '../../../shared/adapters/fact-versions.ts';
import { dimsKey, keys } from '../../../shared/adapters/table-design.ts';

const TABLE = 'synthetic';
// Enough combinations that a (KPI, month) partition of packed roll-ups spans more than one 1 MB page.
const COMBOS = 3000;

let dynamo: SyntheticDynamo;
let options: Parameters<typeof createAwsClients>[0];

beforeAll(async () => {
  dynamo = await startSyntheticDynamo({ combos: COMBOS });
  options = {
    region: 'us-east-1',
    endpoints: { dynamodb: dynamo.endpoint },
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
});
afterAll(async () => {
  destroyAwsClients(options);
  await dynamo.close();
});

const doc = () => createAwsClients(options).doc;

describe('synthetic DynamoDB endpoint', () => {
  it('pages a partition at 1 MB with LastEvaluatedKey, every item once, in sort-key order', async () => {
    const pk = keys.rollupPartition('kpi_03', '2028-02');
    const pages: Record<string, unknown>[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc().send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: start,
        }),
      );
      const items = (out.Items ?? []) as Record<string, unknown>[];
      pages.push(items);
      start = out.LastEvaluatedKey;
      if (start) expect(start).toEqual({ pk, sk: items[items.length - 1]!.sk });
    } while (start);

    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) {
      const bytes = page.reduce((n, item) => n + itemSize(item), 0);
      expect(bytes).toBeLessThanOrEqual(PAGE_BYTES);
    }
    // Every page but the last is full: one more item would pass 1 MB.
    for (let p = 0; p < pages.length - 1; p++) {
      const bytes = pages[p]!.reduce((n, item) => n + itemSize(item), 0);
      expect(bytes + itemSize(pages[p + 1]![0]!)).toBeGreaterThan(PAGE_BYTES);
    }
    const sks = pages.flat().map((item) => String(item.sk));
    expect(sks).toHaveLength(COMBOS);
    expect(new Set(sks).size).toBe(COMBOS);
    expect([...sks].sort()).toEqual(sks);
  });

  it('generates the same items on every start, and any item on its own', async () => {
    const other = new SyntheticTable({ combos: COMBOS });
    const pk = keys.rollupPartition('kpi_12', '2028-12');
    const page = dynamo.table.query(pk);
    expect(other.query(pk)).toEqual(page);
    const item = page.items[7]!;
    expect(other.get(pk, String(item.sk))).toEqual(item);
    // A page that starts after an item begins with the next one.
    expect(dynamo.table.query(pk, String(item.sk)).items[0]).toEqual(page.items[8]);
    expect(prngAt(1, 5)).toBe(prngAt(1, 5));
    expect(prngAt(1, 5)).not.toBe(prngAt(1, 6));
  });

  it('serves roll-ups shaped as the store writes them, holding the generated days', async () => {
    const day = yearDays().indexOf('2028-03-01');
    const stored = await doc().send(
      new GetCommand({ TableName: TABLE, Key: keys.rollup('kpi_02', '2028-03', dimsKey(dimsOf(17))) }),
    );
    const item = stored.Item as Record<string, unknown>;
    // The store folds a bucket's committed daily facts and writes rollupItem of them.
    const facts = Array.from({ length: 31 }, (_, d) => ({
      period: yearDays()[day + d],
      value: actualAt(1, 17, day + d),
      srcOrder: '2028-12-31T00:00:00.000Z#0000000001',
    }));
    const expected = rollupItem(
      { kpi: 'kpi_02', month: '2028-03', dimsKey: dimsKey(dimsOf(17)), dims: dimsOf(17) },
      foldRollup(facts, new Map()),
      String(item.updatedAt),
    );
    // Read back through the real SDK client, it is that item.
    expect(item).toEqual(expected);
    const days = visibleDays(item, new Map());
    expect(Object.keys(days)).toHaveLength(31);
    expect(days['2028-03-01']).toBe(actualAt(1, 17, day));
    expect(days['2028-03-31']).toBe(actualAt(1, 17, day + 30));
  });

  it('round-trips binary attributes through the real SDK client as {"B": base64}', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 254, 255, 128, 7]);
    const item = {
      ...keys.rollup('kpi_01', '2028-01', 'x'),
      packed: bytes,
      nested: { buffer: Buffer.from([9, 8, 7]) },
    };
    expect(wireItem({ packed: bytes })).toBe(`{"packed":{"B":"${Buffer.from(bytes).toString('base64')}"}}`);
    const get = vi.spyOn(dynamo.table, 'get').mockReturnValue(item);
    try {
      const out = await doc().send(
        new GetCommand({ TableName: TABLE, Key: keys.rollup('kpi_01', '2028-01', 'x') }),
      );
      const read = out.Item as { packed: Uint8Array; nested: { buffer: Uint8Array } };
      expect(read.packed).toBeInstanceOf(Uint8Array);
      expect([...read.packed]).toEqual([...bytes]);
      expect([...read.nested.buffer]).toEqual([9, 8, 7]);
    } finally {
      get.mockRestore();
    }
  });

  it('is read by the real store: every generated fact and target, every commit resolved', async () => {
    const combos = 7;
    const small = await startSyntheticDynamo({ combos });
    const smallOptions = { ...options, endpoints: { dynamodb: small.endpoint } };
    try {
      const store = new DynamoFactStore({ doc: createAwsClients(smallOptions).doc, tableName: TABLE });
      const data = await store.loadPlanData({
        kpis: Array.from({ length: KPI_COUNT }, (_, k) => kpiId(k)),
        start: '2028-01-01',
        end: '2028-12-31',
        targetVersions: ['budget'],
      });
      expect(data.actuals).toHaveLength(KPI_COUNT * combos * 366);
      let expected = 0;
      for (let c = 0; c < combos; c++) for (let d = 0; d < 366; d++) expected += actualAt(4, c, d);
      const sum = data.actuals.filter((a) => a.kpi === 'kpi_05').reduce((n, a) => n + a.value, 0);
      expect(sum).toBe(expected);
      expect(data.targets).toEqual(
        expect.arrayContaining(generateTargets(KPI_COUNT, combos).map((t) => expect.objectContaining(t))),
      );
      expect(data.targets).toHaveLength(generateTargets(KPI_COUNT, combos).length);
    } finally {
      destroyAwsClients(smallOptions);
      await small.close();
    }
  });

  it('refuses writes: the table is generated, not stored', async () => {
    await expect(
      doc().send(new PutCommand({ TableName: TABLE, Item: { pk: 'x', sk: 'y' } })),
    ).rejects.toThrow(/read-only/);
  });
});

function dimsOf(c: number): Record<string, string> {
  return { ...combo(c, COMBOS > 2000) };
}
