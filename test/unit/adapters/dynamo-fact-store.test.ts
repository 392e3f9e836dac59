import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import { dimsKey, keys, parseDimsKey } from '../../../shared/adapters/table-design.ts';
import type { ActualFact } from '../../../shared/domain/types.ts';
import type { UploadSource } from '../../../shared/ports/index.ts';

const TABLE = 'plan-monitor-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const doc = createAwsClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
}).doc;

const source = (order: string): UploadSource => ({
  bucket: 'uploads',
  key: 'incoming/actuals/gmv.csv',
  versionId: 'v1',
  order,
  uploadedBy: 'ana@example.com',
});

function store() {
  return new DynamoFactStore({
    doc,
    tableName: TABLE,
    sleep: async () => {},
    now: () => new Date('2026-11-23T01:00:00Z'),
  });
}

function writtenItems(): Record<string, unknown>[] {
  return ddbMock
    .commandCalls(BatchWriteCommand)
    .flatMap((c) => (c.args[0].input.RequestItems?.[TABLE] ?? []).map((r) => r.PutRequest?.Item ?? {}));
}

describe('dimsKey', () => {
  it('sorts dimension pairs so the same combination always gets the same key', () => {
    expect(dimsKey({ region: 'north', channel: 'app' })).toBe('channel=app,region=north');
    expect(dimsKey({ channel: 'app', region: 'north' })).toBe('channel=app,region=north');
  });

  it('uses _ for a total and round-trips', () => {
    expect(dimsKey({})).toBe('_');
    expect(parseDimsKey('_')).toEqual({});
    expect(parseDimsKey(dimsKey({ category: 'pets', channel: 'web' }))).toEqual({
      category: 'pets',
      channel: 'web',
    });
  });
});

describe('DynamoFactStore.putActuals', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    ddbMock.on(PutCommand).resolves({});
    ddbMock.on(UpdateCommand).resolves({});
    ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
  });

  it('writes only facts whose stored upload is older; newer and same-order ones are skipped', async () => {
    // Prepare: day 1 stored by an older upload, day 2 by a newer one, day 3 by this very upload, day 4 absent.
    const facts: ActualFact[] = ['01', '02', '03', '04'].map((d) => ({
      kpi: 'gmv',
      period: `2026-11-${d}`,
      dims: { channel: 'app' },
      value: Number(d) * 100,
    }));
    const storedOrders: Record<string, string> = {
      '2026-11-01': '0002',
      '2026-11-02': '0009',
      '2026-11-03': '0005',
    };
    ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
      const requested = (input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
      return {
        Responses: {
          [TABLE]: requested
            .filter((k) => storedOrders[k.sk] !== undefined)
            .map((k) => ({ ...k, srcOrder: storedOrders[k.sk] })),
        },
      };
    });

    // Act
    const summary = await store().putActuals(facts, source('0005'));

    // Assess
    expect(writtenItems().map((i) => i.sk)).toEqual(['2026-11-01', '2026-11-04']);
    expect(summary.written).toBe(2);
    expect(summary.skipped).toBe(2);
    expect(summary.requests).toBeGreaterThan(0);
  });

  it('keys daily facts by KPI, dimensions and month, so a big file spreads over many partitions', async () => {
    // Prepare
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const facts: ActualFact[] = [];
    for (const channel of ['app', 'web']) {
      for (const day of ['2026-10-31', '2026-11-01', '2026-11-02']) {
        facts.push({ kpi: 'gmv', period: day, dims: { channel }, value: 1 });
      }
    }

    // Act
    await store().putActuals(facts, source('0001'));

    // Assess
    const partitions = new Set(writtenItems().map((i) => i.pk));
    expect(partitions).toEqual(
      new Set([
        keys.dailyActual('gmv', 'channel=app', '2026-10-31').pk,
        keys.dailyActual('gmv', 'channel=app', '2026-11-01').pk,
        keys.dailyActual('gmv', 'channel=web', '2026-10-31').pk,
        keys.dailyActual('gmv', 'channel=web', '2026-11-01').pk,
      ]),
    );
  });

  it('rebuilds one roll-up per touched month with a guard against stale rebuilds', async () => {
    // Prepare
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddbMock.on(QueryCommand).callsFake((input: QueryCommand['input']) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      if (pk === keys.dailyActualPartition('gmv', '_', '2026-11')) {
        return {
          Items: [
            { pk, sk: '2026-11-01', value: 10, srcOrder: '0003' },
            { pk, sk: '2026-11-02', value: 20, srcOrder: '0007' },
          ],
        };
      }
      return { Items: [] };
    });

    // Act
    await store().putActuals(
      [
        { kpi: 'gmv', period: '2026-11-01', dims: {}, value: 10 },
        { kpi: 'gmv', period: '2026-11-02', dims: {}, value: 20 },
      ],
      source('0007'),
    );

    // Assess
    const rollups = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(rollups).toHaveLength(1);
    expect(rollups[0]?.Item).toMatchObject({
      ...keys.rollup('gmv', '2026-11', '_'),
      days: { '2026-11-01': 10, '2026-11-02': 20 },
      maxOrder: '0007',
    });
    expect(rollups[0]?.ConditionExpression).toBe('attribute_not_exists(pk) OR maxOrder <= :m');
  });

  it('re-reads and retries a roll-up whose conditional write lost to a newer rebuild', async () => {
    // Prepare
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddbMock
      .on(PutCommand)
      .rejectsOnce(Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' }))
      .resolves({});

    // Act
    await store().putActuals([{ kpi: 'gmv', period: '2026-11-01', dims: {}, value: 1 }], source('0001'));

    // Assess
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(2);
    const dailyQueries = ddbMock
      .commandCalls(QueryCommand)
      .filter((c) => String(c.args[0].input.ExpressionAttributeValues?.[':pk']).startsWith('A#'));
    expect(dailyQueries).toHaveLength(2);
  });
});

describe('DynamoFactStore.loadPlanData', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  it('expands roll-ups into daily actuals within the range and counts the items read', async () => {
    // Prepare
    ddbMock.on(QueryCommand).callsFake((input: QueryCommand['input']) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      if (pk === keys.rollupPartition('gmv', '2026-11')) {
        return {
          Items: [
            {
              ...keys.rollup('gmv', '2026-11', 'channel=app'),
              kpi: 'gmv',
              dims: { channel: 'app' },
              days: { '2026-11-01': 5, '2026-11-20': 7, '2026-11-30': 9 },
            },
          ],
        };
      }
      if (pk === keys.targetPartition('budget', 'gmv')) {
        return { Items: [{ version: 'budget', kpi: 'gmv', period: '2026-11', dims: {}, value: 1000 }] };
      }
      return { Items: [] };
    });

    // Act
    const data = await store().loadPlanData({
      kpis: ['gmv'],
      start: '2026-11-01',
      end: '2026-11-20',
      targetVersions: ['budget'],
    });

    // Assess
    expect(data.actuals).toEqual([
      { kpi: 'gmv', period: '2026-11-01', dims: { channel: 'app' }, value: 5 },
      { kpi: 'gmv', period: '2026-11-20', dims: { channel: 'app' }, value: 7 },
    ]);
    expect(data.targets).toEqual([
      { version: 'budget', kpi: 'gmv', period: '2026-11', dims: {}, value: 1000 },
    ]);
    expect(data.itemsRead).toBe(2);
    const dailyReads = ddbMock
      .commandCalls(QueryCommand)
      .filter((c) => String(c.args[0].input.ExpressionAttributeValues?.[':pk']).startsWith('A#'));
    expect(dailyReads).toHaveLength(0);
  });
});

/**
 * An in-memory table behind the mocked client, enough for putActuals: BatchGet, BatchWrite
 * (optionally leaving items unprocessed), Query on a partition or one key, conditional Put of
 * roll-ups and UpdateItem of the write stamps. `log` records the order of the writes.
 */
function fakeTable(options: { unprocessedFirst?: number } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  const id = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const log: string[] = [];
  let unprocessedLeft = options.unprocessedFirst ?? 0;
  ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
    const requested = (input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
    return {
      Responses: {
        [TABLE]: requested.flatMap((k) => {
          const item = items.get(id(k));
          return item ? [{ pk: item.pk, sk: item.sk, srcOrder: item.srcOrder }] : [];
        }),
      },
    };
  });
  ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommand['input']) => {
    const requests = input.RequestItems?.[TABLE] ?? [];
    const keysInBatch = new Set(requests.map((r) => id(r.PutRequest?.Item as { pk: string; sk: string })));
    if (keysInBatch.size !== requests.length) throw new Error('duplicate key in one BatchWriteItem');
    let accepted = requests;
    let rest: typeof requests = [];
    if (unprocessedLeft > 0) {
      unprocessedLeft -= 1;
      accepted = requests.slice(0, Math.floor(requests.length / 2));
      rest = requests.slice(accepted.length);
    }
    for (const r of accepted) {
      const item = r.PutRequest?.Item as Record<string, unknown>;
      items.set(id(item as { pk: string; sk: string }), structuredClone(item));
      log.push(`fact ${String(item.pk)} ${String(item.sk)}`);
    }
    return { UnprocessedItems: rest.length ? { [TABLE]: rest } : {} };
  });
  ddbMock.on(QueryCommand).callsFake((input: QueryCommand['input']) => {
    const values = input.ExpressionAttributeValues ?? {};
    const pk = String(values[':pk']);
    const sk = values[':sk'];
    return {
      Items: [...items.values()]
        .filter((i) => i.pk === pk && (sk === undefined || i.sk === sk))
        .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
        .map((i) => structuredClone(i)),
    };
  });
  ddbMock.on(PutCommand).callsFake((input: PutCommand['input']) => {
    const item = input.Item as Record<string, unknown> & { pk: string; sk: string };
    const current = items.get(id(item));
    const m = String(input.ExpressionAttributeValues?.[':m']);
    if (current && !(String(current.maxOrder) <= m)) {
      throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
    }
    items.set(id(item), structuredClone(item));
    log.push(`rollup ${item.pk} ${item.sk}`);
    return {};
  });
  ddbMock.on(UpdateCommand).callsFake((input: UpdateCommand['input']) => {
    const key = input.Key as { pk: string; sk: string };
    items.set(id(key), { ...key, writtenAt: input.ExpressionAttributeValues?.[':t'] });
    log.push(`stamp ${key.sk}`);
    return {};
  });
  const rollup = (kpi: string, dims: Record<string, string>, month: string) =>
    items.get(id(keys.rollup(kpi, month, dimsKey(dims))));
  return { items, log, rollup };
}

/** Daily facts day by day, every channel each day: a month's bucket spans many slices. */
function dayMajor(
  kpi: string,
  channels: readonly string[],
  start: string,
  days: number,
  value: (i: number) => number,
) {
  const facts: ActualFact[] = [];
  const t0 = Date.parse(`${start}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    const day = new Date(t0 + d * 86_400_000).toISOString().slice(0, 10);
    for (const channel of channels)
      facts.push({ kpi, period: day, dims: { channel }, value: value(facts.length) });
  }
  return facts;
}

/** Expected roll-up days of one bucket from the facts that should stand. */
function expectedDays(facts: readonly ActualFact[], channel: string, month: string): Record<string, number> {
  return Object.fromEntries(
    facts
      .filter((f) => f.dims.channel === channel && f.period.startsWith(month))
      .map((f) => [f.period, f.value]),
  );
}

describe('DynamoFactStore.putActuals in slices', () => {
  const sliced = (sliceSize: number) =>
    new DynamoFactStore({
      doc,
      tableName: TABLE,
      sleep: async () => {},
      now: () => new Date('2026-11-23T01:00:00Z'),
      sliceSize,
    });

  beforeEach(() => {
    ddbMock.reset();
  });

  it('folds a roll-up bucket spanning slices from all of them, once, after its last fact is written', async () => {
    // Prepare: 3 channels × 40 days from 10-10, day by day; slices of 7 facts cut every bucket.
    const table = fakeTable();
    const facts = dayMajor('gmv', ['app', 'web', 'mini'], '2026-10-10', 40, (i) => 100 + i);

    // Act
    const summary = await sliced(7).putActuals(facts, source('0005'));

    // Assess
    expect(summary).toMatchObject({ written: 120, skipped: 0 });
    const rollupWrites = table.log.filter((l) => l.startsWith('rollup'));
    expect(rollupWrites).toHaveLength(6);
    expect(new Set(rollupWrites).size).toBe(6);
    for (const channel of ['app', 'web', 'mini']) {
      for (const month of ['2026-10', '2026-11']) {
        expect(table.rollup('gmv', { channel }, month)).toMatchObject({
          days: expectedDays(facts, channel, month),
          maxOrder: '0005',
        });
        // Written only once every fact of the bucket was in the table.
        const rollupAt = table.log.indexOf(`rollup ${keys.rollupPartition('gmv', month)} channel=${channel}`);
        const lastFactAt = table.log.findLastIndex((l) =>
          l.startsWith(`fact ${keys.dailyActualPartition('gmv', `channel=${channel}`, month)} `),
        );
        expect(rollupAt).toBeGreaterThan(lastFactAt);
      }
    }
    expect(table.log.at(-1)).toBe('stamp gmv');
  });

  it('keeps every BatchWriteItem but the last full across slice boundaries', async () => {
    // Prepare
    fakeTable();
    const facts = dayMajor('gmv', ['app', 'web', 'mini'], '2026-11-01', 31, (i) => i);

    // Act
    await sliced(10).putActuals(facts, source('0001'));

    // Assess: 93 facts in slices of 10 still go out as 25 + 25 + 25 + 18.
    const sizes = ddbMock
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.[TABLE]?.length ?? 0);
    expect(sizes).toEqual([25, 25, 25, 18]);
  });

  it('lets a newer upload win over an older one delivered late, key by key across slices, with exact roll-ups', async () => {
    // Prepare: the newer upload (0009) holds every third fact of Nov; the older one (0005) arrives later with all of them.
    const table = fakeTable();
    const all = dayMajor('gmv', ['app', 'web'], '2026-11-01', 30, (i) => i);
    const newer = all.filter((_, i) => i % 3 === 0).map((f) => ({ ...f, value: f.value + 0.5 }));
    const older = all.map((f) => ({ ...f, value: -1 }));
    await sliced(4).putActuals(newer, source('0009'));

    // Act
    const olderSummary = await sliced(4).putActuals(older, source('0005'));

    // Assess
    expect(olderSummary).toMatchObject({ written: 40, skipped: 20 });
    const standing = all.map((f, i) => (i % 3 === 0 ? { ...f, value: f.value + 0.5 } : { ...f, value: -1 }));
    for (const channel of ['app', 'web']) {
      expect(table.rollup('gmv', { channel }, '2026-11')).toMatchObject({
        days: expectedDays(standing, channel, '2026-11'),
        maxOrder: '0009',
      });
    }
    for (const f of newer) {
      const stored = table.items.get(
        `${keys.dailyActual('gmv', dimsKey(f.dims), f.period).pk}\u0000${f.period}`,
      );
      expect(stored).toMatchObject({ value: f.value, srcOrder: '0009' });
    }
  });

  it('changes nothing when the same upload is replayed in slices', async () => {
    // Prepare
    const table = fakeTable();
    const facts = dayMajor('gmv', ['app', 'web', 'mini'], '2026-10-20', 20, (i) => i * 2);
    await sliced(6).putActuals(facts, source('0004'));
    const before = structuredClone([...table.items.entries()]);
    ddbMock.resetHistory();

    // Act
    const summary = await sliced(6).putActuals(facts, source('0004'));

    // Assess
    expect(summary).toMatchObject({ written: 0, skipped: 60 });
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect([...table.items.entries()]).toEqual(before);
  });

  it('rebuilds the roll-ups a crashed run left out when its retry finds the facts already written', async () => {
    // Prepare: a run of 0007 wrote the first 25 facts and crashed before any roll-up.
    const table = fakeTable();
    const facts = dayMajor('gmv', ['app', 'web'], '2026-11-01', 30, (i) => 10 + i);
    await sliced(100).putActuals(facts.slice(0, 25), source('0007'));
    for (const k of [...table.items.keys()]) if (!k.startsWith('A#')) table.items.delete(k);

    // Act
    const summary = await sliced(8).putActuals(facts, source('0007'));

    // Assess
    expect(summary).toMatchObject({ written: 35, skipped: 25 });
    for (const channel of ['app', 'web']) {
      expect(table.rollup('gmv', { channel }, '2026-11')).toMatchObject({
        days: expectedDays(facts, channel, '2026-11'),
        maxOrder: '0007',
      });
    }
  });

  it('lets the later row win when one input repeats a key in a later slice', async () => {
    // Prepare
    const table = fakeTable();
    const first = { kpi: 'gmv', period: '2026-11-01', dims: { channel: 'app' }, value: 1 };
    const facts: ActualFact[] = [
      first,
      ...dayMajor('gmv', ['web'], '2026-11-01', 5, (i) => i),
      { ...first, dims: { channel: 'app' }, value: 2 },
    ];

    // Act
    const summary = await sliced(3).putActuals(facts, source('0002'));

    // Assess
    expect(summary).toMatchObject({ written: 6, skipped: 0 });
    expect(table.rollup('gmv', { channel: 'app' }, '2026-11')).toMatchObject({ days: { '2026-11-01': 2 } });
    const appWrites = writtenItems().filter(
      (i) => i.pk === keys.dailyActualPartition('gmv', 'channel=app', '2026-11'),
    );
    expect(appWrites.map((i) => i.value)).toEqual([2]);
  });

  it('retries UnprocessedItems of the first two attempts in every slice and drops nothing', async () => {
    // Prepare
    const table = fakeTable({ unprocessedFirst: 2 });
    const facts = dayMajor('gmv', ['app', 'web', 'mini'], '2026-11-01', 30, (i) => i);

    // Act
    const summary = await sliced(20).putActuals(facts, source('0003'));

    // Assess
    expect(summary.written).toBe(90);
    expect([...table.items.keys()].filter((k) => k.startsWith('A#'))).toHaveLength(90);
    for (const channel of ['app', 'web', 'mini']) {
      expect(table.rollup('gmv', { channel }, '2026-11')).toMatchObject({
        days: expectedDays(facts, channel, '2026-11'),
      });
    }
  });
});
