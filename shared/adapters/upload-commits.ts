/**
 * The commit of an upload: one item whose conditional creation makes every fact the upload
 * wrote visible at once (see "All or nothing" in dynamo-fact-store.ts for why it is built this
 * way). Readers look commits up by upload id, one BatchGetItem per 100 distinct uploads.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadSource } from '../ports/index.ts';
import { batchGet, isConditionalCheckFailed, type RequestCounter, type Retrier } from './dynamo-batch.ts';
import { digest, keys } from './table-design.ts';

/**
 * An upload's id: its order (so ids sort as uploads do) and a digest of its object's name, so
 * two objects whose events carry the same time and sequencer still get two ids.
 */
export function uploadIdOf(source: UploadSource): string {
  return `${source.order}#${digest(`${source.bucket}\u0000${source.key}`)}`;
}

export class UploadCommits {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retrier: Retrier,
  ) {}

  /**
   * The commit flip: creates the commit item once. A retry of a committed upload gets the
   * first commit's time back, so stamps derived from it are the same on every attempt.
   */
  async commit(uploadId: string, at: string, counter: RequestCounter): Promise<string> {
    counter.requests += 1;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.commit(uploadId), committedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      this.known.set(uploadId, at);
      return at;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    counter.requests += 1;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.commit(uploadId), ConsistentRead: true }),
    );
    const first = String(out.Item?.committedAt ?? at);
    this.known.set(uploadId, first);
    return first;
  }

  /**
   * Commit time of each of `uploadIds` that is committed. A commit is never undone, so
   * committed ids are remembered; uncommitted ones are asked again next time.
   */
  async committed(
    uploadIds: Iterable<string>,
    counter: RequestCounter,
  ): Promise<ReadonlyMap<string, string>> {
    const ask = [...new Set(uploadIds)].filter((id) => !this.known.has(id));
    if (ask.length > 0) {
      const items = await batchGet(
        this.doc,
        this.table,
        ask.map((id) => keys.commit(id)),
        this.retrier,
        counter,
      );
      for (const item of items) this.known.set(String(item.sk), String(item.committedAt));
    }
    return this.known;
  }
}
