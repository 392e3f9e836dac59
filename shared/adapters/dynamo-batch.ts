/**
 * Batch reads and writes with the retries DynamoDB leaves to the caller: `UnprocessedItems`
 * and `UnprocessedKeys` are retried with exponential backoff and full jitter and never
 * dropped; throttling errors are retried the same way; after `maxAttempts` a
 * {@link BatchRetryExhaustedError} says what was left.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { chunk, isRetryableError, mapBounded, type Retrier } from './retry.ts';

// The SDK-free retry helpers live in ./retry.ts (the SQS adapter uses them without loading the
// DynamoDB SDK); re-exported here for the DynamoDB adapters and their tests.
export {
  chunk,
  isConditionalCheckFailed,
  isRetryableError,
  mapBounded,
  Retrier,
  type RetryOptions,
} from './retry.ts';

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export class BatchRetryExhaustedError extends Error {
  constructor(
    readonly operation: string,
    readonly remaining: number,
    readonly attempts: number,
  ) {
    super(
      `DynamoDB ${operation}: ${remaining} item(s) still unprocessed after ${attempts} attempts ` +
        '(throttled or over capacity); nothing was dropped silently — retry the upload later or raise table capacity',
    );
    this.name = 'BatchRetryExhaustedError';
  }
}

/** Counts requests for {@link WriteSummary.requests}. */
export interface RequestCounter {
  requests: number;
}

/**
 * Puts `items` with BatchWriteItem, 25 per request, `concurrency` requests in flight.
 * Keys must be unique (DynamoDB rejects a batch holding one key twice).
 */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Item[],
  retrier: Retrier,
  counter: RequestCounter,
): Promise<void> {
  await mapBounded(chunk(items, 25), retrier.concurrency, async (batch) => {
    let pending: { PutRequest: { Item: Item } }[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; ; attempt++) {
      if (attempt >= retrier.maxAttempts) {
        throw new BatchRetryExhaustedError('BatchWriteItem', pending.length, attempt);
      }
      if (attempt > 0) await retrier.backoff(attempt);
      counter.requests += 1;
      try {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        const unprocessed = out.UnprocessedItems?.[table] ?? [];
        if (unprocessed.length === 0) return;
        pending = unprocessed as typeof pending;
      } catch (err) {
        if (!isRetryableError(err)) throw err;
      }
    }
  });
}

/**
 * Gets `keys` with BatchGetItem, 100 per request; returns the items found. Only the
 * attributes in `projection` are read when given.
 */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  retrier: Retrier,
  counter: RequestCounter,
  projection?: readonly string[],
): Promise<Item[]> {
  const found: Item[] = [];
  const projectionArgs = projectionOf(projection);
  await mapBounded(chunk(keys, 100), retrier.concurrency, async (batch) => {
    let pending: Key[] = batch;
    for (let attempt = 0; ; attempt++) {
      if (attempt >= retrier.maxAttempts) {
        throw new BatchRetryExhaustedError('BatchGetItem', pending.length, attempt);
      }
      if (attempt > 0) await retrier.backoff(attempt);
      counter.requests += 1;
      try {
        const out = await doc.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...projectionArgs } },
          }),
        );
        found.push(...((out.Responses?.[table] ?? []) as Item[]));
        const unprocessed = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
        if (unprocessed.length === 0) return;
        pending = unprocessed;
      } catch (err) {
        if (!isRetryableError(err)) throw err;
      }
    }
  });
  return found;
}

/** A ProjectionExpression over `names` (all by expression names: some are reserved words). */
function projectionOf(names: readonly string[] | undefined) {
  if (!names) return {};
  return {
    ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((p, i) => [`#p${i}`, p])),
  };
}

/**
 * Query every page of one partition, handing each page to `onPage` as it arrives (and keeping
 * none; the next page is asked for once `onPage` has settled), counting requests. A caller that folds pages holds one page per query in flight, not
 * the partition. Only the attributes in `projection` are read when given.
 */
export async function queryPages(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  counter: RequestCounter,
  onPage: (items: Item[]) => void | Promise<void>,
  projection?: readonly string[],
): Promise<void> {
  const projectionArgs = projectionOf(projection);
  let start: Record<string, unknown> | undefined;
  do {
    counter.requests += 1;
    const out = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...projectionArgs,
      }),
    );
    // Awaited before the next page is asked for: a slow consumer holds one page, not many.
    await onPage((out.Items ?? []) as Item[]);
    start = out.LastEvaluatedKey;
  } while (start);
}

/** Query every page of one partition, counting requests; returns all its items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  counter: RequestCounter,
  projection?: readonly string[],
): Promise<Item[]> {
  const items: Item[] = [];
  await queryPages(
    doc,
    table,
    pk,
    counter,
    (page) => {
      items.push(...page);
    },
    projection,
  );
  return items;
}
