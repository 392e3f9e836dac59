/**
 * General in-memory fakes of the ports, following the semantics the ports document (and the
 * DynamoDB/S3 adapters enforce): newest upload wins per fact key, the upload ledger claims a
 * version once and skips older ones, objects are versioned. Any use-case test may use them.
 */
import type { ActualFact, Milestone, PlanData, TargetFact } from '../../../../shared/domain/types.ts';
import {
  type Clock,
  type FactList,
  type FactStore,
  type Mailer,
  type MailLedger,
  type MailMark,
  ObjectExistsError,
  type ObjectStore,
  type ObjectStream,
  type OutgoingEmail,
  type PlanDataQuery,
  type StoredObject,
  type UploadLedger,
  type UploadRecord,
  type UploadSource,
  type WriteSummary,
} from '../../../../shared/ports/index.ts';

const dimsKey = (dims: Readonly<Record<string, string>> | undefined) =>
  Object.entries(dims ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

interface Stored<T> {
  readonly value: T;
  readonly source: UploadSource;
}

/** FactStore: one value per fact key; a write with a larger `order` replaces, never the reverse. */
export class MemoryFactStore implements FactStore {
  readonly actuals = new Map<string, Stored<ActualFact>>();
  readonly targets = new Map<string, Stored<TargetFact>>();
  readonly milestones = new Map<string, Stored<Milestone>>();
  /** Every put call, in order. */
  readonly calls: { kind: 'actuals' | 'targets' | 'milestones'; count: number; source: UploadSource }[] = [];
  /** Make the next put fail (e.g. DynamoDB unavailable). */
  failNextPut = false;
  lastWrite: string | null = null;

  private put<T>(
    map: Map<string, Stored<T>>,
    items: FactList<T>,
    key: (t: T) => string,
    source: UploadSource,
  ) {
    let written = 0;
    let skipped = 0;
    for (let i = 0; i < items.length; i++) {
      const value = items.at(i)!;
      const k = key(value);
      const existing = map.get(k);
      if (existing && existing.source.order >= source.order) {
        skipped++;
        continue;
      }
      map.set(k, { value, source });
      written++;
    }
    return { written, skipped, requests: Math.ceil(items.length / 25) } satisfies WriteSummary;
  }

  private check(kind: 'actuals' | 'targets' | 'milestones', count: number, source: UploadSource) {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw new Error('DynamoDB is unavailable (simulated)');
    }
    this.calls.push({ kind, count, source });
    this.lastWrite = new Date().toISOString();
  }

  async putActuals(facts: FactList<ActualFact>, source: UploadSource) {
    this.check('actuals', facts.length, source);
    return this.put(this.actuals, facts, (f) => `${f.kpi}|${f.period}|${dimsKey(f.dims)}`, source);
  }

  async putTargets(facts: FactList<TargetFact>, source: UploadSource) {
    this.check('targets', facts.length, source);
    return this.put(
      this.targets,
      facts,
      (f) => `${f.version}|${f.kpi}|${f.period}|${dimsKey(f.dims)}`,
      source,
    );
  }

  async putMilestones(milestones: readonly Milestone[], source: UploadSource) {
    this.check('milestones', milestones.length, source);
    return this.put(this.milestones, milestones, (m) => m.id, source);
  }

  async loadPlanData(query: PlanDataQuery): Promise<PlanData & { itemsRead: number }> {
    const kpis = new Set(query.kpis);
    const actuals = [...this.actuals.values()].map((s) => s.value).filter((f) => kpis.has(f.kpi));
    const targets = [...this.targets.values()]
      .map((s) => s.value)
      .filter((f) => kpis.has(f.kpi) && query.targetVersions.includes(f.version));
    const milestones = [...this.milestones.values()].map((s) => s.value);
    return { actuals, targets, milestones, itemsRead: actuals.length + targets.length + milestones.length };
  }

  async lastWriteAt() {
    return this.lastWrite;
  }
}

/** ObjectStore with versions, tags and a log of puts. */
/** A stored object as `ObjectStore.open` hands it out: its body in chunks of `chunkBytes`. */
export function streamOf(object: StoredObject, chunkBytes: number): ObjectStream {
  const { body, metadata, versionId } = object;
  return {
    metadata,
    versionId,
    size: body.length,
    async *chunks() {
      for (let at = 0; at < body.length; at += chunkBytes) yield body.subarray(at, at + chunkBytes);
    },
  };
}

export class MemoryObjectStore implements ObjectStore {
  private readonly versions = new Map<string, (StoredObject & { tags: Record<string, string> })[]>();
  private nextVersion = 1;

  /** Adds an object (as an uploader would) and returns its version id. */
  upload(
    bucket: string,
    key: string,
    body: Uint8Array,
    metadata: Record<string, string> = {},
    lastModified = '2026-11-23T01:00:00.000Z',
  ): string {
    const versionId = `v${this.nextVersion++}`;
    const list = this.versions.get(`${bucket}/${key}`) ?? [];
    list.push({ body, metadata, versionId, lastModified, contentType: null, tags: {} });
    this.versions.set(`${bucket}/${key}`, list);
    return versionId;
  }

  private find(bucket: string, key: string, versionId?: string | null) {
    const list = this.versions.get(`${bucket}/${key}`);
    const found = versionId ? list?.find((v) => v.versionId === versionId) : list?.at(-1);
    if (!found) throw new Error(`NoSuchKey: ${bucket}/${key}${versionId ? ` (${versionId})` : ''}`);
    return found;
  }

  has(bucket: string, key: string): boolean {
    return this.versions.has(`${bucket}/${key}`);
  }

  keys(): string[] {
    return [...this.versions.keys()];
  }

  tagsOf(bucket: string, key: string, versionId?: string | null): Record<string, string> {
    return this.find(bucket, key, versionId).tags;
  }

  async get(bucket: string, key: string, versionId?: string | null): Promise<StoredObject> {
    const { tags: _tags, ...object } = this.find(bucket, key, versionId);
    return object;
  }

  /** Bytes per chunk `open` yields (small, so tests cross chunk boundaries). */
  chunkBytes = 4096;

  async open(bucket: string, key: string, versionId?: string | null): Promise<ObjectStream> {
    return streamOf(this.find(bucket, key, versionId), this.chunkBytes);
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean } = {},
  ) {
    if (options.ifNoneMatch && this.has(bucket, key)) throw new ObjectExistsError(key);
    const versionId = this.upload(bucket, key, body, options.metadata ?? {});
    const list = this.versions.get(`${bucket}/${key}`)!;
    list[list.length - 1] = { ...list.at(-1)!, versionId, contentType: options.contentType ?? null };
  }

  /** Like S3: a copy of exactly that version, metadata kept, tags replaced. */
  async copyVersion(
    bucket: string,
    key: string,
    versionId: string | null,
    toKey: string,
    tags: Record<string, string>,
  ) {
    const from = this.find(bucket, key, versionId);
    const copyVersion = this.upload(
      bucket,
      toKey,
      from.body,
      { ...from.metadata },
      from.lastModified ?? undefined,
    );
    const copy = this.find(bucket, toKey, copyVersion);
    Object.assign(copy, { contentType: from.contentType, tags: { ...tags } });
  }

  /** Like S3: that version is gone for good; a version already gone is no error. */
  async deleteVersion(bucket: string, key: string, versionId: string | null) {
    const list = this.versions.get(`${bucket}/${key}`);
    const found = list && (versionId ? list.find((v) => v.versionId === versionId) : list.at(-1));
    if (!list || !found) return;
    list.splice(list.indexOf(found), 1);
    if (list.length === 0) this.versions.delete(`${bucket}/${key}`);
  }

  async presign(bucket: string, key: string, seconds: number) {
    return {
      url: `https://${bucket}.s3.example/${encodeURI(key)}?X-Amz-Expires=${seconds}`,
      expiresAt: new Date(Date.UTC(2026, 10, 23, 12) + seconds * 1000).toISOString(),
    };
  }
}

/**
 * UploadLedger with the documented claim rules: a key's newest claimed `order` wins; the same
 * order again is a replay once finished, an error while another worker's lease runs, and is
 * claimed again after the lease ran out (a crash).
 */
export class MemoryUploadLedger implements UploadLedger {
  readonly heads = new Map<string, { order: string; status: UploadRecord['status']; claimedAt: number }>();
  readonly history: UploadRecord[] = [];

  constructor(private readonly leaseMs = 15 * 60 * 1000) {}

  async begin(record: UploadRecord) {
    const id = `${record.bucket}/${record.key}`;
    const head = this.heads.get(id);
    const now = Date.parse(record.startedAt);
    if (head) {
      if (record.order < head.order) return { claimed: false, reason: 'older' as const };
      if (record.order === head.order) {
        if (head.status !== 'processing') return { claimed: false, reason: 'replay' as const };
        // Like the DynamoDB adapter: another worker (or a crashed one) holds the lease.
        if (now - head.claimedAt < this.leaseMs) {
          throw new Error(`${id} is already being processed; retry the message later`);
        }
      }
    }
    this.heads.set(id, { order: record.order, status: 'processing', claimedAt: now });
    return { claimed: true, reason: 'new' as const };
  }

  async finish(record: UploadRecord) {
    const id = `${record.bucket}/${record.key}`;
    const head = this.heads.get(id);
    if (head && head.order === record.order) this.heads.set(id, { ...head, status: record.status });
    this.history.push(record);
  }

  async rejectedSince(since: string) {
    return this.history.filter((r) => r.status === 'rejected' && (r.finishedAt ?? '') >= since);
  }

  async list(limit = 100) {
    return [...this.history].reverse().slice(0, limit);
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
    return { messageId: `msg-${this.sent.length}` };
  }
}

export class FixedClock implements Clock {
  constructor(public current = new Date('2026-11-23T02:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
}

/** MailLedger with the adapter's rules: a mark is claimed when absent or after a refusal. */
export class MemoryMailLedger implements MailLedger {
  readonly marks = new Map<string, MailMark & { refused?: string }>();
  async reserve(id: string, now: string) {
    const mark = this.marks.get(id);
    if (mark && mark.refused === undefined) return { claimed: false as const, mark };
    this.marks.set(id, { state: 'sending', messageId: null, at: now });
    return { claimed: true as const };
  }
  async markSent(id: string, messageId: string, now: string) {
    this.marks.set(id, { state: 'sent', messageId, at: now });
  }
  async release(id: string, reason: string, now: string) {
    const mark = this.marks.get(id);
    if (mark?.state === 'sending') this.marks.set(id, { ...mark, at: now, refused: reason });
  }
}
