/**
 * Batch reads and writes with the retries DynamoDB leaves to the caller: `UnprocessedItems`
 * and `UnprocessedKeys` are retried with exponential backoff and full jitter and never
 * dropped; throttling errors are retried the same way; after `maxAttempts` a
 * {@link BatchRetryExhaustedError} says what was left.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

export interface RetryOptions {
  /** Attempts per batch including the first (default 10). */
  readonly maxAttempts?: number;
  /** First backoff cap in ms (default 50); doubles each attempt. */
  readonly baseDelayMs?: number;
  /** Largest backoff cap in ms (default 5,000). */
  readonly maxDelayMs?: number;
  /** Batches in flight at once (default 6). */
  readonly concurrency?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

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

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** True for errors worth retrying after a pause (throttling, capacity, transient 5xx). */
export function isRetryableError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.name && THROTTLING.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** True when a conditional write lost (the condition evaluated false). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

export class Retrier {
  readonly maxAttempts: number;
  readonly concurrency: number;
  private readonly base: number;
  private readonly cap: number;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: RetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.concurrency = Math.max(1, options.concurrency ?? 6);
    this.base = options.baseDelayMs ?? 50;
    this.cap = options.maxDelayMs ?? 5_000;
    this.sleepFn = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Full jitter: a uniform pause in [0, min(cap, base · 2^attempt)). */
  backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(this.cap, this.base * 2 ** attempt);
    return this.sleepFn(Math.floor(this.random() * ceiling));
  }
}

/** Runs `worker` over `items` with at most `concurrency` in flight; rejects on the first error. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const run = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await worker(items[i] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, run));
  return results;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
  const projectionArgs = projection
    ? {
        ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])),
      }
    : {};
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
