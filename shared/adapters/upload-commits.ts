/**
 * The commit of an upload: one item whose conditional creation makes every fact the upload
 * wrote visible at once (see "All or nothing" in dynamo-fact-store.ts for why it is built this
 * way). Readers look commits up by upload id, one BatchGetItem per 100 distinct uploads.
 *
 * The commit generation: one counter raised right before every commit flip, after the
 * upload's last pending write. A reader reads many items over time and looks their uploads'
 * commits up afterwards; DynamoDB isolates none of those reads from each other, so a commit
 * landing between them would show one item's new state and another's old one (an item read
 * before the upload wrote it). Such a commit raises the generation between the reader's first
 * and last step; when the generation is unchanged, every upload the reader sees committed had
 * finished writing before the reader's first read (see {@link UploadCommits.generation}).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
    // Raised first: a reader that started before this point sees the generation change, and
    // one that starts after it reads only items this upload has finished writing.
    counter.requests += 1;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.commitGeneration,
        UpdateExpression: 'ADD generation :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
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
   * The commit generation now (strongly consistent). A read bracketed by two equal
   * generations saw no commit flip happen during it.
   */
  async generation(counter: RequestCounter): Promise<number> {
    counter.requests += 1;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.commitGeneration, ConsistentRead: true }),
    );
    return Number(out.Item?.generation ?? 0);
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
