/**
 * {@link RunLedger} over the single table. Every guard is one conditional write (no
 * transactions: dynalite has none): a claim succeeds only when the run is absent, failed,
 * started with an expired lease (a crash), or — with `force` — already sent or skipped;
 * `finish` succeeds only for the attempt that holds the claim.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '../domain/types.ts';
import type { RunLedger, RunRecord, RunStatus } from '../ports/index.ts';
import { isConditionalCheckFailed } from './dynamo-batch.ts';
import { keys } from './table-design.ts';

export interface DynamoRunLedgerOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** `finish` was called by an attempt that no longer holds the run (its lease was taken over). */
export class RunNotClaimedError extends Error {
  constructor(reportId: string, asOf: string, scopeKey: string, attempt: number) {
    super(
      `run ${reportId} ${asOf} ${scopeKey}: attempt ${attempt} does not hold the claim (another attempt took it ` +
        'over after the lease ran out); its result was not recorded — raise leaseSeconds above the longest run',
    );
    this.name = 'RunNotClaimedError';
  }
}

export class DynamoRunLedger implements RunLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: DynamoRunLedgerOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
  }

  async claim(input: {
    reportId: string;
    asOf: LocalDate;
    scopeKey: string;
    now: string;
    leaseSeconds: number;
    force: boolean;
  }): Promise<{ claimed: true; record: RunRecord } | { claimed: false; record: RunRecord }> {
    const now = new Date(input.now);
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + input.leaseSeconds * 1000).toISOString();
    const key = keys.run(input.reportId, input.asOf, input.scopeKey);
    const condition = input.force
      ? 'attribute_not_exists(pk) OR #st <> :started OR leaseUntil < :now'
      : 'attribute_not_exists(pk) OR #st = :failed OR (#st = :started AND leaseUntil < :now)';
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET #st = :started, attempt = if_not_exists(attempt, :zero) + :one, startedAt = :now, leaseUntil = :lease, ' +
            'reportId = :r, asOf = :a, scopeKey = :s, finishedAt = :null, archiveKey = :null, messageId = :null, reason = :null',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':started': 'started',
            ':now': nowIso,
            ':lease': leaseUntil,
            ':zero': 0,
            ':one': 1,
            ':r': input.reportId,
            ':a': input.asOf,
            ':s': input.scopeKey,
            ':null': null,
            ...(input.force ? {} : { ':failed': 'failed' }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: { ...keys.runIndex(input.reportId) } }),
      );
      return { claimed: true, record: toRecord(out.Attributes ?? {}) };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      return { claimed: false, record: toRecord(out.Item ?? {}) };
    }
  }

  async finish(input: {
    reportId: string;
    asOf: LocalDate;
    scopeKey: string;
    attempt: number;
    status: Exclude<RunStatus, 'started'>;
    now: string;
    archiveKey?: string | null;
    messageId?: string | null;
    reason?: string | null;
  }): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(input.reportId, input.asOf, input.scopeKey),
          UpdateExpression:
            'SET #st = :st, finishedAt = :now, archiveKey = :ak, messageId = :mid, reason = :why',
          ConditionExpression: '#st = :started AND attempt = :attempt',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':st': input.status,
            ':now': new Date(input.now).toISOString(),
            ':ak': input.archiveKey ?? null,
            ':mid': input.messageId ?? null,
            ':why': input.reason ?? null,
            ':started': 'started',
            ':attempt': input.attempt,
          },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new RunNotClaimedError(input.reportId, input.asOf, input.scopeKey, input.attempt);
      }
      throw err;
    }
    if (input.status === 'sent') {
      // Every sent asOf of the scope, so a run finds the one it follows (lastSent's onOrBefore).
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.sentRun(input.reportId, input.scopeKey, input.asOf),
            sentAt: new Date(input.now).toISOString(),
          },
        }),
      );
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...keys.lastSent(input.reportId, input.scopeKey), asOf: input.asOf },
            ConditionExpression: 'attribute_not_exists(pk) OR asOf <= :a',
            ExpressionAttributeValues: { ':a': input.asOf },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
  }

  async list(reportId?: string): Promise<readonly RunRecord[]> {
    const reportIds = reportId
      ? [reportId]
      : (await this.query(keys.runIndexPartition)).map((i) => String(i.sk));
    const out: RunRecord[] = [];
    for (const id of reportIds) out.push(...(await this.query(keys.runPartition(id))).map(toRecord));
    return out;
  }

  async lastSent(reportId: string, scopeKey: string, onOrBefore?: LocalDate): Promise<RunRecord | null> {
    let asOf: unknown;
    if (onOrBefore !== undefined) {
      const sent = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk <= :asOf',
          ExpressionAttributeValues: {
            ':pk': keys.sentRunPartition(reportId, scopeKey),
            ':asOf': onOrBefore,
          },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      asOf = sent.Items?.[0]?.sk;
    }
    if (asOf === undefined) {
      // The newest sent asOf (also what runs sent before the per-asOf index existed left).
      const pointer = await this.doc.send(
        new GetCommand({
          TableName: this.table,
          Key: keys.lastSent(reportId, scopeKey),
          ConsistentRead: true,
        }),
      );
      asOf = pointer.Item?.asOf;
      if (typeof asOf === 'string' && onOrBefore !== undefined && asOf > onOrBefore) return null;
    }
    if (typeof asOf !== 'string') return null;
    const run = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.run(reportId, asOf, scopeKey),
        ConsistentRead: true,
      }),
    );
    return run.Item ? toRecord(run.Item) : null;
  }

  private async query(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function toRecord(item: Record<string, unknown>): RunRecord {
  return {
    reportId: String(item.reportId ?? ''),
    asOf: String(item.asOf ?? ''),
    scopeKey: String(item.scopeKey ?? ''),
    status: (item.status ?? 'started') as RunStatus,
    attempt: Number(item.attempt ?? 0),
    startedAt: String(item.startedAt ?? ''),
    finishedAt: str(item.finishedAt),
    archiveKey: str(item.archiveKey),
    messageId: str(item.messageId),
    reason: str(item.reason),
  };
}
