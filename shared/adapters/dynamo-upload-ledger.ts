/**
 * {@link UploadLedger} over the single table: one ordering item per object key (the guard
 * against late, older S3 events and replays) and one history item per processed version.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { UploadLedger, UploadRecord } from '../ports/index.ts';
import { isConditionalCheckFailed } from './dynamo-batch.ts';
import { keys } from './table-design.ts';

export interface DynamoUploadLedgerOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * A version still `processing` after this many seconds is taken to have crashed and may be
   * claimed again by a redelivery (default 900 = Lambda's longest timeout). Writes are
   * idempotent, so a re-run after a crash finishes the job instead of leaving it stuck.
   */
  readonly processingLeaseSeconds?: number;
  /** How many months back `list` and `rejectedSince` look at most (default 24). */
  readonly historyMonths?: number;
  readonly now?: () => Date;
}

const RECORD_FIELDS = [
  'bucket',
  'key',
  'versionId',
  'order',
  'kind',
  'status',
  'rows',
  'errors',
  'checksum',
  'uploadedBy',
  'startedAt',
  'finishedAt',
  'errorKey',
] as const;

/**
 * The same object version is being processed right now by another worker (its claim is
 * younger than the lease). Thrown rather than reported as a replay so the queue message is
 * retried later instead of being deleted: by then the other worker has finished (a replay)
 * or has crashed and its lease has run out (claimed again).
 */
export class UploadInProgressError extends Error {
  constructor(bucket: string, key: string, versionId: string | null) {
    super(
      `s3://${bucket}/${key} (version ${versionId ?? 'null'}) is already being processed by another worker; ` +
        'retry the message later (it is claimed again once that worker finishes or its lease runs out)',
    );
    this.name = 'UploadInProgressError';
  }
}

export class DynamoUploadLedger implements UploadLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly leaseMs: number;
  private readonly historyMonths: number;
  private readonly now: () => Date;

  constructor(options: DynamoUploadLedgerOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
    this.leaseMs = (options.processingLeaseSeconds ?? 900) * 1000;
    this.historyMonths = options.historyMonths ?? 24;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Claims one object version (see the port). Throws {@link UploadInProgressError} when the
   * same version is mid-processing elsewhere and its lease has not run out.
   */
  async begin(record: UploadRecord): Promise<{ claimed: boolean; reason: 'new' | 'replay' | 'older' }> {
    const now = this.now();
    const staleBefore = new Date(now.getTime() - this.leaseMs).toISOString();
    let previous: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.uploadOrder(record.bucket, record.key),
          UpdateExpression:
            'SET lastOrder = :o, lastVersionId = :v, #st = :processing, claimedAt = :now, startedAt = :started',
          ConditionExpression:
            'attribute_not_exists(pk) OR lastOrder < :o OR (lastOrder = :o AND #st = :processing AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':o': record.order,
            ':v': record.versionId,
            ':processing': 'processing',
            ':now': now.toISOString(),
            ':stale': staleBefore,
            ':started': record.startedAt,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      previous = out.Attributes;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: keys.uploadOrder(record.bucket, record.key),
          ConsistentRead: true,
        }),
      );
      const lastOrder = String(out.Item?.lastOrder ?? '');
      if (lastOrder !== record.order) return { claimed: false, reason: 'older' };
      if (out.Item?.status === 'processing') {
        throw new UploadInProgressError(record.bucket, record.key, record.versionId);
      }
      return { claimed: false, reason: 'replay' };
    }
    await this.putHistory({ ...record, status: 'processing' });
    // A crashed attempt of this same version leaves a `processing` history item: this attempt's
    // item replaces it, so the history never shows a version stuck in processing.
    if (
      previous?.lastOrder === record.order &&
      typeof previous.startedAt === 'string' &&
      previous.startedAt !== record.startedAt
    ) {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.uploadHistory(previous.startedAt, record.bucket, record.key, record.versionId),
        }),
      );
    }
    return { claimed: true, reason: 'new' };
  }

  async finish(record: UploadRecord): Promise<void> {
    await this.putHistory(record);
    if (record.status === 'skipped_older') return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.uploadOrder(record.bucket, record.key),
          UpdateExpression: 'SET #st = :st, finishedAt = :f',
          // Only the version that holds the guard may settle it.
          ConditionExpression: 'lastOrder = :o',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':st': record.status, ':f': record.finishedAt, ':o': record.order },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  async rejectedSince(since: string): Promise<readonly UploadRecord[]> {
    const out: UploadRecord[] = [];
    for (const month of this.monthsBack().filter((m) => m >= since.slice(0, 7))) {
      for (const r of await this.queryMonth(month)) {
        if (r.status === 'rejected' && r.finishedAt !== null && r.finishedAt >= since) out.push(r);
      }
    }
    return out.sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? ''));
  }

  async list(limit = 100): Promise<readonly UploadRecord[]> {
    const out: UploadRecord[] = [];
    for (const month of this.monthsBack()) {
      const records = await this.queryMonth(month);
      out.push(...records.sort((a, b) => b.startedAt.localeCompare(a.startedAt)));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  private async putHistory(record: UploadRecord): Promise<void> {
    const key = keys.uploadHistory(record.startedAt, record.bucket, record.key, record.versionId);
    const item: Record<string, unknown> = { ...key };
    for (const f of RECORD_FIELDS) item[f] = record[f];
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  private async queryMonth(month: string): Promise<UploadRecord[]> {
    const records: UploadRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.uploadHistoryPartition(month) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const r: Record<string, unknown> = {};
        for (const f of RECORD_FIELDS) r[f] = item[f] ?? null;
        records.push(r as unknown as UploadRecord);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return records;
  }

  /** This month and the `historyMonths − 1` before it, newest first. */
  private monthsBack(): string[] {
    const d = this.now();
    let y = d.getUTCFullYear();
    let m = d.getUTCMonth() + 1;
    const out: string[] = [];
    for (let i = 0; i < this.historyMonths; i++) {
      out.push(`${y}-${String(m).padStart(2, '0')}`);
      m -= 1;
      if (m === 0) {
        m = 12;
        y -= 1;
      }
    }
    return out;
  }
}
