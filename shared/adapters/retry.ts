/**
 * Retries with exponential backoff and full jitter, bounded concurrency and chunking, shared by
 * the DynamoDB batch helpers (./dynamo-batch.ts) and the SQS adapter. No SDK import: a module
 * that needs only these (the SQS adapter in the schedule-report Lambda) loads no DynamoDB code.
 */

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
