/**
 * ingestUpload: one uploaded object becomes validated facts, or is rejected whole with an
 * error workbook and an email to its uploader. Idempotent and order-safe: the upload ledger
 * claims each object version once, and a late event for an older version is skipped.
 */
import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PlanConfig } from '../config/schema.ts';
import { type IngestResult, parseUpload } from '../files/ingest/parse-upload.ts';
import type {
  Clock,
  FactStore,
  Mailer,
  MailLedger,
  ObjectStore,
  UploadKind,
  UploadLedger,
  UploadRecord,
  UploadSource,
} from '../ports/index.ts';
import { checksummed } from './checksummed-source.ts';
import { copyToFiled, removeFromIncoming, removeReplayedFromIncoming } from './file-upload.ts';
import { grainClaims, grainConflictMessage, mixedGrainMessage } from './grain-claims.ts';
import { type RejectionNotice, rejectUpload } from './reject-upload.ts';

/** The logging the use case needs (Powertools Logger fits). */
export interface IngestLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface IngestDeps {
  readonly config: PlanConfig;
  readonly objects: ObjectStore;
  readonly facts: FactStore;
  readonly uploads: UploadLedger;
  readonly mailer: Mailer;
  /** Marks each rejection email so a redelivery never sends it twice. */
  readonly mails: MailLedger;
  readonly clock: Clock;
  readonly logger?: IngestLogger;
  /** Where `rejected/…` workbooks go; defaults to the uploaded object's own bucket. */
  readonly uploadsBucket?: string;
}

/** An object-created event, with its key already URL-decoded. */
export interface UploadedObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  /** S3's per-key hexadecimal event sequencer. */
  readonly sequencer: string | null;
  /** ISO instant S3 finished the PUT. */
  readonly eventTime: string;
  readonly size: number;
}

export type IngestOutcome =
  | { readonly status: 'ignored'; readonly key: string; readonly reason: string }
  | { readonly status: 'replay' | 'skipped_older'; readonly key: string; readonly kind: UploadKind }
  | {
      readonly status: 'accepted';
      readonly key: string;
      readonly kind: UploadKind;
      readonly rows: number;
      readonly written: number;
      readonly skipped: number;
    }
  | {
      readonly status: 'rejected';
      readonly key: string;
      readonly kind: UploadKind;
      readonly rows: number;
      readonly errors: number;
      readonly errorKey: string;
      /** Who got the rejection email ('' when nobody could be reached). */
      readonly notified: string;
      readonly notice: RejectionNotice;
    };

const ROUTE = /^incoming\/(actuals|targets|milestones)\/(.+)$/;
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const quiet: IngestLogger = { info() {}, warn() {}, error() {} };

/** The upload kind a key is routed to, or `null` (not under incoming/<kind>/). */
export function routeUploadKey(key: string): UploadKind | null {
  const match = ROUTE.exec(key);
  if (!match || key.endsWith('/')) return null;
  return match[1] as UploadKind;
}

/**
 * Sort key of an upload: event time (ms, 15 digits) then the S3 sequencer (hex, left-padded
 * to 32), so plain string order is time order and a redelivered event gets the same key.
 */
export function uploadOrder(eventTime: string, sequencer: string | null): string {
  const ms = Date.parse(eventTime);
  const time = String(Number.isFinite(ms) ? ms : 0).padStart(15, '0');
  return `${time}#${(sequencer ?? '').toUpperCase().padStart(32, '0')}`;
}

/** S3 event keys are form-encoded: `+` is a space, the rest percent-encoded UTF-8. */
export function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key; // not encoded (e.g. a local emulator); use it as it is
  }
}

/** Ingests one uploaded object. Throws only for infrastructure failures (to be retried). */
export async function ingestUpload(deps: IngestDeps, object: UploadedObject): Promise<IngestOutcome> {
  const log = deps.logger ?? quiet;
  const { config } = deps;
  const kind = routeUploadKey(object.key);
  if (!kind) {
    log.info('ignored object outside incoming/<actuals|targets|milestones>/', { key: object.key });
    return { status: 'ignored', key: object.key, reason: 'not under incoming/actuals|targets|milestones/' };
  }
  const order = uploadOrder(object.eventTime, object.sequencer);
  const startedAt = deps.clock.now().toISOString();
  const base: UploadRecord = {
    bucket: object.bucket,
    key: object.key,
    versionId: object.versionId,
    order,
    kind,
    status: 'processing',
    rows: 0,
    errors: 0,
    checksum: null,
    uploadedBy: null,
    startedAt,
    finishedAt: null,
    errorKey: null,
  };
  const claim = await deps.uploads.begin(base);
  if (!claim.claimed) {
    const status = claim.reason === 'older' ? 'skipped_older' : 'replay';
    log.info(`upload ${status === 'replay' ? 'already processed' : 'older than one already processed'}`, {
      key: object.key,
      versionId: object.versionId,
      order,
    });
    if (status === 'replay') await removeReplayedFromIncoming({ objects: deps.objects, logger: log }, object);
    return { status, key: object.key, kind };
  }

  if (object.size > config.ingest.maxFileBytes) {
    const mb = (n: number) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
    const message = `The file is ${mb(object.size)}, larger than the ${mb(config.ingest.maxFileBytes)} one upload may be. Split it into smaller files (e.g. one per month) and upload them one by one. 文件超过大小上限，请拆分后上传。`;
    const result: IngestResult = {
      ok: false,
      kind,
      rows: 0,
      file: { format: 'unknown' },
      errors: [{ row: 0, column: '', value: '', message, code: 'too_large' }],
      errorCount: 1,
      errorCounts: { too_large: 1 },
      fatal: message,
    };
    return rejectUpload(deps, object, base, result, null, null);
  }

  // Streamed: a CSV is validated chunk by chunk and never held whole (issue 16).
  const stream = await deps.objects.open(object.bucket, object.key, object.versionId);
  const source = checksummed(stream);
  const uploader = uploaderOf(stream.metadata);
  const began = Date.now();
  const result = await parseUpload({ config, kind, body: source });
  log.info('upload parsed', {
    key: object.key,
    kind,
    ok: result.ok,
    rows: result.rows,
    file: result.file,
    ms: Date.now() - began,
  });
  // A rejection lists the failing rows in its workbook, so it reads the file whole (and hashes
  // it there when parsing stopped before the end).
  const wholeBody = async () =>
    (await deps.objects.get(object.bucket, object.key, stream.versionId ?? object.versionId)).body;
  if (!result.ok) {
    const body = await wholeBody();
    const checksum = source.checksum() ?? createHash('sha256').update(body).digest('hex');
    return rejectUpload(deps, object, { ...base, checksum, uploadedBy: uploader }, result, body, uploader);
  }
  const record: UploadRecord = { ...base, checksum: source.checksum(), uploadedBy: uploader };

  const uploadSource: UploadSource = {
    bucket: object.bucket,
    key: object.key,
    versionId: object.versionId,
    order,
    uploadedBy: uploader,
  };
  const series =
    result.kind === 'milestones'
      ? null
      : grainClaims(
          result.kind === 'actuals' ? result.actuals : result.targets,
          config.calendar.fiscalYearStartMonth,
        );
  if (series && series.mixed.length > 0) {
    return rejectUpload(
      deps,
      object,
      record,
      uploadLevelErrors(result, series.mixed.map(mixedGrainMessage)),
      await wholeBody(),
      uploader,
    );
  }
  const summary =
    result.kind === 'actuals'
      ? await deps.facts.putActuals(result.actuals, uploadSource, series?.claims)
      : result.kind === 'targets'
        ? await deps.facts.putTargets(result.targets, uploadSource, series?.claims)
        : await deps.facts.putMilestones(result.milestones, uploadSource);
  if (summary.conflicts && summary.conflicts.length > 0) {
    const messages = summary.conflicts.map((c) => grainConflictMessage(c));
    return rejectUpload(
      deps,
      object,
      record,
      uploadLevelErrors(result, messages),
      await wholeBody(),
      uploader,
    );
  }
  await copyToFiled({ objects: deps.objects, logger: log }, object, 'accepted');
  await deps.uploads.finish({
    ...record,
    status: 'accepted',
    rows: result.rows,
    finishedAt: deps.clock.now().toISOString(),
  });
  await removeFromIncoming(deps, object);
  log.info('upload accepted', { key: object.key, kind, rows: result.rows, ...summary });
  return {
    status: 'accepted',
    key: object.key,
    kind,
    rows: result.rows,
    written: summary.written,
    skipped: summary.skipped,
  };
}

/** A parsed file refused as a whole (not for one row): one upload-level error per message. */
function uploadLevelErrors(
  parsed: Extract<IngestResult, { ok: true }>,
  messages: readonly string[],
): Extract<IngestResult, { ok: false }> {
  return {
    ok: false,
    kind: parsed.kind,
    rows: parsed.rows,
    file: parsed.file,
    errors: messages.map((message) => ({ row: 0, column: '', value: '', message, code: 'grain_conflict' })),
    errorCount: messages.length,
    errorCounts: { grain_conflict: messages.length },
  };
}

/** The uploader's address from the object metadata, if it looks like an address. */
function uploaderOf(metadata: Readonly<Record<string, string>>): string | null {
  const raw = (metadata['uploader-email'] ?? metadata['x-amz-meta-uploader-email'] ?? '').trim();
  if (!EMAIL.test(raw)) return null;
  return raw;
}

/** One SQS message's S3 object-created events (an empty list for the S3 test event). */
export function parseS3EventsFromSqs(event: SQSEvent): {
  messageId: string;
  objects: UploadedObject[];
  error?: string;
}[] {
  return event.Records.map((record) => {
    try {
      return { messageId: record.messageId, objects: parseS3Body(record.body) };
    } catch (error) {
      return { messageId: record.messageId, objects: [], error: (error as Error).message };
    }
  });
}

interface S3RecordLike {
  eventName?: string;
  eventTime?: string;
  s3?: {
    bucket?: { name?: string };
    object?: { key?: string; size?: number; versionId?: string; sequencer?: string };
  };
}

function parseS3Body(body: string): UploadedObject[] {
  let parsed = JSON.parse(body) as {
    Event?: string;
    Records?: S3RecordLike[];
    Type?: string;
    Message?: string;
  };
  // S3 → SNS → SQS wraps the event once more.
  if (parsed.Type === 'Notification' && typeof parsed.Message === 'string')
    parsed = JSON.parse(parsed.Message);
  if (parsed.Event === 's3:TestEvent') return [];
  if (!Array.isArray(parsed.Records)) throw new Error('SQS message body is not an S3 event notification');
  const objects: UploadedObject[] = [];
  for (const r of parsed.Records) {
    if (!r.eventName?.startsWith('ObjectCreated')) continue;
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    if (!bucket || key === undefined) throw new Error('S3 event record without bucket or key');
    objects.push({
      bucket,
      key: decodeS3Key(key),
      versionId: r.s3?.object?.versionId ?? null,
      sequencer: r.s3?.object?.sequencer ?? null,
      eventTime: r.eventTime ?? new Date(0).toISOString(),
      size: r.s3?.object?.size ?? 0,
    });
  }
  return objects;
}

/**
 * Processes an SQS batch of S3 events: each message on its own, so one bad message is
 * retried alone (reported in `batchItemFailures`) and never fails the others.
 */
export async function handleIngestBatch(deps: IngestDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const log = deps.logger ?? quiet;
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const message of parseS3EventsFromSqs(event)) {
    if (message.error) {
      // A body that is not an S3 event will never parse: retrying it only delays the DLQ.
      log.error('unreadable SQS message', { messageId: message.messageId, error: message.error });
      batchItemFailures.push({ itemIdentifier: message.messageId });
      continue;
    }
    try {
      for (const object of message.objects) await ingestUpload(deps, object);
    } catch (error) {
      log.error('ingest failed; the message will be retried', {
        messageId: message.messageId,
        error:
          error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
      });
      batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return { batchItemFailures };
}
