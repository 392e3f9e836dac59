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
import { type InputIndex, indexInputs } from './key-index.ts';
import { dimsKey, isDayPeriod, keys, monthsBetween } from './table-design.ts';

export interface DynamoFactStoreOptions extends RetryOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Clock for `writtenAt` stamps (defaults to the system clock). */
  readonly now?: () => Date;
  /**
   * Inputs per slice of a put (default 10,000): each slice is read (newest wins), written and
   * its completed roll-up buckets rebuilt before the next one is touched, so the store's memory
   * follows the slice, not the upload.
   */
  readonly sliceSize?: number;
}

export const DEFAULT_SLICE_SIZE = 10_000;

interface Bucket {
  readonly kpi: string;
  readonly dk: string;
  readonly month: string;
  readonly dims: Readonly<Record<string, string>>;
}

/** How one put turns its inputs into keys and items, and what it does around the writes. */
interface SliceWriter {
  readonly count: number;
  keyOf(i: number): Key;
  itemOf(i: number, key: Key): Item;
  /** Roll-up bucket id of input i (equal for the inputs of one bucket), when it has one. */
  bucketIdOf?(i: number, key: Key): string | undefined;
  /** Every input below `written` is written (or skipped); those below `classified` have been read. */
  afterWrite?(written: number, classified: number, index: InputIndex): Promise<void>;
  onWritten?(i: number, index: InputIndex): void;
  onReplayed?(i: number, index: InputIndex): void;
}

/** A roll-up bucket this put wrote a fact of (rebuilt unconditionally) … */
const CHANGED = 1;
/** … or replayed one of (rebuilt only when it differs: a crashed run may have missed it). */
const REPLAYED = 2;

/** BatchWriteItem's limit: every request but the upload's last carries this many items. */
const BATCH_WRITE_SIZE = 25;

/** Memoises dimsKey per dims object (the validator shares one object per combination). */
class DimsKeys {
  private readonly cache = new Map<object, string>();
  of(dims: Readonly<Record<string, string>>): string {
    let dk = this.cache.get(dims);
    if (dk === undefined) {
      // Bounded: inputs with a fresh dims object per row must not grow it with the upload.
      if (this.cache.size >= 10_000) this.cache.clear();
      dk = dimsKey(dims);
      this.cache.set(dims, dk);
    }
    return dk;
  }
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
  private readonly sliceSize: number;

  constructor(options: DynamoFactStoreOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
    this.retrier = new Retrier(options);
    this.now = options.now ?? (() => new Date());
    this.sliceSize = Math.max(1, Math.floor(options.sliceSize ?? DEFAULT_SLICE_SIZE));
  }

  async putActuals(facts: readonly ActualFact[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const dks = new DimsKeys();
    const kpis = new Set<string>();
    const flags = new Uint8Array(facts.length);
    // Ends of buckets this put touched whose roll-up is still to rebuild, in input order.
    const ends: number[] = [];
    let endsHead = 0;
    let scanned = 0;
    const { written, skipped } = await this.writeSliced(
      {
        count: facts.length,
        keyOf: (i) => {
          const f = facts[i]!;
          const dk = dks.of(f.dims);
          return isDayPeriod(f.period)
            ? keys.dailyActual(f.kpi, dk, f.period)
            : keys.coarseActual(f.kpi, f.period, dk);
        },
        itemOf: (i, key) => {
          const f = facts[i]!;
          return {
            ...key,
            kpi: f.kpi,
            period: f.period,
            dims: f.dims,
            dimsKey: dks.of(f.dims),
            value: f.value,
            ...sourceAttrs(source, writtenAt),
          };
        },
        // A daily fact's partition is its (KPI, dimsKey, month) bucket.
        bucketIdOf: (i, key) => (isDayPeriod(facts[i]!.period) ? key.pk : undefined),
        onWritten: (i, index) => {
          kpis.add(facts[i]!.kpi);
          const b = index.bucketOf[i]!;
          if (b >= 0) flags[b]! |= CHANGED;
        },
        onReplayed: (i, index) => {
          const b = index.bucketOf[i]!;
          if (b >= 0) flags[b]! |= REPLAYED;
        },
        // Roll-ups are rebuilt for buckets this write changed, and for buckets it replayed: a
        // replay may be the retry of a run that crashed after writing facts but before its
        // roll-ups. A bucket is rebuilt once, after its last fact in this input is written, so
        // a bucket spanning slices is folded from all of them.
        afterWrite: async (writtenUpTo, classified, index) => {
          for (; scanned < classified; scanned++) {
            const b = index.bucketOf[scanned]!;
            if (b >= 0 && index.bucketEnd[b] === scanned && flags[b] !== 0) ends.push(scanned);
          }
          const ready: number[] = [];
          while (endsHead < ends.length && ends[endsHead]! < writtenUpTo) ready.push(ends[endsHead++]!);
          if (endsHead === ends.length) {
            ends.length = 0;
            endsHead = 0;
          }
          await mapBounded(ready, this.retrier.concurrency, (i) => {
            const f = facts[i]!;
            const bucket: Bucket = {
              kpi: f.kpi,
              dk: dks.of(f.dims),
              month: f.period.slice(0, 7),
              dims: f.dims,
            };
            return this.rebuildRollup(bucket, counter, (flags[index.bucketOf[i]!]! & CHANGED) === 0);
          });
        },
      },
      source.order,
      counter,
    );
    await this.touchKpis(kpis, writtenAt, counter);
    return { written, skipped, requests: counter.requests };
  }

  async putTargets(facts: readonly TargetFact[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const dks = new DimsKeys();
    const kpis = new Set<string>();
    const { written, skipped } = await this.writeSliced(
      {
        count: facts.length,
        keyOf: (i) => {
          const f = facts[i]!;
          return keys.target(f.version, f.kpi, f.period, dks.of(f.dims));
        },
        itemOf: (i, key) => {
          const f = facts[i]!;
          return {
            ...key,
            version: f.version,
            kpi: f.kpi,
            period: f.period,
            dims: f.dims,
            dimsKey: dks.of(f.dims),
            value: f.value,
            ...sourceAttrs(source, writtenAt),
          };
        },
        onWritten: (i) => kpis.add(facts[i]!.kpi),
      },
      source.order,
      counter,
    );
    await this.touchKpis(kpis, writtenAt, counter);
    return { written, skipped, requests: counter.requests };
  }

  async putMilestones(milestones: readonly Milestone[], source: UploadSource): Promise<WriteSummary> {
    const counter = { requests: 0 };
    const writtenAt = this.now().toISOString();
    const { written, skipped } = await this.writeSliced(
      {
        count: milestones.length,
        keyOf: (i) => keys.milestone(milestones[i]!.id),
        itemOf: (i, key) => ({ ...milestones[i]!, ...key, ...sourceAttrs(source, writtenAt) }),
      },
      source.order,
      counter,
    );
    return { written, skipped, requests: counter.requests };
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
   * Newest upload wins, one slice of the input at a time: reads the stored order of the
   * slice's keys (BatchGetItem, 100 a call) and writes only inputs whose stored order is older
   * than ours; the same order is a replay and is skipped. Orders compare as strings, so
   * {@link UploadSource.order} must be fixed-width. One key twice in one input: the later row
   * wins (BatchWriteItem rejects duplicate keys), also across slices. Written items that do not
   * fill a batch of 25 are carried into the next slice, so every BatchWriteItem but the last
   * of the put is full.
   */
  private async writeSliced(
    w: SliceWriter,
    order: string,
    counter: RequestCounter,
  ): Promise<{ written: number; skipped: number }> {
    const index = indexInputs(
      w.count,
      (i) => w.keyOf(i),
      w.bucketIdOf && ((i, key) => w.bucketIdOf?.(i, key)),
    );
    let written = 0;
    let unique = 0;
    // Written-to-be items short of a full batch, and their input indices (ascending).
    let carry: Item[] = [];
    let carryFrom: number[] = [];
    // Slices that, written in full, fill at least one batch between them.
    const carryWindow = this.sliceSize * Math.ceil(BATCH_WRITE_SIZE / this.sliceSize);
    for (let start = 0; start < w.count; start += this.sliceSize) {
      const end = Math.min(w.count, start + this.sliceSize);
      const inputs: number[] = [];
      const sliceKeys: Key[] = [];
      for (let i = start; i < end; i++) {
        if (index.superseded[i]) continue;
        inputs.push(i);
        sliceKeys.push(w.keyOf(i));
      }
      unique += inputs.length;
      const stored = await batchGet(this.doc, this.table, sliceKeys, this.retrier, counter, [
        'pk',
        'sk',
        'srcOrder',
      ]);
      const storedOrder = new Map<string, string>();
      for (const s of stored) storedOrder.set(`${s.pk}\u0000${s.sk}`, String(s.srcOrder ?? ''));

      const items = carry;
      const from = carryFrom;
      for (let x = 0; x < inputs.length; x++) {
        const i = inputs[x]!;
        const key = sliceKeys[x]!;
        const existing = storedOrder.get(`${key.pk}\u0000${key.sk}`);
        if (existing === undefined || existing < order) {
          items.push(w.itemOf(i, key));
          from.push(i);
          w.onWritten?.(i, index);
          written += 1;
        } else if (existing === order) w.onReplayed?.(i, index);
      }
      const full = items.length - (items.length % BATCH_WRITE_SIZE);
      await batchPut(this.doc, this.table, items.slice(0, full), this.retrier, counter);
      carry = items.slice(full);
      carryFrom = from.slice(full);
      if (carryFrom[0] !== undefined && carryFrom[0] < start - carryWindow) {
        // Slices that write little (a mostly newer table) would hold the batch, and the roll-ups
        // of every bucket behind it, until the end: send it short instead.
        await batchPut(this.doc, this.table, carry, this.retrier, counter);
        carry = [];
        carryFrom = [];
      }
      await w.afterWrite?.(carryFrom[0] ?? end, end, index);
    }
    if (carry.length > 0) await batchPut(this.doc, this.table, carry, this.retrier, counter);
    await w.afterWrite?.(w.count, w.count, index);
    return { written, skipped: unique - written };
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
    written: ReadonlySet<string>,
    writtenAt: string,
    counter: RequestCounter,
  ): Promise<void> {
    await mapBounded([...written], this.retrier.concurrency, async (kpi) => {
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

function stripMeta(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!META_ATTRIBUTES.has(k)) out[k] = v;
  return out;
}
