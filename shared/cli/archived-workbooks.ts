/**
 * Copies the workbook a report run archived in S3 to a local folder, so `npm start` and
 * `plan-monitor report --send --out <dir>` leave the very file the recipients got on disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ObjectStore, RunRecord } from '../ports/index.ts';

/**
 * Writes the archived workbook of `record` into `outDir` (named as the email's attachment, with
 * the scope in front unless it is `all`); returns the file written, or null when the run
 * archived nothing (skipped, failed).
 */
export async function copyArchivedWorkbook(
  objects: ObjectStore,
  archiveBucket: string,
  record: RunRecord,
  outDir: string,
): Promise<string | null> {
  if (!record.archiveKey) return null;
  const object = await objects.get(archiveBucket, record.archiveKey);
  // The name of the recipients' attachment: the archive key adds the attempt (`.r2.xlsx`).
  const name = path.basename(record.archiveKey).replace(/\.r\d+\.xlsx$/, '.xlsx');
  const target = path.join(outDir, record.scopeKey === 'all' ? name : `${record.scopeKey}-${name}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(target, object.body);
  return target;
}
