/**
 * {@link FactStore} over the single table (see table-design.ts for the layout and why).
 *
 * All or nothing, newest upload wins — and why it is built this way:
 * - DynamoDB commits at most 100 items in one transaction (and dynalite, the local emulator,
 *   has none), while an upload holds up to hundreds of thousands of facts. So an upload's facts
 *   are written *pending*: each item keeps its committed state at the top level and the new one
 *   in `pend`, tagged with the upload id (fact-versions.ts). Roll-ups are rebuilt the same way
 *   (pending days apart, tagged with their uploads: rollup-days.ts). Then one conditional
 *   PutItem — the upload's commit item (upload-commits.ts) — makes all of it visible at once.
 *   A reader resolves each pending state by its upload's commit: one BatchGetItem per 100
 *   distinct uploads, not a read per fact. A report's reads are many requests over time,
 *   which DynamoDB does not isolate from a flip between them: a read
 *   is kept only when the commit generation (upload-commits.ts), raised before each flip, is
 *   the same before and after it, else it is repeated (see loadPlanData). Until the flip, and
 *   for ever if the upload fails half-way or ends in the dead-letter queue, readers see the
 *   previous state; a retry rewrites the same pending states and flips.
 * - BatchWriteItem has no conditions, so uploads of one kind are written one at a time
 *   (writer-lock.ts): each reads the keys it writes, keeps the newer of the stored committed
 *   order and its own, and its roll-up rebuilds cannot interleave with another's.
 * - The last-write stamps follow the commit (kpi-stamps.ts), and a series' grain is claimed
 *   under the same lock (grain-registry.ts).
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { actualColumnsBuilder } from '../domain/engine/actual-columns.ts';
import type { ActualFact, Milestone, TargetFact } from '../domain/types.ts';
import type {
  FactList,
  FactStore,
  GrainClaim,
  PlanDataQuery,
  UploadKind,
  UploadSource,
  WriteSummary,
} from '../ports/index.ts';
import {
  batchGet,
  batchPut,
  type Item,
  type Key,
  mapBounded,
  queryAll,
  queryPages,
  type RequestCounter,
  Retrier,
  type RetryOptions,
} from './dynamo-batch.ts';
import {
  type Commits,
  committedOrder,
  committedState,
  foldRollup,
  pendingUploads,
  ROLLUP_READ_ATTRIBUTES,
  rollupItem,
  SOURCE_FIELDS,
  sourceAttrs,
  visibleData,
} from './fact-versions.ts';
import { GrainRegistry, type GrainSwitch } from './grain-registry.ts';
import { oldGrainItems } from './grain-switch.ts';
import { type InputIndex, indexInputs } from './key-index.ts';
import { KpiStamps } from './kpi-stamps.ts';
import { rollupReader } from './rollup-reader.ts';
import { dimsKey, isDayPeriod, keys, monthsBetween } from './table-design.ts';
import { UploadCommits, uploadIdOf } from './upload-commits.ts';
import { WriterLock } from './writer-lock.ts';

export interface DynamoFactStoreOptions extends RetryOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Clock for `writtenAt` stamps, commits and the writer lock (defaults to the system clock). */
  readonly now?: () => Date;
  /**
   * Inputs per slice of a put (default 10,000): each slice is read, written and its completed
   * roll-up buckets rebuilt before the next one is touched, so the store's memory follows the
   * slice, not the upload.
   */
  readonly sliceSize?: number;
  /** Writer lock lease (default 960 s: longer than a Lambda can run). */
  readonly writerLeaseSeconds?: number;
  /** How long a put waits for another upload of its kind to finish writing (default 300 s). */
  readonly writerWaitSeconds?: number;
  /**
   * loadPlanData returns daily actuals as typed-array columns (`actualColumns`) instead of one
   * object each (issue 16: ~9 bytes a day instead of ~140); coarse actuals stay objects.
   */
  readonly dailyActualsAsColumns?: boolean;
}

export const DEFAULT_SLICE_SIZE = 10_000;

/** Reads of the plan data before giving up while uploads keep committing (see loadPlanData). */
export const MAX_SNAPSHOT_ATTEMPTS = 10;

/** Uploads committed during every one of a report's reads; the report run is retried later. */
export class UnsettledSnapshotError extends Error {
  constructor(attempts: number) {
    super(
      `uploads were committed while the plan data was read, ${attempts} times in a row; ` +
        'nothing was reported from a mixed state — the report is retried later',
    );
    this.name = 'UnsettledSnapshotError';
  }
}

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
  /** Attributes that follow from the key (kpi, period, dims …); not part of a state. */
  staticOf(i: number, key: Key): Item;
  /** The state this upload gives the key (`value`, or a milestone's fields). */
  dataOf(i: number): Item;
  /** Roll-up bucket id of input i (equal for the inputs of one bucket), when it has one. */
  bucketIdOf?(i: number, key: Key): string | undefined;
  /** Every input below `written` is written (or skipped); those below `classified` have been read. */
  afterWrite?(written: number, classified: number, index: InputIndex): Promise<void>;
  /** Input i now holds this upload's state (written now, or by an earlier attempt). */
  onOurs?(i: number, index: InputIndex, writtenNow: boolean): void;
}

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

/**
 * `facts.at(i)` for the writer's look-ups, which ask for the same input several times in a row
 * (key, attributes, value): an ingested upload makes a fact object per `at` (fact-table.ts).
 */
function factReader<T>(facts: FactList<T>): (i: number) => T {
  let last = -1;
  let fact: T | undefined;
  return (i) => {
    if (i !== last) {
      fact = facts.at(i);
      last = i;
    }
    return fact!;
  };
}

const META_ATTRIBUTES = new Set<string>(['pk', 'sk', 'pend', 'dimsKey', ...SOURCE_FIELDS]);

export class DynamoFactStore implements FactStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly retrier: Retrier;
  private readonly now: () => Date;
  private readonly sliceSize: number;
  private readonly lock: WriterLock;
  private readonly dailyActualsAsColumns: boolean;
  private readonly commits: UploadCommits;
  private readonly stamps: KpiStamps;
  private readonly grains: GrainRegistry;

  constructor(options: DynamoFactStoreOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
    this.retrier = new Retrier(options);
    this.now = options.now ?? (() => new Date());
    this.sliceSize = Math.max(1, Math.floor(options.sliceSize ?? DEFAULT_SLICE_SIZE));
    this.dailyActualsAsColumns = options.dailyActualsAsColumns ?? false;
    this.lock = new WriterLock({
      doc: this.doc,
      tableName: this.table,
      now: this.now,
      leaseSeconds: options.writerLeaseSeconds,
      waitSeconds: options.writerWaitSeconds,
      sleep: options.sleep,
    });
    this.commits = new UploadCommits(this.doc, this.table, this.retrier);
    this.stamps = new KpiStamps(this.doc, this.table, this.retrier, this.commits);
    this.grains = new GrainRegistry(this.doc, this.table, this.retrier, this.commits);
  }

  async putActuals(
    facts: FactList<ActualFact>,
    source: UploadSource,
    grains: readonly GrainClaim[] = [],
  ): Promise<WriteSummary> {
    const dks = new DimsKeys();
    const fact = factReader(facts);
    const flags = new Uint8Array(facts.length);
    // Ends of buckets this put wrote into whose roll-up is still to rebuild, in input order.
    const ends: number[] = [];
    let endsHead = 0;
    let scanned = 0;
    return this.put('actuals', source, grains, (counter, kpis) => ({
      count: facts.length,
      keyOf: (i) => {
        const f = fact(i);
        const dk = dks.of(f.dims);
        return isDayPeriod(f.period)
          ? keys.dailyActual(f.kpi, dk, f.period)
          : keys.coarseActual(f.kpi, f.period, dk);
      },
      staticOf: (i) => {
        const f = fact(i);
        return { kpi: f.kpi, period: f.period, dims: f.dims, dimsKey: dks.of(f.dims) };
      },
      dataOf: (i) => ({ value: fact(i).value }),
      // A daily fact's partition is its (KPI, dimsKey, month) bucket.
      bucketIdOf: (i, key) => (isDayPeriod(fact(i).period) ? key.pk : undefined),
      onOurs: (i, index, writtenNow) => {
        kpis.add(fact(i).kpi);
        const b = index.bucketOf[i]!;
        if (b >= 0 && writtenNow) flags[b] = 1;
      },
      // A bucket is rebuilt once, after its last fact in this input is written, so a bucket
      // spanning slices is folded from all of them — and before the commit, so the flip shows
      // the roll-up's new days with the facts.
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
          const f = fact(i);
          return this.rebuildRollup(
            { kpi: f.kpi, dk: dks.of(f.dims), month: f.period.slice(0, 7), dims: f.dims },
            counter,
          );
        });
      },
    }));
  }

  async putTargets(
    facts: FactList<TargetFact>,
    source: UploadSource,
    grains: readonly GrainClaim[] = [],
  ): Promise<WriteSummary> {
    const dks = new DimsKeys();
    const fact = factReader(facts);
    return this.put('targets', source, grains, (_counter, kpis) => ({
      count: facts.length,
      keyOf: (i) => {
        const f = fact(i);
        return keys.target(f.version, f.kpi, f.period, dks.of(f.dims));
      },
      staticOf: (i) => {
        const f = fact(i);
        return { version: f.version, kpi: f.kpi, period: f.period, dims: f.dims, dimsKey: dks.of(f.dims) };
      },
      dataOf: (i) => ({ value: fact(i).value }),
      onOurs: (i) => kpis.add(fact(i).kpi),
    }));
  }

  async putMilestones(milestones: readonly Milestone[], source: UploadSource): Promise<WriteSummary> {
    return this.put('milestones', source, [], () => ({
      count: milestones.length,
      keyOf: (i) => keys.milestone(milestones[i]!.id),
      staticOf: () => ({}),
      dataOf: (i) => ({ ...milestones[i]! }),
    }));
  }

  /**
   * One upload's write, holding its kind's writer lock: grain claims (nothing is written when
   * one conflicts), pending writes and roll-ups, stamps marked pending, the commit flip, stamps
   * settled. Every step is idempotent, so a retry after a failure anywhere completes the same
   * upload without doubling anything.
   */
  private async put(
    kind: UploadKind,
    source: UploadSource,
    grains: readonly GrainClaim[],
    writerOf: (counter: RequestCounter, kpis: Set<string>) => SliceWriter,
  ): Promise<WriteSummary> {
    const uploadId = uploadIdOf(source);
    return this.lock.with(kind, uploadId, async () => {
      const counter = { requests: 0 };
      const { conflicts, switches } = await this.grains.claim(grains, source, uploadId, counter);
      if (conflicts.length > 0) return { written: 0, skipped: 0, requests: counter.requests, conflicts };
      const kpis = new Set<string>();
      const writtenAt = this.now().toISOString();
      const { written, skipped } = await this.writeSliced(
        writerOf(counter, kpis),
        source,
        uploadId,
        writtenAt,
        counter,
      );
      for (const s of switches) {
        await this.hideOldGrain(
          s,
          { u: uploadId, data: { deleted: true }, ...sourceAttrs(source, writtenAt) },
          counter,
        );
      }
      await this.stamps.markPending(kpis, uploadId, counter);
      const committedAt = await this.commits.commit(uploadId, writtenAt, counter);
      await this.stamps.settle(kpis, uploadId, committedAt, counter);
      return { written, skipped, requests: counter.requests };
    });
  }

  /**
   * The plan data as of one moment: reads every partition, resolves pending states by their
   * uploads' commits, and keeps the result only if no commit flip happened meanwhile (the
   * commit generation, upload-commits.ts, is the same before and after); otherwise reads
   * again. Uploads commit minutes apart, so a second read is rare and a tenth never needed.
   */
  async loadPlanData(query: PlanDataQuery) {
    let itemsRead = 0;
    for (let attempt = 1; ; attempt++) {
      const counter = { requests: 0 };
      const before = await this.commits.generation(counter);
      const data = await this.readOnce(query, counter);
      itemsRead += data.itemsRead;
      if ((await this.commits.generation(counter)) === before) return { ...data, itemsRead };
      if (attempt >= MAX_SNAPSHOT_ATTEMPTS) throw new UnsettledSnapshotError(attempt);
      await this.retrier.backoff(attempt);
    }
  }

  private async readOnce(query: PlanDataQuery, counter: RequestCounter) {
    const months = monthsBetween(query.start, query.end);
    type Kind = 'rollup' | 'coarse' | 'target' | 'milestone';
    const partitions: { kind: Kind; pk: string; month?: string }[] = [];
    for (const kpi of query.kpis) {
      for (const month of months)
        partitions.push({ kind: 'rollup', pk: keys.rollupPartition(kpi, month), month });
      partitions.push({ kind: 'coarse', pk: keys.coarseActualPartition(kpi) });
      for (const version of query.targetVersions) {
        partitions.push({ kind: 'target', pk: keys.targetPartition(version, kpi) });
      }
    }
    partitions.push({ kind: 'milestone', pk: keys.milestonePartition });

    const actuals: ActualFact[] = [];
    const targets: TargetFact[] = [];
    const milestones: Milestone[] = [];
    const columns = this.dailyActualsAsColumns ? actualColumnsBuilder(query) : undefined;
    const rollups = rollupReader(query, { actuals, columns });
    const out = { actuals, targets, milestones };
    // Commits of the uploads roll-ups are pending on, each looked up once per read (so every
    // item pending on one upload shows it the same way) as the first page naming it arrives.
    const commits = new Map<string, string>();
    const lookups = new Map<string, Promise<void>>();
    const resolve = async (uploads: Set<string>) => {
      const ask = [...uploads].filter((u) => !lookups.has(u));
      if (ask.length > 0) {
        const found = this.commits.committed(ask, counter).then((c) => {
          for (const u of ask) if (c.has(u)) commits.set(u, c.get(u)!);
        });
        for (const u of ask) lookups.set(u, found);
      }
      await Promise.all([...uploads].map((u) => lookups.get(u)));
    };
    let itemsRead = 0;
    const results = await mapBounded(partitions, this.retrier.concurrency, async (p) => {
      const held: Item[] = [];
      const foldNow = columns !== undefined && p.kind === 'rollup';
      await queryPages(
        this.doc,
        this.table,
        p.pk,
        counter,
        async (page) => {
          if (!foldNow) {
            for (const item of page) held.push(item);
            return;
          }
          // With columns, each page is folded in as it arrives, its pending days resolved by
          // their uploads' commits first: the run holds the pages in flight, not partitions,
          // let alone every item of the year (bench/NOTES.md, "Report read path").
          const uploads = pendingUploads(page);
          if (uploads.size > 0) await resolve(uploads);
          for (const item of page) rollups.add(item, p.month!, commits);
          itemsRead += page.length;
        },
        p.kind === 'rollup' ? ROLLUP_READ_ATTRIBUTES : undefined,
      );
      return { ...p, items: held };
    });
    const pending = new Set<string>();
    for (const { items } of results) pendingUploads(items, pending);
    await resolve(pending);

    // The commit items of the uploads the states come from count as read: a few per report.
    itemsRead += lookups.size;
    for (const { kind, month, items } of results) {
      itemsRead += items.length;
      for (const item of items) {
        if (kind === 'rollup') rollups.add(item, month!, commits);
        else this.collect(kind, item, commits, out);
      }
    }
    return { actuals, actualColumns: columns?.build(), targets, milestones, itemsRead };
  }

  private collect(
    kind: 'coarse' | 'target' | 'milestone',
    item: Item,
    commits: Commits,
    out: { actuals: ActualFact[]; targets: TargetFact[]; milestones: Milestone[] },
  ): void {
    const dims = (item.dims ?? {}) as Record<string, string>;
    const data = visibleData(item, commits);
    if (!data) return;
    if (kind === 'coarse') {
      out.actuals.push({
        kpi: String(item.kpi),
        period: String(item.period),
        dims: { ...dims },
        value: Number(data.value),
      });
    } else if (kind === 'target') {
      out.targets.push({
        version: String(item.version),
        kpi: String(item.kpi),
        period: String(item.period),
        dims: { ...dims },
        value: Number(data.value),
      });
    } else out.milestones.push(stripMeta(data) as unknown as Milestone);
  }

  async lastWriteAt(kpis: readonly string[]): Promise<string | null> {
    return this.stamps.latest(kpis);
  }

  /**
   * Newest upload wins, one slice of the input at a time: reads the slice's keys (BatchGetItem,
   * 100 a call) and writes this upload's state as pending where the committed order is older
   * than ours; the same order is a replay and is skipped. Orders compare as strings, so
   * {@link UploadSource.order} must be fixed-width. One key twice in one input: the later row
   * wins (BatchWriteItem rejects duplicate keys), also across slices. Written items that do not
   * fill a batch of 25 are carried into the next slice, so every BatchWriteItem but the last
   * of the put is full.
   */
  private async writeSliced(
    w: SliceWriter,
    source: UploadSource,
    uploadId: string,
    writtenAt: string,
    counter: RequestCounter,
  ): Promise<{ written: number; skipped: number }> {
    const order = source.order;
    const pendSource = sourceAttrs(source, writtenAt);
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
      const stored = new Map<string, Item>();
      for (const s of await batchGet(this.doc, this.table, sliceKeys, this.retrier, counter)) {
        stored.set(`${s.pk}\u0000${s.sk}`, s);
      }
      const commits = await this.commits.committed(pendingUploads(stored.values()), counter);

      const items = carry;
      const from = carryFrom;
      for (let x = 0; x < inputs.length; x++) {
        const i = inputs[x]!;
        const key = sliceKeys[x]!;
        const existing = stored.get(`${key.pk}\u0000${key.sk}`);
        const current = committedOrder(existing, commits);
        if (current === '' || current < order) {
          items.push({
            ...committedState(existing, commits),
            ...key,
            ...w.staticOf(i, key),
            pend: { u: uploadId, data: w.dataOf(i), ...pendSource },
          });
          from.push(i);
          w.onOurs?.(i, index, true);
          written += 1;
        } else if (current === order) w.onOurs?.(i, index, false);
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
   * Writes the old grain's facts of a switched series as pending deletions of this upload (and
   * their roll-ups), so the commit that shows the new grain hides the old one in the same step.
   */
  private async hideOldGrain(s: GrainSwitch, pend: Item, counter: RequestCounter): Promise<void> {
    const old = await oldGrainItems(this.doc, this.table, s, counter);
    const commits = await this.commits.committed(pendingUploads(old), counter);
    const hidden: Item[] = [];
    const buckets = new Map<string, Bucket>();
    for (const item of old) {
      if (!visibleData(item, commits)) continue;
      const { pend: _previous, ...rest } = item;
      hidden.push({ ...rest, ...committedState(item, commits), pend });
      if (s.from === 'day' && s.claim.version === null) {
        const month = String(item.period).slice(0, 7);
        buckets.set(String(item.pk), {
          kpi: s.claim.kpi,
          dk: String(item.dimsKey),
          month,
          dims: s.claim.dims,
        });
      }
    }
    await batchPut(this.doc, this.table, hidden, this.retrier, counter);
    await mapBounded([...buckets.values()], this.retrier.concurrency, (b) => this.rebuildRollup(b, counter));
  }

  /**
   * Folds one (KPI, dimsKey, month) bucket's daily items into its roll-up item: committed days
   * and, apart, days whose writer is not committed yet. Writers of actuals hold the writer lock,
   * so no other rebuild of the bucket runs meanwhile and a plain put is safe.
   */
  private async rebuildRollup(bucket: Bucket, counter: RequestCounter): Promise<void> {
    const facts = await queryAll(
      this.doc,
      this.table,
      keys.dailyActualPartition(bucket.kpi, bucket.dk, bucket.month),
      counter,
    );
    const commits = await this.commits.committed(pendingUploads(facts), counter);
    counter.requests += 1;
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: rollupItem(
          { kpi: bucket.kpi, month: bucket.month, dimsKey: bucket.dk, dims: bucket.dims },
          foldRollup(facts, commits),
          this.now().toISOString(),
        ),
      }),
    );
  }
}

function stripMeta(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!META_ATTRIBUTES.has(k)) out[k] = v;
  return out;
}
