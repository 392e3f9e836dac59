import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import {
  BatchRetryExhaustedError,
  batchGet,
  batchPut,
  queryAll,
  queryPages,
  Retrier,
} from '../../../shared/adapters/dynamo-batch.ts';

const TABLE = 'plan-monitor-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const doc = createAwsClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
}).doc;

function items(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    pk: `A#gmv#_#2026-11`,
    sk: `2026-11-${String(i).padStart(4, '0')}`,
    value: i,
  }));
}

function putRequests(call: { args: unknown[] }): { PutRequest: { Item: Record<string, unknown> } }[] {
  const input = (call.args[0] as BatchWriteCommand).input;
  return (input.RequestItems?.[TABLE] ?? []) as { PutRequest: { Item: Record<string, unknown> } }[];
}

const noSleep = { sleep: async () => {}, random: () => 0.5 };

describe('batchPut', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  it('sends BatchWriteItem requests of exactly 25 items (the last one the remainder)', async () => {
    // Prepare
    ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    const counter = { requests: 0 };

    // Act
    await batchPut(doc, TABLE, items(60), new Retrier(noSleep), counter);

    // Assess
    const sizes = ddbMock.commandCalls(BatchWriteCommand).map((c) => putRequests(c).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([25, 25, 10]);
    expect(counter.requests).toBe(3);
  });

  it('retries UnprocessedItems returned on the first two attempts and drops nothing', async () => {
    // Prepare: the table accepts only part of the batch twice, then everything left.
    const all = items(25);
    const accepted: unknown[] = [];
    let call = 0;
    ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommand['input']) => {
      const requested = (input.RequestItems?.[TABLE] ?? []) as { PutRequest: { Item: { sk: string } } }[];
      call += 1;
      const keep = call <= 2 ? Math.ceil(requested.length / 3) : requested.length;
      accepted.push(...requested.slice(0, keep).map((r) => r.PutRequest.Item.sk));
      const unprocessed = requested.slice(keep);
      return { UnprocessedItems: unprocessed.length ? { [TABLE]: unprocessed } : {} };
    });
    const pauses: number[] = [];

    // Act
    await batchPut(
      doc,
      TABLE,
      all,
      new Retrier({ sleep: async (ms) => void pauses.push(ms), random: () => 0.999, baseDelayMs: 100 }),
      { requests: 0 },
    );

    // Assess
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(3);
    expect([...accepted].sort()).toEqual(all.map((i) => i.sk).sort());
    // Exponential backoff with full jitter: the pause ceiling doubles between attempts.
    expect(pauses).toHaveLength(2);
    expect(pauses[1]).toBeGreaterThan(pauses[0] as number);
    expect(pauses[1]).toBeLessThanOrEqual(400);
  });

  it('retries a batch the table throttled on the first two attempts', async () => {
    // Prepare
    ddbMock
      .on(BatchWriteCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .resolves({ UnprocessedItems: {} });

    // Act
    await batchPut(doc, TABLE, items(3), new Retrier(noSleep), { requests: 0 });

    // Assess
    const calls = ddbMock.commandCalls(BatchWriteCommand);
    expect(calls).toHaveLength(3);
    expect(putRequests(calls[2] as never)).toHaveLength(3);
  });

  it('throws a clear error after the maximum attempts instead of dropping items', async () => {
    // Prepare
    ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommand['input']) => ({
      UnprocessedItems: { [TABLE]: (input.RequestItems?.[TABLE] ?? []).slice(1) },
    }));

    // Act
    const result = batchPut(doc, TABLE, items(4), new Retrier({ ...noSleep, maxAttempts: 3 }), {
      requests: 0,
    });

    // Assess
    await expect(result).rejects.toBeInstanceOf(BatchRetryExhaustedError);
    await expect(result).rejects.toThrow(/1 item\(s\) still unprocessed after 3 attempts/);
  });

  it('does not retry an error that is not transient', async () => {
    // Prepare
    ddbMock.on(BatchWriteCommand).rejects(
      Object.assign(new Error('bad item'), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const result = batchPut(doc, TABLE, items(2), new Retrier(noSleep), { requests: 0 });

    // Assess
    await expect(result).rejects.toThrow('bad item');
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    ddbMock.on(BatchWriteCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight -= 1;
      return { UnprocessedItems: {} };
    });

    // Act
    await batchPut(doc, TABLE, items(25 * 12), new Retrier({ ...noSleep, concurrency: 4 }), { requests: 0 });

    // Assess
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(12);
    expect(peak).toBe(4);
  });
});

describe('batchGet', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  it('reads 100 keys per request and retries UnprocessedKeys', async () => {
    // Prepare
    const keys = items(150).map(({ pk, sk }) => ({ pk, sk }));
    ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
      const requested = (input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
      // First call of a 100-key batch leaves its last 10 keys unprocessed.
      if (requested.length === 100) {
        return {
          Responses: { [TABLE]: requested.slice(0, 90) },
          UnprocessedKeys: { [TABLE]: { Keys: requested.slice(90) } },
        };
      }
      return { Responses: { [TABLE]: requested }, UnprocessedKeys: {} };
    });

    // Act
    const found = await batchGet(doc, TABLE, keys, new Retrier(noSleep), { requests: 0 });

    // Assess
    const sizes = ddbMock
      .commandCalls(BatchGetCommand)
      .map((c) => ((c.args[0] as BatchGetCommand).input.RequestItems?.[TABLE]?.Keys ?? []).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 50, 10]);
    expect(new Set(found.map((f) => f.sk))).toEqual(new Set(keys.map((k) => k.sk)));
  });
});

describe('queryPages and queryAll', () => {
  beforeEach(() => {
    ddbMock.reset();
  });

  /** Three pages of one partition, each but the last ending with a LastEvaluatedKey. */
  function threePages() {
    const page = (n: number) => items(3).map((i) => ({ ...i, sk: `${n}-${i.sk}` }));
    ddbMock
      .on(QueryCommand)
      .resolvesOnce({ Items: page(1), LastEvaluatedKey: { pk: 'p', sk: '1-2026-11-0002' } })
      .resolvesOnce({ Items: page(2), LastEvaluatedKey: { pk: 'p', sk: '2-2026-11-0002' } })
      .resolvesOnce({ Items: page(3) });
  }

  it('hands each page to the callback as it arrives, following LastEvaluatedKey to the end', async () => {
    // Prepare
    threePages();
    const counter = { requests: 0 };
    const seen: string[][] = [];

    // Act
    await queryPages(doc, TABLE, 'p', counter, (page) => {
      // Each page arrives before the next request is sent.
      seen.push(page.map((i) => String(i.sk)));
      expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(seen.length);
    });

    // Assess
    expect(seen.map((p) => p[0])).toEqual(['1-2026-11-0000', '2-2026-11-0000', '3-2026-11-0000']);
    expect(counter.requests).toBe(3);
    const starts = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input.ExclusiveStartKey);
    expect(starts).toEqual([undefined, { pk: 'p', sk: '1-2026-11-0002' }, { pk: 'p', sk: '2-2026-11-0002' }]);
  });

  it('reads only the projected attributes, by expression names (some are reserved words)', async () => {
    // Prepare
    threePages();

    // Act
    const all = await queryAll(doc, TABLE, 'p', { requests: 0 }, ['sk', 'month', 'packedDays']);

    // Assess
    expect(all).toHaveLength(9);
    const input = ddbMock.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'p' },
      ProjectionExpression: '#p0, #p1, #p2',
      ExpressionAttributeNames: { '#p0': 'sk', '#p1': 'month', '#p2': 'packedDays' },
      ConsistentRead: true,
    });
  });
});
