/**
 * "Latest write" stamps per KPI, for the reports' "no new data" rule. The stamp must never
 * trail what a reader can see: before an upload's commit its id is added to the KPI's
 * `pendingUploads`; after the commit `writtenAt` is raised to the commit time and the id
 * removed. A reader counts a pending upload that is committed by its commit time, so a stamp
 * write that fails after the commit (or a crash there) cannot hide new data.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  batchGet,
  isConditionalCheckFailed,
  mapBounded,
  type RequestCounter,
  type Retrier,
} from './dynamo-batch.ts';
import { keys } from './table-design.ts';
import type { UploadCommits } from './upload-commits.ts';

export class KpiStamps {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retrier: Retrier,
    private readonly commits: UploadCommits,
  ) {}

  /** Before the commit: these KPIs may get new data from `uploadId`. */
  async markPending(kpis: ReadonlySet<string>, uploadId: string, counter: RequestCounter): Promise<void> {
    await mapBounded([...kpis], this.retrier.concurrency, async (kpi) => {
      counter.requests += 1;
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.lastWrite(kpi),
          UpdateExpression: 'ADD pendingUploads :u',
          ExpressionAttributeValues: { ':u': new Set([uploadId]) },
        }),
      );
    });
  }

  /** After the commit: the stamp reaches the commit time and the pending mark goes. */
  async settle(
    kpis: ReadonlySet<string>,
    uploadId: string,
    committedAt: string,
    counter: RequestCounter,
  ): Promise<void> {
    await mapBounded([...kpis], this.retrier.concurrency, async (kpi) => {
      counter.requests += 1;
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.lastWrite(kpi),
            UpdateExpression: 'SET writtenAt = :t',
            ConditionExpression: 'attribute_not_exists(writtenAt) OR writtenAt < :t',
            ExpressionAttributeValues: { ':t': committedAt },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
      counter.requests += 1;
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.lastWrite(kpi),
          UpdateExpression: 'DELETE pendingUploads :u',
          ExpressionAttributeValues: { ':u': new Set([uploadId]) },
        }),
      );
    });
  }

  async latest(kpis: readonly string[]): Promise<string | null> {
    if (kpis.length === 0) return null;
    const counter = { requests: 0 };
    const items = await batchGet(
      this.doc,
      this.table,
      [...new Set(kpis)].map((k) => keys.lastWrite(k)),
      this.retrier,
      counter,
    );
    const times: string[] = [];
    const pending = new Set<string>();
    for (const item of items) {
      if (typeof item.writtenAt === 'string') times.push(item.writtenAt);
      for (const u of (item.pendingUploads as Set<string> | undefined) ?? []) pending.add(u);
    }
    if (pending.size > 0) {
      const committed = await this.commits.committed(pending, counter);
      for (const u of pending) {
        const at = committed.get(u);
        if (at !== undefined) times.push(at);
      }
    }
    return times.sort().at(-1) ?? null;
  }
}
