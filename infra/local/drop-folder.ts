/**
 * The drop folder of `npm start -- --serve`: CSV/XLSX files saved into drop/ or one of its
 * kind folders (drop/actuals/, drop/targets/, drop/milestones/) are handed on once they have
 * been quiet a moment, with their kind — from the kind folder they are in, else their name or
 * content (as `plan-monitor ingest` tells it).
 */
import { existsSync, type FSWatcher, mkdirSync, readFileSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { detectUploadKind, UnknownUploadKindError, UPLOAD_KINDS } from '../../shared/cli/upload-files.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { UploadKind } from '../../shared/ports/index.ts';

export interface DroppedFile {
  /** Path relative to the drop folder, with `/` separators, e.g. `actuals/gmv.csv`. */
  readonly name: string;
  readonly kind: UploadKind;
  readonly body: Buffer;
}

export interface DropFolderOptions {
  readonly dropDir: string;
  readonly config: PlanConfig;
  /** How the folder is shown in messages (e.g. `drop`). */
  readonly shownAs: string;
  readonly onFile: (file: DroppedFile) => Promise<void>;
  /** A dropped file that cannot be ingested, and what to do about it. */
  readonly onProblem: (name: string, message: string) => void;
  /** How long a file must be quiet before it is read (editors and copies write in steps). */
  readonly quietMs?: number;
}

const UPLOAD_FILE = /\.(csv|xlsx|txt|tsv)$/i;

/** Creates drop/ and its kind folders and watches them all; `close()` stops watching. */
export function watchDropFolder(options: DropFolderOptions): { close(): void } {
  const { dropDir, shownAs } = options;
  for (const kind of UPLOAD_KINDS) mkdirSync(path.join(dropDir, kind), { recursive: true });
  const timers = new Map<string, NodeJS.Timeout>();

  const handle = async (name: string) => {
    const file = path.join(dropDir, name);
    const base = path.basename(name);
    if (!UPLOAD_FILE.test(base) || base.startsWith('~$') || base.startsWith('.')) return;
    if (!existsSync(file) || !statSync(file).isFile()) return;
    const body = readFileSync(file);
    let kind: UploadKind;
    try {
      kind = await detectUploadKind(file, body, options.config, { foldersBelow: dropDir });
    } catch (error) {
      if (!(error instanceof UnknownUploadKindError)) throw error;
      options.onProblem(
        name,
        `cannot tell whether it holds actuals, targets or milestones: move it into ${shownAs}/actuals/, ${shownAs}/targets/ or ${shownAs}/milestones/`,
      );
      return;
    }
    await options.onFile({ name, kind, body });
  };

  // Recursive, so the kind folders (and any folder made later) are watched too.
  const watcher: FSWatcher = watch(dropDir, { recursive: true }, (_event, filename) => {
    if (!filename) return;
    const name = filename.toString().split(path.sep).join('/');
    clearTimeout(timers.get(name));
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        handle(name).catch((error: unknown) =>
          options.onProblem(name, error instanceof Error ? error.message : String(error)),
        );
      }, options.quietMs ?? 600),
    );
  });
  return {
    close() {
      watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
