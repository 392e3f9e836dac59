/**
 * One writer per upload kind at a time: a lease item taken with a conditional write. Uploads
 * of one kind share fact keys, roll-up buckets and grain claims, and BatchWriteItem has no
 * conditions, so their read-then-write must not interleave; parsing and validation (most of an
 * ingest's time) stay parallel, and the writes of one upload already use the table's width.
 * A holder that dies keeps the lease until it runs out (longer than any Lambda can run), so a
 * dead holder never blocks for good and a live one never loses the lease to another.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-batch.ts';
import { keys } from './table-design.ts';

/** Lambda's longest run (900 s) and a margin. */
export const DEFAULT_WRITER_LEASE_SECONDS = 960;

/**
 * Waiting in the function beats giving the message back: SQS shows it again only after the
 * queue's visibility timeout (six function timeouts). 300 s leaves the longest ingest most of
 * its 745 s.
 */
export const DEFAULT_WRITER_WAIT_SECONDS = 300;

/** Another upload of this kind is being written; the message is retried later. */
export class WriterBusyError extends Error {
  constructor(kind: string) {
    super(
      `another ${kind} upload is being written; this one is retried once that one has finished ` +
        'or its lease has run out',
    );
    this.name = 'WriterBusyError';
  }
}

export interface WriterLockOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now: () => Date;
  readonly leaseSeconds?: number;
  /** How long to wait for the lock before giving the message back (default 300 s). */
  readonly waitSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class WriterLock {
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: WriterLockOptions) {
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_WRITER_LEASE_SECONDS) * 1000;
    this.waitMs = (options.waitSeconds ?? DEFAULT_WRITER_WAIT_SECONDS) * 1000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs `work` holding the lock of `kind`; `holder` (the upload id) may take its own lock again. */
  async with<T>(kind: string, holder: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(kind, holder);
    try {
      return await work();
    } finally {
      await this.release(kind, holder);
    }
  }

  private async acquire(kind: string, holder: string): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const now = this.options.now().getTime();
      try {
        await this.options.doc.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: { ...keys.writerLock(kind), holder, expiresAt: now + this.leaseMs },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :me',
            ExpressionAttributeValues: { ':now': now, ':me': holder },
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
      if (Date.now() - started >= this.waitMs) throw new WriterBusyError(kind);
      await this.sleep(Math.min(250, 10 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
    }
  }

  private async release(kind: string, holder: string): Promise<void> {
    try {
      await this.options.doc.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: keys.writerLock(kind),
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': holder },
        }),
      );
    } catch (err) {
      // Our lease ran out and someone else holds it now: theirs to release.
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
