/**
 * In-memory fakes of the ports the report use cases need. The run ledger implements the
 * claim semantics the RunLedger port documents, so tests of exactly-once sending exercise
 * the same rules the DynamoDB adapter enforces with conditional writes.
 */
import type { PlanData } from '../../../shared/domain/types.ts';
import {
  type FactStore,
  type Mailer,
  MailRefusedError,
  ObjectExistsError,
  type ObjectStore,
  type ObjectStream,
  type OutgoingEmail,
  type ReportLinks,
  type RunLedger,
  type RunRecord,
  type StoredObject,
  type UploadLedger,
} from '../../../shared/ports/index.ts';
import { streamOf } from './fakes/memory-ports.ts';

export class MemoryRunLedger implements RunLedger {
  readonly records = new Map<string, RunRecord>();

  private key(reportId: string, asOf: string, scopeKey: string) {
    return `${reportId}|${asOf}|${scopeKey}`;
  }

  async claim(input: Parameters<RunLedger['claim']>[0]) {
    const key = this.key(input.reportId, input.asOf, input.scopeKey);
    const existing = this.records.get(key);
    const leaseOver =
      existing?.status === 'started' &&
      Date.parse(existing.startedAt) + input.leaseSeconds * 1000 <= Date.parse(input.now);
    // As the DynamoDB ledger's condition: a live lease is never taken, not even by force.
    const claimable =
      !existing ||
      leaseOver ||
      (existing.status !== 'started' && (input.force || existing.status === 'failed'));
    if (!claimable) return { claimed: false as const, record: existing };
    const record: RunRecord = {
      reportId: input.reportId,
      asOf: input.asOf,
      scopeKey: input.scopeKey,
      status: 'started',
      attempt: (existing?.attempt ?? 0) + 1,
      startedAt: input.now,
      finishedAt: null,
      archiveKey: null,
      messageId: null,
      reason: null,
    };
    this.records.set(key, record);
    return { claimed: true as const, record };
  }

  async finish(input: Parameters<RunLedger['finish']>[0]) {
    const key = this.key(input.reportId, input.asOf, input.scopeKey);
    const existing = this.records.get(key);
    if (!existing || existing.attempt !== input.attempt)
      throw new Error(`attempt ${input.attempt} does not own ${key}`);
    this.records.set(key, {
      ...existing,
      status: input.status,
      finishedAt: input.now,
      archiveKey: input.archiveKey ?? null,
      messageId: input.messageId ?? null,
      reason: input.reason ?? null,
    });
  }

  async list(reportId?: string) {
    return [...this.records.values()].filter((record) => !reportId || record.reportId === reportId);
  }

  async lastSent(reportId: string, scopeKey: string, onOrBefore?: string) {
    const sent = [...this.records.values()]
      .filter((r) => r.reportId === reportId && r.scopeKey === scopeKey && r.status === 'sent')
      .filter((r) => onOrBefore === undefined || r.asOf <= onOrBefore)
      .sort((a, b) => a.asOf.localeCompare(b.asOf));
    return sent.at(-1) ?? null;
  }
}

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  failPuts = false;

  async get(bucket: string, key: string, _versionId?: string | null) {
    const object = this.objects.get(`${bucket}/${key}`);
    if (!object) throw new Error(`no object ${bucket}/${key}`);
    return object;
  }

  /** Bytes per chunk `open` yields (small, so tests cross chunk boundaries). */
  chunkBytes = 4096;

  async open(bucket: string, key: string): Promise<ObjectStream> {
    return streamOf(await this.get(bucket, key), this.chunkBytes);
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean },
  ) {
    if (this.failPuts) throw new Error('S3 is unavailable (simulated)');
    if (options?.ifNoneMatch && this.objects.has(`${bucket}/${key}`)) throw new ObjectExistsError(key);
    this.objects.set(`${bucket}/${key}`, {
      body,
      metadata: options?.metadata ?? {},
      versionId: null,
      lastModified: null,
      contentType: options?.contentType ?? null,
    });
  }

  async copyVersion(bucket: string, key: string, _versionId: string | null, toKey: string) {
    this.objects.set(`${bucket}/${toKey}`, await this.get(bucket, key));
  }

  async deleteVersion(bucket: string, key: string) {
    this.objects.delete(`${bucket}/${key}`);
  }

  readonly presigned: { bucket: string; key: string; seconds: number }[] = [];

  /** Like S3 with static credentials: at most the 7 days SigV4 allows, from a fixed signing time. */
  async presign(bucket: string, key: string, seconds: number) {
    this.presigned.push({ bucket, key, seconds });
    const lifetime = Math.min(seconds, 7 * 24 * 3600);
    return {
      url: `https://${bucket}.s3.example/${key}?X-Amz-Expires=${lifetime}`,
      expiresAt: new Date(Date.UTC(2026, 10, 23, 12) + lifetime * 1000).toISOString(),
    };
  }
}

/** {@link ReportLinks} that records each link and states an expiry of its own choosing. */
export class RecordingReportLinks implements ReportLinks {
  readonly linked: { bucket: string; key: string; seconds: number }[] = [];

  async linkTo(bucket: string, key: string, seconds: number) {
    this.linked.push({ bucket, key, seconds });
    return {
      url: `https://links.example/?t=${encodeURIComponent(key)}`,
      expiresAt: new Date(Date.parse('2026-11-23T01:00:05Z') + seconds * 1000).toISOString(),
    };
  }
}

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  /** Fail this many sends before succeeding. */
  failures = 0;

  async send(email: OutgoingEmail) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new MailRefusedError('SES throttled the send (simulated)', false);
    }
    this.sent.push(email);
    return { messageId: `msg-${this.sent.length}` };
  }
}

export function staticFactStore(
  data: PlanData,
  lastWrite: string | null = '2026-11-22T16:00:00.000Z',
): FactStore {
  return {
    putActuals: async () => ({ written: 0, skipped: 0, requests: 0 }),
    putTargets: async () => ({ written: 0, skipped: 0, requests: 0 }),
    putMilestones: async () => ({ written: 0, skipped: 0, requests: 0 }),
    loadPlanData: async () => ({ ...data, itemsRead: data.actuals.length + data.targets.length }),
    lastWriteAt: async () => lastWrite,
  };
}

export const emptyUploadLedger: UploadLedger = {
  begin: async () => ({ claimed: true, reason: 'new' }),
  finish: async () => {},
  rejectedSince: async () => [],
  list: async () => [],
};
