import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import {
  DynamoFactStore,
  MAX_SNAPSHOT_ATTEMPTS,
  UnsettledSnapshotError,
} from '../../../shared/adapters/dynamo-fact-store.ts';
import { rollupItem, visibleData, visibleDays } from '../../../shared/adapters/fact-versions.ts';
import { decodePending } from '../../../shared/adapters/rollup-days.ts';
import { dimsKey, keys, parseDimsKey } from '../../../shared/adapters/table-design.ts';
import { uploadIdOf } from '../../../shared/adapters/upload-commits.ts';
import { WriterBusyError } from '../../../shared/adapters/writer-lock.ts';
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

  it('rebuilds one roll-up per touched month, its new days pending until the commit flips them', async () => {
    // Prepare
    const table = fakeTable();
    const id = uploadIdOf(source('0007'));

    // Act
    await store().putActuals(
      [
        { kpi: 'gmv', period: '2026-11-01', dims: {}, value: 10 },
        { kpi: 'gmv', period: '2026-11-02', dims: {}, value: 20 },
      ],
      source('0007'),
    );

    // Assess
    const rollup = table.items.get(`${keys.rollupPartition('gmv', '2026-11')}\u0000_`);
    // Packed (rollup-days.ts): no committed day, both days pending on this upload.
    expect(rollup).toMatchObject({ month: '2026-11', pendUploads: [id] });
    expect(rollup).not.toHaveProperty('days');
    expect(rollup).not.toHaveProperty('pendDays');
    expect(visibleDays({ ...rollup!, pendPacked: undefined, pendUploads: undefined }, new Map())).toEqual({});
    expect(decodePending(rollup!.pendPacked as Uint8Array, [id], '2026-11')).toEqual({
      '2026-11-01': { u: id, v: 10 },
      '2026-11-02': { u: id, v: 20 },
    });
    expect(visibleDays(rollup!, new Map())).toEqual({});
    expect(table.rollup('gmv', {}, '2026-11')).toEqual({ '2026-11-01': 10, '2026-11-02': 20 });
    expect(table.log.filter((l) => !l.startsWith('fact'))).toEqual([
      'lock actuals',
      `rollup ${keys.rollupPartition('gmv', '2026-11')} _`,
      // Raised after the last pending write and before the flip (upload-commits.ts).
      'generation',
      'commit',
      'stamp gmv',
      'unlock actuals',
    ]);
  });

  it('writes nothing while another upload of the kind holds the writer lock, and says so', async () => {
    // Prepare
    const table = fakeTable();
    table.items.set('LOCK\u0000actuals', { pk: 'LOCK', sk: 'actuals', holder: 'other', expiresAt: 8e15 });
    ddbMock
      .on(PutCommand)
      .rejects(Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' }));
    const waiting = new DynamoFactStore({
      doc,
      tableName: TABLE,
      sleep: async () => {},
      writerWaitSeconds: 0,
    });

    // Act
    const put = waiting.putActuals(
      [{ kpi: 'gmv', period: '2026-11-01', dims: {}, value: 1 }],
      source('0001'),
    );

    // Assess
    await expect(put).rejects.toBeInstanceOf(WriterBusyError);
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});

describe('DynamoFactStore.loadPlanData', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  it('expands roll-ups into daily actuals within the range and counts the items read', async () => {
    // Prepare
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddbMock.on(GetCommand).resolves({});
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
        return {
          Items: [
            { version: 'budget', kpi: 'gmv', period: '2026-11', dims: {}, value: 1000, srcOrder: '0001' },
            // Written by an upload that never committed: not shown.
            {
              version: 'budget',
              kpi: 'gmv',
              period: '2026-12',
              dims: {},
              pend: { u: 'crashed', data: { value: 5 } },
            },
          ],
        };
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
    // The three items, and the commit item of the one upload whose state is pending.
    expect(data.itemsRead).toBe(4);
    const dailyReads = ddbMock
      .commandCalls(QueryCommand)
      .filter((c) => String(c.args[0].input.ExpressionAttributeValues?.[':pk']).startsWith('A#'));
    expect(dailyReads).toHaveLength(0);
  });

  it("with columns, folds each roll-up page as it arrives: its uploads' commits looked up first, each upload once", async () => {
    // Prepare: two pages of packed roll-ups, days pending on a committed upload and on one
    // that never committed, the second page naming the committed one again.
    const rollup = (channel: string, pendDays: Record<string, { u: string; v: number | null }>) =>
      rollupItem(
        { kpi: 'gmv', month: '2026-11', dimsKey: `channel=${channel}`, dims: { channel } },
        { days: { '2026-11-01': 1, '2026-11-02': 2 }, pendDays },
        '2026-11-23T00:00:00Z',
      );
    const log: string[] = [];
    ddbMock.on(GetCommand).resolves({ Item: { generation: 1 } });
    ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
      const asked = (input.RequestItems?.[TABLE]?.Keys ?? []).map((k) => String(k.sk));
      log.push(`commits ${asked.sort().join(' ')}`);
      return {
        Responses: { [TABLE]: asked.includes('done') ? [{ pk: 'C', sk: 'done', committedAt: 'x' }] : [] },
      };
    });
    ddbMock.on(QueryCommand).callsFake((input: QueryCommand['input']) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      if (pk !== keys.rollupPartition('gmv', '2026-11')) return { Items: [] };
      log.push(`page ${input.ExclusiveStartKey ? 2 : 1}`);
      if (!input.ExclusiveStartKey) {
        return {
          Items: [
            rollup('app', { '2026-11-02': { u: 'done', v: 20 }, '2026-11-03': { u: 'open', v: 30 } }),
            rollup('web', {}),
          ],
          LastEvaluatedKey: keys.rollup('gmv', '2026-11', 'channel=web'),
        };
      }
      return { Items: [rollup('mini', { '2026-11-01': { u: 'done', v: null } })] };
    });
    const columnar = new DynamoFactStore({
      doc,
      tableName: TABLE,
      sleep: async () => {},
      dailyActualsAsColumns: true,
    });

    // Act
    const data = await columnar.loadPlanData({
      kpis: ['gmv'],
      start: '2026-11-01',
      end: '2026-11-30',
      targetVersions: [],
    });

    // Assess
    expect(log).toEqual(['page 1', 'commits done open', 'page 2']);
    const days = Object.fromEntries(
      (data.actualColumns?.daily ?? []).map((c) => [
        c.dims.channel,
        [...c.covered.keys()].filter((i) => c.covered[i]).map((i) => c.values[i]),
      ]),
    );
    expect(days).toEqual({ app: [1, 20], web: [1, 2], mini: [2] });
    // The three roll-ups and the two commit items asked for.
    expect(data.itemsRead).toBe(5);
  });

  it('reads again when a commit flip happened during its reads, and keeps the read bracketed by one generation', async () => {
    // Prepare: the generation moves once between the first read's start and end.
    const generations = [4, 5, 5, 5];
    ddbMock.on(GetCommand).callsFake(() => ({ Item: { generation: generations.shift() } }));
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    await store().loadPlanData({ kpis: ['gmv'], start: '2026-11-01', end: '2026-11-30', targetVersions: [] });

    // Assess: two whole reads (a roll-up, the coarse and the milestone partition each).
    expect(ddbMock.commandCalls(GetCommand)).toHaveLength(4);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(6);
  });

  it('gives up, reporting nothing, when commits keep landing during every read', async () => {
    // Prepare
    let generation = 0;
    ddbMock.on(GetCommand).callsFake(() => ({ Item: { generation: generation++ } }));
    ddbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const read = store().loadPlanData({
      kpis: ['gmv'],
      start: '2026-11-01',
      end: '2026-11-30',
      targetVersions: [],
    });

    // Assess
    await expect(read).rejects.toBeInstanceOf(UnsettledSnapshotError);
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(3 * MAX_SNAPSHOT_ATTEMPTS);
  });
});

/**
 * An in-memory table behind the mocked client, enough for putActuals: BatchGet, BatchWrite
 * (optionally leaving items unprocessed), Query on a partition, Put (roll-ups, the commit item
 * once, the writer lock), Get, Delete and the UpdateItem forms of the stamps and the commit
 * generation. `log` records
 * the order of the writes.
 */
function fakeTable(options: { unprocessedFirst?: number } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  const id = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const log: string[] = [];
  let unprocessedLeft = options.unprocessedFirst ?? 0;
  const conditionFailed = () =>
    Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
  ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
    const requested = (input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
    return {
      Responses: {
        [TABLE]: requested.flatMap((k) => {
          const item = items.get(id(k));
          return item ? [structuredClone(item)] : [];
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
    const pk = String(input.ExpressionAttributeValues?.[':pk']);
    return {
      Items: [...items.values()]
        .filter((i) => i.pk === pk)
        .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
        .map((i) => structuredClone(i)),
    };
  });
  ddbMock.on(PutCommand).callsFake((input: PutCommand['input']) => {
    const item = input.Item as Record<string, unknown> & { pk: string; sk: string };
    if (input.ConditionExpression === 'attribute_not_exists(pk)' && items.has(id(item)))
      throw conditionFailed();
    items.set(id(item), structuredClone(item));
    log.push(
      item.pk === 'LOCK' ? `lock ${item.sk}` : item.pk === 'C' ? 'commit' : `rollup ${item.pk} ${item.sk}`,
    );
    return {};
  });
  ddbMock.on(GetCommand).callsFake((input: GetCommand['input']) => {
    const item = items.get(id(input.Key as { pk: string; sk: string }));
    return { Item: item && structuredClone(item) };
  });
  ddbMock.on(DeleteCommand).callsFake((input: DeleteCommand['input']) => {
    items.delete(id(input.Key as { pk: string; sk: string }));
    log.push(`unlock ${String(input.Key?.sk)}`);
    return {};
  });
  ddbMock.on(UpdateCommand).callsFake((input: UpdateCommand['input']) => {
    const key = input.Key as { pk: string; sk: string };
    const item = items.get(id(key)) ?? { ...key };
    const values = input.ExpressionAttributeValues ?? {};
    const pending = new Set((item.pendingUploads as Set<string> | undefined) ?? []);
    const expression = String(input.UpdateExpression);
    if (expression === 'ADD generation :one') {
      items.set(id(key), { ...item, generation: Number(item.generation ?? 0) + 1 });
      log.push('generation');
      return {};
    }
    if (expression.startsWith('ADD')) for (const u of values[':u'] as Set<string>) pending.add(u);
    if (expression.startsWith('DELETE')) for (const u of values[':u'] as Set<string>) pending.delete(u);
    if (expression.startsWith('SET')) {
      if (item.writtenAt !== undefined && !(String(item.writtenAt) < String(values[':t'])))
        throw conditionFailed();
      item.writtenAt = values[':t'];
      log.push(`stamp ${key.sk}`);
    }
    // DynamoDB drops a set attribute that becomes empty.
    if (pending.size > 0) item.pendingUploads = pending;
    else delete item.pendingUploads;
    items.set(id(key), item);
    return {};
  });
  const commits = () =>
    new Map(
      [...items.values()].filter((i) => i.pk === 'C').map((i) => [String(i.sk), String(i.committedAt)]),
    );
  /** A roll-up's days as a reader sees them now. */
  const rollup = (kpi: string, dims: Record<string, string>, month: string) => {
    const item = items.get(id(keys.rollup(kpi, month, dimsKey(dims))));
    return item && visibleDays(item, commits());
  };
  return { items, log, rollup, commits };
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
        expect(table.rollup('gmv', { channel }, month)).toEqual(expectedDays(facts, channel, month));
        // Written only once every fact of the bucket was in the table.
        const rollupAt = table.log.indexOf(`rollup ${keys.rollupPartition('gmv', month)} channel=${channel}`);
        const lastFactAt = table.log.findLastIndex((l) =>
          l.startsWith(`fact ${keys.dailyActualPartition('gmv', `channel=${channel}`, month)} `),
        );
        expect(rollupAt).toBeGreaterThan(lastFactAt);
      }
    }
    // The commit after every roll-up, then the stamp, then the lock is released.
    expect(table.log.slice(-3)).toEqual(['commit', 'stamp gmv', 'unlock actuals']);
    expect(table.log.findLastIndex((l) => l.startsWith('rollup'))).toBeLessThan(table.log.indexOf('commit'));
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
      expect(table.rollup('gmv', { channel }, '2026-11')).toEqual(expectedDays(standing, channel, '2026-11'));
    }
    for (const f of newer) {
      const stored = table.items.get(
        `${keys.dailyActual('gmv', dimsKey(f.dims), f.period).pk}\u0000${f.period}`,
      );
      expect(visibleData(stored!, table.commits())).toMatchObject({ value: f.value });
      expect(stored?.pend).toMatchObject({ srcOrder: '0009' });
    }
  });

  it('changes nothing when the same upload is replayed in slices', async () => {
    // Prepare
    const table = fakeTable();
    const facts = dayMajor('gmv', ['app', 'web', 'mini'], '2026-10-20', 20, (i) => i * 2);
    await sliced(6).putActuals(facts, source('0004'));
    const before = structuredClone([...table.items.entries()]);
    table.log.length = 0;

    // Act
    const summary = await sliced(6).putActuals(facts, source('0004'));

    // Assess
    expect(summary).toMatchObject({ written: 0, skipped: 60 });
    expect(table.log.filter((l) => l.startsWith('fact') || l.startsWith('rollup') || l === 'commit')).toEqual(
      [],
    );
    // Only the commit generation moved (a replay cannot tell it is one before its flip; a
    // moved generation costs a reader one more read, nothing else).
    const generation = `${keys.commitGeneration.pk}\u0000${keys.commitGeneration.sk}`;
    const without = (entries: [string, unknown][]) => entries.filter(([k]) => k !== generation);
    expect(without([...table.items.entries()])).toEqual(without(before));
  });

  it('shows nothing of a run that crashed before its commit, and completes it on the retry', async () => {
    // Prepare: a run of 0007 wrote the first 25 facts and crashed before its roll-ups and commit.
    const table = fakeTable();
    const facts = dayMajor('gmv', ['app', 'web'], '2026-11-01', 30, (i) => 10 + i);
    await sliced(100).putActuals(facts.slice(0, 25), source('0007'));
    for (const k of [...table.items.keys()]) if (!k.startsWith('A#')) table.items.delete(k);
    const crashed = [...table.items.values()];

    // Act
    const summary = await sliced(8).putActuals(facts, source('0007'));

    // Assess
    expect(crashed).toHaveLength(25);
    expect(crashed.every((item) => visibleData(item, new Map()) === undefined)).toBe(true);
    expect(summary).toMatchObject({ written: 60, skipped: 0 });
    for (const channel of ['app', 'web']) {
      expect(table.rollup('gmv', { channel }, '2026-11')).toEqual(expectedDays(facts, channel, '2026-11'));
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
    expect(table.rollup('gmv', { channel: 'app' }, '2026-11')).toEqual({ '2026-11-01': 2 });
    const appWrites = writtenItems().filter(
      (i) => i.pk === keys.dailyActualPartition('gmv', 'channel=app', '2026-11'),
    );
    expect(appWrites.map((i) => (i.pend as { data: { value: number } }).data.value)).toEqual([2]);
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
      expect(table.rollup('gmv', { channel }, '2026-11')).toEqual(expectedDays(facts, channel, '2026-11'));
    }
  });
});
