/**
 * Local upload files for the CLI: finding them in a folder, telling their kind (actuals,
 * targets, milestones) the way an uploader would expect, and parsing them with the very
 * rules the ingest function applies.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PlanConfig } from '../config/schema.ts';
import { dimsKey } from '../domain/engine.ts';
import type { PlanData } from '../domain/types.ts';
import { detectFormat } from '../files/ingest/detect.ts';
import { KIND_SHEET_NAMES } from '../files/ingest/errors.ts';
import { mapHeaders } from '../files/ingest/headers.ts';
import { foldName } from '../files/ingest/normalize.ts';
import { type IngestResult, parseUpload, readUploadRows } from '../files/ingest/parse-upload.ts';
import { listSheets } from '../files/ingest/xlsx-reader.ts';
import type { UploadKind } from '../ports/index.ts';

export const UPLOAD_KINDS: readonly UploadKind[] = ['actuals', 'targets', 'milestones'];

const UPLOAD_EXTENSIONS = new Set(['.csv', '.xlsx', '.txt', '.tsv']);

/** Thrown when a file's kind cannot be told; the message says how to name it. */
export class UnknownUploadKindError extends Error {
  constructor(file: string) {
    super(
      `cannot tell whether ${file} holds actuals, targets or milestones: pass --kind actuals|targets|milestones, or put it in a folder named actuals/, targets/ or milestones/`,
    );
    this.name = 'UnknownUploadKindError';
  }
}

export function parseKind(value: string | undefined): UploadKind | undefined {
  if (value === undefined) return undefined;
  if ((UPLOAD_KINDS as readonly string[]).includes(value)) return value as UploadKind;
  throw new Error(`--kind "${value}" is not one of actuals, targets, milestones`);
}

function kindFromName(name: string): UploadKind | undefined {
  const folded = foldName(name);
  for (const kind of UPLOAD_KINDS) {
    if (KIND_SHEET_NAMES[kind].some((alias) => folded === foldName(alias))) return kind;
  }
  return undefined;
}

/**
 * The kind of a file: from a folder on its path (`incoming/actuals/…`, `targets/…`, `目标/…`;
 * only folders below `foldersBelow` when given), else its name (`…-milestones.csv`), else the
 * XLSX sheet names, else its header row.
 */
export async function detectUploadKind(
  file: string,
  body: Uint8Array,
  config: PlanConfig,
  options: { foldersBelow?: string } = {},
): Promise<UploadKind> {
  const resolved = path.resolve(file);
  const parts = (
    options.foldersBelow ? path.relative(path.resolve(options.foldersBelow), resolved) : resolved
  ).split(path.sep);
  for (const dir of parts.slice(0, -1).reverse()) {
    const kind = kindFromName(dir);
    if (kind) return kind;
  }
  const base = foldName(path.basename(file));
  for (const kind of UPLOAD_KINDS) {
    if (KIND_SHEET_NAMES[kind].some((alias) => base.includes(foldName(alias)))) return kind;
  }
  try {
    if (detectFormat(body) === 'xlsx') {
      for (const sheet of listSheets(body)) {
        const kind = kindFromName(sheet.name);
        if (kind) return kind;
      }
    }
    // Header row: milestone columns are distinctive; a version column means targets.
    for await (const row of readUploadRows(body, 'actuals')) {
      try {
        mapHeaders(row.cells, 'milestones', config);
        return 'milestones';
      } catch {
        // not milestones
      }
      const map = mapHeaders(row.cells, 'targets', config);
      return map.fields.version !== undefined ? 'targets' : 'actuals';
    }
  } catch {
    // unreadable: fall through to the error below
  }
  throw new UnknownUploadKindError(file);
}

/** Upload files under `dir` (recursively), sorted by path so runs are reproducible. */
export function listUploadFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.startsWith('~$')) continue;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (UPLOAD_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) out.push(full);
    }
  };
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  walk(dir);
  return out.sort();
}

export interface ParsedFile {
  readonly file: string;
  readonly kind: UploadKind;
  readonly result: IngestResult;
}

/** Reads and validates one local file with the ingest rules. */
export async function parseLocalFile(
  file: string,
  config: PlanConfig,
  kindOption?: UploadKind,
): Promise<ParsedFile> {
  const body = readFileSync(file);
  const kind = kindOption ?? (await detectUploadKind(file, body, config));
  const result = await parseUpload({ config, kind, body });
  return { file, kind, result };
}

/**
 * Plan data from accepted files, applying the store's rule that a later upload of the same
 * fact key replaces an earlier one (files are taken in the given order).
 */
export function planDataFromFiles(parsed: readonly ParsedFile[]): PlanData {
  const actuals = new Map<string, PlanData['actuals'][number]>();
  const targets = new Map<string, PlanData['targets'][number]>();
  const milestones = new Map<string, PlanData['milestones'][number]>();
  for (const { result } of parsed) {
    if (!result.ok) continue;
    if (result.kind === 'actuals') {
      for (let i = 0; i < result.actuals.length; i++) {
        const f = result.actuals.at(i)!;
        actuals.set(`${f.kpi}|${f.period}|${dimsKey(f.dims)}`, f);
      }
    } else if (result.kind === 'targets') {
      for (let i = 0; i < result.targets.length; i++) {
        const f = result.targets.at(i)!;
        targets.set(`${f.version}|${f.kpi}|${f.period}|${dimsKey(f.dims)}`, f);
      }
    } else {
      for (const m of result.milestones) milestones.set(m.id, m);
    }
  }
  return {
    actuals: [...actuals.values()],
    targets: [...targets.values()],
    milestones: [...milestones.values()],
  };
}
