/**
 * {@link FactStore} over the single table (see table-design.ts for the layout and why).
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActualFact, Milestone, TargetFact } from '../domain/types.ts';
import type { FactStore, PlanDataQuery, UploadSource, WriteSummary } from '../ports/index.ts';
import {
  batchGet,
  batchPut,
  type Item,
  isConditionalCheckFailed,
  type Key,
  mapBounded,
  type RequestCounter,
  Retrier,
  type RetryOptions,
} from './dynamo-batch.ts';
import { dimsKey, isDayPeriod, keys, monthsBetween } from './table-design.ts';

export interface DynamoFactStoreOptions extends RetryOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Clock for `writtenAt` stamps (defaults to the system clock). */
  readonly now?: () => Date;
}

interface Entry {
  readonly key: Key;
  readonly item: Item;
}

interface Bucket {
  readonly kpi: string;
  readonly dk: string;
  readonly month: string;
  readonly dims: Readonly<Record<string, string>>;
}

const META_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'srcOrder',
  'srcBucket',
  'srcKey',
  'srcVersionId',
  'uploadedBy',
  'writtenAt',
  'dimsKey',
]);

/** Query every page of one partition, counting requests and items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  table: string,
  pk: string,
  counter: RequestCounter,
): Promise<Item[]> {
  const items: Item[] = [];
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
      }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export class DynamoFactStore implements FactStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retrier: Retrier;
  private readonly now: () => Date;

  constructor(options: DynamoFactStoreOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
    this.retrier = new Retrier(options);
    this.now = options.now ?? (() => new Date());
  }

  async putActuals(facts: readonly ActualFact[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const entries: Entry[] = facts.map((f) => {
      const dk = dimsKey(f.dims);
      const key = isDayPeriod(f.period)
        ? keys.dailyActual(f.kpi, dk, f.period)
        : keys.coarseActual(f.kpi, f.period, dk);
      return {
        key,
        item: {
          ...key,
          kpi: f.kpi,
          period: f.period,
          dims: { ...f.dims },
          dimsKey: dk,
          value: f.value,
          ...sourceAttrs(source, writtenAt),
        },
      };
    });
    const { written, replayed, skipped } = await this.writeNewest(entries, source.order, counter);

    // Roll-ups are rebuilt for buckets this write changed, and for buckets it replayed: a
    // replay may be the retry of a run that crashed after writing facts but before its roll-ups.
    const changed = bucketsOf(written);
    const changedIds = new Set(changed.map(bucketId));
    const replayBuckets = bucketsOf(replayed).filter((b) => !changedIds.has(bucketId(b)));
    await mapBounded(changed, this.retrier.concurrency, (b) => this.rebuildRollup(b, counter, false));
    await mapBounded(replayBuckets, this.retrier.concurrency, (b) => this.rebuildRollup(b, counter, true));
    await this.touchKpis(written, writtenAt, counter);
    return { written: written.length, skipped, requests: counter.requests };
  }

  async putTargets(facts: readonly TargetFact[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const entries: Entry[] = facts.map((f) => {
      const dk = dimsKey(f.dims);
      const key = keys.target(f.version, f.kpi, f.period, dk);
      return {
        key,
        item: {
          ...key,
          version: f.version,
          kpi: f.kpi,
          period: f.period,
          dims: { ...f.dims },
          dimsKey: dk,
          value: f.value,
          ...sourceAttrs(source, writtenAt),
        },
      };
    });
    const { written, skipped } = await this.writeNewest(entries, source.order, counter);
    await this.touchKpis(written, writtenAt, counter);
    return { written: written.length, skipped, requests: counter.requests };
  }

  async putMilestones(milestones: readonly Milestone[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const entries: Entry[] = milestones.map((m) => {
      const key = keys.milestone(m.id);
      return { key, item: { ...m, ...key, ...sourceAttrs(source, writtenAt) } };
    });
    const { written, skipped } = await this.writeNewest(entries, source.order, counter);
    return { written: written.length, skipped, requests: counter.requests };
  }

  async loadPlanData(query: PlanDataQuery) {
    const counter = { requests: 0 };
    const months = monthsBetween(query.start, query.end);
    const partitions: { kind: 'rollup' | 'coarse' | 'target' | 'milestone'; pk: string }[] = [];
    for (const kpi of query.kpis) {
      for (const month of months) partitions.push({ kind: 'rollup', pk: keys.rollupPartition(kpi, month) });
      partitions.push({ kind: 'coarse', pk: keys.coarseActualPartition(kpi) });
      for (const version of query.targetVersions) {
        partitions.push({ kind: 'target', pk: keys.targetPartition(version, kpi) });
      }
    }
    partitions.push({ kind: 'milestone', pk: keys.milestonePartition });

    const results = await mapBounded(partitions, this.retrier.concurrency, async (p) => ({
      kind: p.kind,
      items: await queryAll(this.doc, this.table, p.pk, counter),
    }));

    const actuals: ActualFact[] = [];
    const targets: TargetFact[] = [];
    const milestones: Milestone[] = [];
    let itemsRead = 0;
    for (const { kind, items } of results) {
      itemsRead += items.length;
      for (const item of items) {
        if (kind === 'rollup') {
          const days = (item.days ?? {}) as Record<string, number>;
          const dims = (item.dims ?? {}) as Record<string, string>;
          for (const day of Object.keys(days).sort()) {
            if (day < query.start || day > query.end) continue;
            actuals.push({ kpi: String(item.kpi), period: day, dims: { ...dims }, value: Number(days[day]) });
          }
        } else if (kind === 'coarse') {
          actuals.push({
            kpi: String(item.kpi),
            period: String(item.period),
            dims: { ...((item.dims ?? {}) as Record<string, string>) },
            value: Number(item.value),
          });
        } else if (kind === 'target') {
          targets.push({
            version: String(item.version),
            kpi: String(item.kpi),
            period: String(item.period),
            dims: { ...((item.dims ?? {}) as Record<string, string>) },
            value: Number(item.value),
          });
        } else {
          milestones.push(stripMeta(item) as unknown as Milestone);
        }
      }
    }
    return { actuals, targets, milestones, itemsRead };
  }

  async lastWriteAt(kpis: readonly string[]): Promise<string | null> {
    if (kpis.length === 0) return null;
    const items = await batchGet(
      this.doc,
      this.table,
      [...new Set(kpis)].map((k) => keys.lastWrite(k)),
      this.retrier,
      { requests: 0 },
    );
    let latest: string | null = null;
    for (const item of items) {
      const at = typeof item.writtenAt === 'string' ? item.writtenAt : null;
      if (at && (latest === null || at > latest)) latest = at;
    }
    return latest;
  }

  /**
   * Newest upload wins: reads the stored order of every key (BatchGetItem, 100 a call) and
   * writes only facts whose stored order is older than ours. The same order is a replay and
   * is skipped. Orders compare as strings, so {@link UploadSource.order} must be fixed-width.
   */
  private async writeNewest(
    entries: readonly Entry[],
    order: string,
    counter: RequestCounter,
  ): Promise<{ written: Item[]; replayed: Item[]; skipped: number }> {
    // One key twice in one input: the later row wins (BatchWriteItem rejects duplicate keys).
    const unique = new Map<string, Entry>();
    for (const e of entries) unique.set(`${e.key.pk}\u0000${e.key.sk}`, e);
    const candidates = [...unique.values()];
    const stored = await batchGet(
      this.doc,
      this.table,
      candidates.map((e) => e.key),
      this.retrier,
      counter,
      ['pk', 'sk', 'srcOrder'],
    );
    const storedOrder = new Map<string, string>();
    for (const s of stored) storedOrder.set(`${s.pk}\u0000${s.sk}`, String(s.srcOrder ?? ''));

    const written: Item[] = [];
    const replayed: Item[] = [];
    for (const [k, e] of unique) {
      const existing = storedOrder.get(k);
      if (existing === undefined || existing < order) written.push(e.item);
      else if (existing === order) replayed.push(e.item);
    }
    await batchPut(this.doc, this.table, written, this.retrier, counter);
    return { written, replayed, skipped: candidates.length - written.length };
  }

  /**
   * Folds one (KPI, dimsKey, month) bucket's daily facts into its roll-up item. The condition
   * keeps a stale rebuild (one that read before a newer upload wrote) from replacing a newer
   * roll-up; on conflict the bucket is re-read, which then includes the newer facts.
   */
  private async rebuildRollup(
    bucket: Bucket,
    counter: RequestCounter,
    onlyIfDifferent: boolean,
  ): Promise<void> {
    const key = keys.rollup(bucket.kpi, bucket.month, bucket.dk);
    for (let attempt = 0; attempt < 4; attempt++) {
      const facts = await queryAll(
        this.doc,
        this.table,
        keys.dailyActualPartition(bucket.kpi, bucket.dk, bucket.month),
        counter,
      );
      const days: Record<string, number> = {};
      let maxOrder = '';
      for (const f of facts) {
        days[String(f.sk)] = Number(f.value);
        const o = String(f.srcOrder ?? '');
        if (o > maxOrder) maxOrder = o;
      }
      if (onlyIfDifferent) {
        const current = await queryRollup(this.doc, this.table, key, counter);
        if (
          current &&
          current.maxOrder === maxOrder &&
          sameDays(current.days as Record<string, number>, days)
        )
          return;
      }
      try {
        counter.requests += 1;
        await this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...key,
              kpi: bucket.kpi,
              month: bucket.month,
              dimsKey: bucket.dk,
              dims: { ...bucket.dims },
              days,
              maxOrder,
              updatedAt: this.now().toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR maxOrder <= :m',
            ExpressionAttributeValues: { ':m': maxOrder },
          }),
        );
        return;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    }
    // Still losing after re-reads: a newer upload keeps rebuilding this bucket and its own
    // rebuild (which reads our facts too) will be the one that stands.
  }

  /** Records the latest write time per KPI for "no new data" checks. */
  private async touchKpis(
    written: readonly Item[],
    writtenAt: string,
    counter: RequestCounter,
  ): Promise<void> {
    const kpis = [...new Set(written.map((i) => String(i.kpi)))];
    await mapBounded(kpis, this.retrier.concurrency, async (kpi) => {
      counter.requests += 1;
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.lastWrite(kpi),
            UpdateExpression: 'SET writtenAt = :t',
            ConditionExpression: 'attribute_not_exists(writtenAt) OR writtenAt < :t',
            ExpressionAttributeValues: { ':t': writtenAt },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw err;
      }
    });
  }
}

async function queryRollup(
  doc: DynamoDBDocumentClient,
  table: string,
  key: Key,
  counter: RequestCounter,
): Promise<Item | undefined> {
  counter.requests += 1;
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk = :sk',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
      ConsistentRead: true,
    }),
  );
  return out.Items?.[0] as Item | undefined;
}

function sameDays(a: Record<string, number> | undefined, b: Record<string, number>): boolean {
  if (!a) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  return ak.every((k) => Number(a[k]) === b[k]);
}

function sourceAttrs(source: UploadSource, writtenAt: string): Item {
  return {
    srcOrder: source.order,
    srcBucket: source.bucket,
    srcKey: source.key,
    srcVersionId: source.versionId,
    uploadedBy: source.uploadedBy,
    writtenAt,
  };
}

function bucketsOf(items: readonly Item[]): Bucket[] {
  const out = new Map<string, Bucket>();
  for (const i of items) {
    if (!isDayPeriod(String(i.period)) || i.version !== undefined) continue;
    const b: Bucket = {
      kpi: String(i.kpi),
      dk: String(i.dimsKey),
      month: String(i.period).slice(0, 7),
      dims: i.dims as Record<string, string>,
    };
    out.set(bucketId(b), b);
  }
  return [...out.values()];
}

function bucketId(b: Bucket): string {
  return `${b.kpi}\u0000${b.dk}\u0000${b.month}`;
}

function stripMeta(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!META_ATTRIBUTES.has(k)) out[k] = v;
  return out;
}
