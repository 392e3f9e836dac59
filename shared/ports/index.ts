/**
 * Ports: what the use cases (shared/app) need from the outside world. Adapters in
 * shared/adapters implement them over DynamoDB, S3 and SES; tests use in-memory fakes.
 */
import type { ActualFact, LocalDate, Milestone, PlanData, TargetFact } from '../domain/types.ts';

/** Identifies the upload a batch of facts came from; orders competing writes of one fact key. */
export interface UploadSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  /**
   * Orders uploads: a fact written by a source with a larger `order` replaces one written by
   * a smaller one, never the reverse. Built from the object's last-modified time and the S3
   * event sequencer so that a late, older delivery loses.
   */
  readonly order: string;
  readonly uploadedBy: string | null;
}

/**
 * The grain a series of this upload uses (spec §3: one `(version, KPI, dimension values,
 * fiscal year)` uses one grain, across uploads too). `version` is null for actuals.
 */
export interface GrainClaim {
  readonly version: string | null;
  readonly kpi: string;
  readonly dims: Readonly<Record<string, string>>;
  readonly fiscalYear: string;
  /** The fiscal year's first and last day. */
  readonly yearStart: LocalDate;
  readonly yearEnd: LocalDate;
  /** `day`, `week`, `month`, `quarter` or `year`. */
  readonly grain: string;
}

/** A claim refused: another upload's committed facts hold the series in another grain. */
export interface GrainConflict {
  readonly claim: GrainClaim;
  readonly held: {
    readonly grain: string;
    readonly bucket: string;
    readonly key: string;
    readonly versionId: string | null;
  };
}

export interface WriteSummary {
  /** Facts written (new or replacing an older upload's value). */
  readonly written: number;
  /** Facts left alone because a newer upload already holds the key (or the same one did). */
  readonly skipped: number;
  /** DynamoDB requests made (for the benchmark and logs). */
  readonly requests: number;
  /** Set when a grain claim conflicts: then nothing of the upload was written. */
  readonly conflicts?: readonly GrainConflict[];
}

export interface PlanDataQuery {
  readonly kpis: readonly string[];
  /** Inclusive local-date range the report needs facts for (usually the whole fiscal year). */
  readonly start: LocalDate;
  readonly end: LocalDate;
  readonly targetVersions: readonly string[];
}

/**
 * Facts read by position. An ingest keeps a big upload's facts as compact columns and makes
 * each fact object only when the store reaches it (shared/files/ingest/fact-table.ts), so a
 * put takes this rather than an array; a plain array is one too.
 */
export interface FactList<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/**
 * Where targets, actuals and milestones live. Each put is all or nothing for readers: none of
 * an upload's facts is visible before all of them are, also when the put fails half-way; a
 * retry of the same upload completes it. Per fact key the upload with the larger order wins,
 * whatever order the puts run in. Given grain claims, a put writes nothing and returns the
 * conflicts when another upload holds one of the series in another grain.
 */
export interface FactStore {
  putActuals(
    facts: FactList<ActualFact>,
    source: UploadSource,
    grains?: readonly GrainClaim[],
  ): Promise<WriteSummary>;
  putTargets(
    facts: FactList<TargetFact>,
    source: UploadSource,
    grains?: readonly GrainClaim[],
  ): Promise<WriteSummary>;
  putMilestones(milestones: readonly Milestone[], source: UploadSource): Promise<WriteSummary>;
  /** Everything a report over the query's range needs, read through monthly roll-ups. */
  loadPlanData(query: PlanDataQuery): Promise<PlanData & { readonly itemsRead: number }>;
  /**
   * Latest time facts of these KPIs became visible (ISO instant: the commit time of the newest
   * upload holding any), for "no new data" checks; never earlier than data a reader can see.
   */
  lastWriteAt(kpis: readonly string[]): Promise<string | null>;
}

export interface StoredObject {
  readonly body: Uint8Array;
  readonly metadata: Readonly<Record<string, string>>;
  readonly versionId: string | null;
  readonly lastModified: string | null;
  readonly contentType: string | null;
}

/**
 * An object read as a stream of byte chunks, for files too big to hold whole. `chunks()` may
 * be called again for another pass: every pass reads the very version the first one did.
 */
export interface ObjectStream {
  readonly metadata: Readonly<Record<string, string>>;
  readonly versionId: string | null;
  /** Size in bytes, when the store says. */
  readonly size: number | null;
  chunks(): AsyncIterable<Uint8Array>;
}

export interface ObjectStore {
  get(bucket: string, key: string, versionId?: string | null): Promise<StoredObject>;
  /** Opens `key` for streamed reads (ingest reads uploads this way, in bounded memory). */
  open(bucket: string, key: string, versionId?: string | null): Promise<ObjectStream>;
  /** Fails with {@link ObjectExistsError} when `ifNoneMatch` is set and the key exists. */
  put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean },
  ): Promise<void>;
  /**
   * Copies exactly one version of `key` to `toKey` in the same bucket (metadata kept, tags
   * replaced by `tags`). `versionId` null = the current object (unversioned buckets).
   */
  copyVersion(
    bucket: string,
    key: string,
    versionId: string | null,
    toKey: string,
    tags: Record<string, string>,
  ): Promise<void>;
  /**
   * Deletes exactly one version of `key` for good (no delete marker), so a newer version
   * uploaded meanwhile is left alone; deleting a version that is already gone succeeds.
   * `versionId` null = the current object (unversioned buckets).
   */
  deleteVersion(bucket: string, key: string, versionId: string | null): Promise<void>;
  /**
   * A time-limited GET link; `expiresAt` is the latest time it is known to work (never later
   * than the signing credentials are known to live).
   */
  presign(bucket: string, key: string, seconds: number): Promise<{ url: string; expiresAt: string }>;
}

/**
 * Links to archived reports whose stated expiry is real: each link keeps working until
 * `expiresAt` (and not a moment less), whatever signs the download behind it. In AWS each
 * open of the link hands out a fresh short-lived download, so the link outlives any
 * credentials; where no implementation is wired (the local runtime), run-report falls back to
 * {@link ObjectStore.presign}.
 */
export interface ReportLinks {
  linkTo(bucket: string, key: string, seconds: number): Promise<{ url: string; expiresAt: string }>;
}

/**
 * A secret key that authenticates short messages (an HMAC). The secret never leaves the key
 * store (KMS in AWS): callers only ask for a MAC and whether a MAC is right.
 */
export interface MacKey {
  mac(message: Uint8Array): Promise<Uint8Array>;
  /** True when `mac` was made by this key over exactly `message`; false for any other MAC. */
  verify(message: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

/**
 * The key can no longer make or check MACs at all — disabled, scheduled for deletion or
 * deleted — as opposed to being briefly unreachable. Every MAC it made is dead: a link signed
 * with it can never be verified again (until an operator re-enables the key).
 */
export class MacKeyUnusableError extends Error {
  constructor(
    readonly keyId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the MAC key ${keyId} cannot be used (${reason}): enable it again, or sign new links with another key`,
      options,
    );
    this.name = 'MacKeyUnusableError';
  }
}

export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`s3 object ${key} already exists and is never overwritten`);
    this.name = 'ObjectExistsError';
  }
}

export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly replyTo?: string;
  /** A complete RFC 5322 message (headers, HTML, text, attachments). */
  readonly raw: Uint8Array;
}

/**
 * Sends a raw MIME message. Resolves with the provider's message id once it accepted the
 * message; throws {@link MailRefusedError} when the provider answered that it did not accept
 * it (nothing was sent); any other error means the outcome is unknown (e.g. the reply was lost)
 * and the message may have been sent.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The mail provider answered and did not accept the message: nothing was sent. */
export class MailRefusedError extends Error {
  constructor(
    message: string,
    /**
     * True when sending the same message again cannot succeed (an address refused, a sender
     * not verified); false for a pause worth retrying (throttling).
     */
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailRefusedError';
  }
}

/** The mark {@link MailLedger} keeps for one email: sending (outcome unknown) or sent. */
export interface MailMark {
  readonly state: 'sending' | 'sent';
  readonly messageId: string | null;
  /** When the mark was last written (ISO instant). */
  readonly at: string;
}

/**
 * Exactly-once guard for emails: an intent is recorded (one conditional write) before an email
 * is handed to the provider, and `sent` after it accepted. An email whose intent exists is
 * never handed over again, unless its last attempt is known to have failed (refused).
 */
export interface MailLedger {
  /** Records the intent to send `id`; `claimed: false` with the mark found when one exists. */
  reserve(id: string, now: string): Promise<{ claimed: true } | { claimed: false; mark: MailMark }>;
  markSent(id: string, messageId: string, now: string): Promise<void>;
  /** The provider refused the email: nothing went out, a later attempt may send it. */
  release(id: string, reason: string, now: string): Promise<void>;
}

export type RunStatus = 'started' | 'sent' | 'skipped' | 'failed';

export interface RunRecord {
  readonly reportId: string;
  readonly asOf: LocalDate;
  readonly scopeKey: string;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly archiveKey: string | null;
  readonly messageId: string | null;
  readonly reason: string | null;
}

/** Exactly-once guard and history for report runs: one record per (reportId, asOf, scope). */
export interface RunLedger {
  /**
   * Claims a run. Returns `claimed: false` with the existing record when the run is already
   * `sent`/`skipped`, or `started` less than `leaseSeconds` ago (another worker has it).
   * A `failed` run, or a `started` one whose lease ran out (a crash), is claimed again.
   * `force` claims even a sent run (a deliberate resend).
   */
  claim(input: {
    reportId: string;
    asOf: LocalDate;
    scopeKey: string;
    now: string;
    leaseSeconds: number;
    force: boolean;
  }): Promise<{ claimed: true; record: RunRecord } | { claimed: false; record: RunRecord }>;
  finish(input: {
    reportId: string;
    asOf: LocalDate;
    scopeKey: string;
    attempt: number;
    status: Exclude<RunStatus, 'started'>;
    now: string;
    archiveKey?: string | null;
    messageId?: string | null;
    reason?: string | null;
  }): Promise<void>;
  list(reportId?: string): Promise<readonly RunRecord[]>;
  /**
   * The `sent` run of a report and scope with the latest asOf on or before `onOrBefore` (the
   * run this one follows, for "no new data" checks); the latest of all without it.
   */
  lastSent(reportId: string, scopeKey: string, onOrBefore?: LocalDate): Promise<RunRecord | null>;
}

export type UploadKind = 'actuals' | 'targets' | 'milestones';
export type UploadStatus = 'processing' | 'accepted' | 'rejected' | 'skipped_older';

export interface UploadRecord {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly order: string;
  readonly kind: UploadKind;
  readonly status: UploadStatus;
  readonly rows: number;
  readonly errors: number;
  readonly checksum: string | null;
  readonly uploadedBy: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly errorKey: string | null;
}

/** Upload history, and the per-key ordering guard against late, older S3 events. */
export interface UploadLedger {
  /**
   * Claims processing of one object version. `claimed: false` when this version was already
   * processed (replay) or a newer version of the key has been processed (late, older event).
   */
  begin(record: UploadRecord): Promise<{ claimed: boolean; reason: 'new' | 'replay' | 'older' }>;
  finish(record: UploadRecord): Promise<void>;
  /** Rejected uploads finished at or after `since` (ISO instant), for the data-quality sheet. */
  rejectedSince(since: string): Promise<readonly UploadRecord[]>;
  list(limit?: number): Promise<readonly UploadRecord[]>;
}

/** The clock, injected so use cases stay deterministic in tests. */
export interface Clock {
  now(): Date;
}

/** One unit of report work: a report for one asOf and one recipient scope. */
export interface ReportJob {
  readonly reportId: string;
  readonly asOf: LocalDate;
  /** `all`, or e.g. `category=pets` (see shared/config report scopes). */
  readonly scopeKey: string;
  /** Send again even when the ledger says sent (a deliberate resend). */
  readonly force: boolean;
  /**
   * Identifies one forced resend request, so that a duplicate delivery of it sends nothing
   * more while a new request sends again. Absent for scheduled runs.
   */
  readonly requestId?: string;
}

/** Fans a scheduled report out into independent, retryable jobs (SQS in AWS, in-process locally). */
export interface ReportJobQueue {
  enqueue(jobs: readonly ReportJob[]): Promise<void>;
}
