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
 * turn. It runs before the upload ledger records the outcome: if it fails, the whole upload is
 * retried (fact writes are idempotent), and a redelivery after the ledger has the outcome is a
 * replay that touches nothing.
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

/**
 * Moves the handled version out of `incoming/`. An object too large for a single copy — only
 * a rejected, oversized upload can be one — is left in `incoming/` with a warning for an
 * operator to delete.
 */
export async function fileUpload(
  deps: {
    readonly objects: Pick<ObjectStore, 'move'>;
    readonly logger?: { warn(message: string, extra?: Record<string, unknown>): void };
  },
  object: {
    readonly bucket: string;
    readonly key: string;
    readonly versionId: string | null;
    readonly size: number;
  },
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
  await deps.objects.move(object.bucket, object.key, object.versionId, filedUploadKey(object.key, outcome), {
    [UPLOAD_STATUS_TAG]: status,
  });
}
