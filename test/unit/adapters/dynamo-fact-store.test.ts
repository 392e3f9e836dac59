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
