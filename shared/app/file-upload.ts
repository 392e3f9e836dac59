/**
 * Filing a handled upload away: once an upload is accepted or rejected its original leaves
 * `incoming/`, so `incoming/` only ever holds what is still waiting, and the uploads bucket's
 * lifecycle rules on `processed/` and `rejected/` expire the originals after the stage's
 * retention (see README "Deploying").
 *
 * - accepted: `incoming/<kind>/<name>` → `processed/<kind>/<name>`
 * - rejected: `incoming/<kind>/<name>` → `rejected/incoming/<kind>/<name>`, beside its error
 *   workbook `rejected/incoming/<kind>/<name>.errors.xlsx`
 *
 * The move is a copy of exactly the ingested version and a delete of that version alone, so a
 * corrected file uploaded to the same key meanwhile stays in `incoming/` and is ingested in
 * turn. The two halves straddle the upload ledger's record of the outcome:
 *
 * 1. copy (before the ledger): if it fails, the whole upload is retried and the original is
 *    still there to read;
 * 2. ledger `finish`;
 * 3. delete (after the ledger): a crash or failure here leaves a finished upload whose original
 *    is still in `incoming/`; its redelivery is a replay, and a replay deletes that version again
 *    (deleting a version twice is harmless). Deleting before the ledger had the outcome would
 *    leave a retry with nothing to read.
 */
import type { ObjectStore } from '../ports/index.ts';

/** The tag every filed original carries, with the outcome as its value. */
export const UPLOAD_STATUS_TAG = 'plan-monitor-status';
/** S3 copies at most 5 GiB in one CopyObject; `ingest.maxFileBytes` keeps accepted files far below. */
export const MAX_MOVE_BYTES = 5 * 1024 ** 3;

const INCOMING = 'incoming/';

export type UploadOutcome = 'accepted' | 'rejected';

/** Where the original of an upload under `incoming/` is filed for this outcome. */
export function filedUploadKey(key: string, outcome: UploadOutcome): string {
  if (!key.startsWith(INCOMING)) throw new Error(`not an incoming upload key: ${JSON.stringify(key)}`);
  return outcome === 'accepted' ? `processed/${key.slice(INCOMING.length)}` : `rejected/${key}`;
}

interface HandledObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly size: number;
}

interface FilingDeps<K extends keyof ObjectStore> {
  readonly objects: Pick<ObjectStore, K>;
  readonly logger?: { warn(message: string, extra?: Record<string, unknown>): void };
}

/**
 * Step 1: copies the handled version to where it is filed. An object too large for a single
 * copy — only a rejected, oversized upload can be one — is left in `incoming/` with a warning
 * for an operator to delete.
 */
export async function copyToFiled(
  deps: FilingDeps<'copyVersion'>,
  object: HandledObject,
  outcome: UploadOutcome,
): Promise<void> {
  if (object.size > MAX_MOVE_BYTES) {
    deps.logger?.warn('upload too large to move out of incoming/ in one copy; delete it by hand', {
      key: object.key,
      versionId: object.versionId,
      size: object.size,
    });
    return;
  }
  const status = outcome === 'accepted' ? 'processed' : 'rejected';
  await deps.objects.copyVersion(
    object.bucket,
    object.key,
    object.versionId,
    filedUploadKey(object.key, outcome),
    {
      [UPLOAD_STATUS_TAG]: status,
    },
  );
}

/** Step 3, once the ledger has the outcome: deletes the handled version from `incoming/`. */
export async function removeFromIncoming(
  deps: FilingDeps<'deleteVersion'>,
  object: HandledObject,
): Promise<void> {
  if (object.size > MAX_MOVE_BYTES) return;
  await deps.objects.deleteVersion(object.bucket, object.key, object.versionId);
}

/**
 * A replay of a finished upload repeats step 3, in case the first delivery stopped before it.
 * Only for a named version: without versions (s3rver) the key's current object may be a newer
 * upload. Best effort — the ledger already holds the outcome; a left-over original only waits
 * for an operator.
 */
export async function removeReplayedFromIncoming(
  deps: FilingDeps<'deleteVersion'>,
  object: HandledObject,
): Promise<void> {
  if (object.versionId === null) return;
  try {
    await removeFromIncoming(deps, object);
  } catch (error) {
    deps.logger?.warn('could not delete a replayed upload from incoming/', {
      key: object.key,
      versionId: object.versionId,
      error: String(error),
    });
  }
}
