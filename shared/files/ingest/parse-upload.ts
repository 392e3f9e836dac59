/**
 * Turns an uploaded file into validated facts, or into the complete list of what is wrong
 * with it. All or nothing: a result is `ok` only when every row passed.
 */
import type { PlanConfig } from '../../config/schema.ts';
import type { Milestone } from '../../domain/types.ts';
import type { UploadKind } from '../../ports/index.ts';
import { type ByteSource, isByteSource, openWithHead, type UploadBytes } from './byte-source.ts';
import { confirmChineseEncoding, inspectCsv, readCsvRowBatches, readCsvRows } from './csv-reader.ts';
import {
  type CsvEncoding,
  chooseChineseEncoding,
  detectFormat,
  ENCODING_LABEL,
  type FileFormat,
  NotUtf8Error,
} from './detect.ts';
import { type RowError, UploadFileError } from './errors.ts';
import type { ActualFactTable, TargetFactTable } from './fact-table.ts';
import { mapHeaders } from './headers.ts';
import { isBlank } from './normalize.ts';
import type { RawRow } from './rows.ts';
import {
  ActualsValidator,
  createValidator,
  ErrorCollector,
  type KindValidator,
  TargetsValidator,
} from './validate.ts';
import { readXlsxRowBatches, readXlsxRows } from './xlsx-reader.ts';
import type { ZipLimits } from './zip-guard.ts';

export interface ParseUploadInput {
  readonly config: PlanConfig;
  readonly kind: UploadKind;
  /** The file whole, or streamed (a CSV is then never held whole). */
  readonly body: UploadBytes;
  /** Most data rows accepted; defaults to `config.ingest.maxRows`. */
  readonly maxRows?: number;
  readonly zipLimits?: ZipLimits;
  /** Bytes the text kept while reading may take; defaults to half the function's memory. */
  readonly memoryBudget?: number;
  /** Most row errors listed (all are counted). */
  readonly errorCap?: number;
}

/** How the file was read, for logs and the summary sheet. */
export interface FileDescription {
  readonly format: FileFormat | 'unknown';
  /** CSV only: e.g. `UTF-8`, `GBK/GB18030 …`. */
  readonly encoding?: string;
  readonly delimiter?: string;
  /** XLSX only: the sheet that was read. */
  readonly sheet?: string;
}

interface ResultBase {
  readonly kind: UploadKind;
  /** Data rows read (blank rows not counted). */
  readonly rows: number;
  readonly file: FileDescription;
}

export type IngestResult =
  // Facts as compact columns, made objects one at a time (`at`): a 1M-row file is accepted
  // in bounded memory (fact-table.ts).
  | (ResultBase & { ok: true; kind: 'actuals'; actuals: ActualFactTable })
  | (ResultBase & { ok: true; kind: 'targets'; targets: TargetFactTable })
  | (ResultBase & { ok: true; kind: 'milestones'; milestones: Milestone[] })
  | (ResultBase & {
      ok: false;
      /** The first `errorCap` errors, in row order. */
      errors: RowError[];
      /** Every error, counted. */
      errorCount: number;
      /** Error count per code (e.g. `unknown_kpi: 3`). */
      errorCounts: Record<string, number>;
      /** Set when the file as a whole could not be read (the errors then hold just that). */
      fatal?: string;
    });

/**
 * The rows of an upload in file order, whatever its format. `file` (what {@link parseUpload}
 * reported) is accepted for callers that pass it; the rows do not depend on it.
 */
export function readUploadRows(
  body: Uint8Array,
  kind: UploadKind,
  _file?: FileDescription,
): Iterable<RawRow> | AsyncIterable<RawRow> {
  return detectFormat(body) === 'csv' ? readCsvRows(body) : readXlsxRows(body, kind);
}

/** Whether `cells` map to the columns of `kind` (the header of an upload of that kind). */
function isHeaderRow(cells: readonly string[], kind: UploadKind, config: PlanConfig): boolean {
  try {
    mapHeaders(cells, kind, config);
    return true;
  } catch (error) {
    if (error instanceof UploadFileError) return false;
    throw error;
  }
}

function isBlankRow(row: RawRow): boolean {
  for (const cell of row.cells) if (!isBlank(cell)) return false;
  return true;
}

/** Bytes of the head a streamed upload's format, encoding and delimiter are read from. */
const HEAD_BYTES = 65536 + 4;

/** Where the rows of an upload come from, once its format is known. */
interface OpenedUpload {
  readonly file: FileDescription;
  /** Data rows a CSV probably holds (its size over the mean line length of its head), else 0. */
  readonly expectedRows: number;
  readonly batches: AsyncIterable<readonly (RawRow & { sheet?: string })[]>;
}

/** The rows of a whole-body CSV in batches (read synchronously: no promise per row). */
async function* batchesOf(rows: Iterable<RawRow>): AsyncGenerator<RawRow[]> {
  let batch: RawRow[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === 4096) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Lines in `size` bytes, from the mean length of the lines of `head` (0 when it has none). */
function estimateLines(head: Uint8Array, size: number): number {
  let lines = 0;
  for (let at = head.indexOf(10); at >= 0; at = head.indexOf(10, at + 1)) lines++;
  return lines === 0 ? 0 : Math.ceil((size / head.length) * lines);
}

function csvDescription(encoding: CsvEncoding, delimiter: string): FileDescription {
  return {
    format: 'csv',
    encoding: ENCODING_LABEL[encoding],
    delimiter: delimiter === '\t' ? 'tab' : delimiter,
  };
}

/**
 * Detects the format (and a CSV's encoding and delimiter) and starts reading. A streamed CSV
 * is read chunk by chunk; a streamed XLSX (its directory is at the end of the zip) or anything
 * else is gathered whole first. `notUtf8`: a strict UTF-8 pass failed, read it as Chinese.
 */
async function openUpload(input: ParseUploadInput, notUtf8: boolean): Promise<OpenedUpload> {
  const { config, kind, body } = input;
  const isHeader = (cells: readonly string[]) => isHeaderRow(cells, kind, config);
  if (!isByteSource(body)) {
    const format = detectFormat(body);
    if (format === 'xlsx') {
      return {
        file: { format },
        expectedRows: 0,
        batches: readXlsxRowBatches(body, kind, input.zipLimits, input.memoryBudget),
      };
    }
    const detected = inspectCsv(body);
    const encoding = confirmChineseEncoding(body, detected.encoding, isHeader);
    return {
      file: csvDescription(encoding, detected.delimiter),
      expectedRows: estimateLines(body.subarray(0, HEAD_BYTES), body.length),
      batches: batchesOf(readCsvRows(body, input.memoryBudget, encoding)),
    };
  }
  const { head, chunks, close } = await openWithHead(body, HEAD_BYTES);
  try {
    return await openStreamedUpload({ ...input, body }, notUtf8, head, chunks);
  } catch (error) {
    await close();
    throw error;
  }
}

async function openStreamedUpload(
  input: ParseUploadInput & { body: ByteSource },
  notUtf8: boolean,
  head: Uint8Array,
  chunks: AsyncIterable<Uint8Array>,
): Promise<OpenedUpload> {
  const { config, kind, body } = input;
  const isHeader = (cells: readonly string[]) => isHeaderRow(cells, kind, config);
  const zipOrOle = (head[0] === 0x50 && head[1] === 0x4b) || (head[0] === 0xd0 && head[1] === 0xcf);
  if (head.length === 0 || zipOrOle) {
    // An empty file, an XLSX or an old/encrypted workbook: detected and read on the whole body.
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return openUpload({ ...input, body: Buffer.concat(parts) }, notUtf8);
  }
  const known = notUtf8 ? chooseChineseEncoding(head.subarray(0, 65536)) : undefined;
  const detected = inspectCsv(head, known, { headOnly: true });
  const encoding = confirmChineseEncoding(head, detected.encoding, isHeader);
  const info = { ...detected, encoding };
  const strictUtf8 = encoding === 'utf8' && detected.bomLength === 0;
  return {
    file: csvDescription(encoding, detected.delimiter),
    expectedRows: body.size ? estimateLines(head, body.size) : 0,
    batches: readCsvRowBatches(body, chunks, info, strictUtf8),
  };
}

/**
 * Reads, maps and validates a whole upload. Never throws for a bad file: problems come back
 * as `ok: false` with every row error (row numbers as Excel shows them, header = row 1).
 * `body` may be a stream: a CSV is then read chunk by chunk and never held whole.
 */
export async function parseUpload(input: ParseUploadInput): Promise<IngestResult> {
  try {
    return await parseOnce(input, false);
  } catch (error) {
    // A stream assumed to be UTF-8 from its head met a byte that is not: read it again as
    // the whole-body detection would have (GBK or Big5, chosen from the head).
    if (!(error instanceof NotUtf8Error)) throw error;
    return parseOnce(input, true);
  }
}

async function parseOnce(input: ParseUploadInput, notUtf8: boolean): Promise<IngestResult> {
  const { config, kind } = input;
  const maxRows = input.maxRows ?? config.ingest.maxRows;
  const errors = new ErrorCollector(input.errorCap ?? 1000);
  let file: FileDescription = { format: 'unknown' };
  let validator: KindValidator | undefined;
  try {
    const opened = await openUpload(input, notUtf8);
    file = opened.file;
    const handle = (row: RawRow & { sheet?: string }) => {
      if (!validator) {
        if (isBlankRow(row)) return;
        if (row.sheet !== undefined) file = { ...file, sheet: row.sheet };
        const header = mapHeaders(row.cells, kind, config);
        const expectedRows = Math.min(opened.expectedRows, maxRows);
        validator = createValidator(kind, config, header, errors, expectedRows);
        return;
      }
      if (isBlankRow(row)) return;
      if (validator.rows >= maxRows) {
        throw new UploadFileError(
          `The file has more than ${maxRows.toLocaleString('en-US')} data rows, the most one upload may hold. Split it into several files and upload them one by one. 行数超过上限，请拆分文件。`,
          'too_many_rows',
        );
      }
      validator.accept(row);
    };
    // One await per chunk of rows, not per row.
    for await (const batch of opened.batches) for (const row of batch) handle(row);
    if (!validator) {
      throw new UploadFileError(
        'The file has no header row and no data. Put the column names in row 1 and the data below, then upload again. 文件没有内容。',
        'no_data',
      );
    }
    if (validator.rows === 0) {
      throw new UploadFileError(
        'The file has a header row but no data rows below it: add the data and upload again. 文件只有表头，没有数据。',
        'no_data',
      );
    }
  } catch (error) {
    if (!(error instanceof UploadFileError)) throw error;
    const fatal: RowError = {
      row:
        error.code === 'missing_column' ||
        error.code === 'unknown_column' ||
        error.code === 'duplicate_column'
          ? 1
          : 0,
      column: error.column,
      value: '',
      message: error.message,
      code: error.code,
    };
    return {
      ok: false,
      kind,
      rows: validator?.rows ?? 0,
      file,
      errors: [fatal],
      errorCount: 1,
      errorCounts: { [error.code]: 1 },
      fatal: error.message,
    };
  }
  if (errors.count > 0) {
    return {
      ok: false,
      kind,
      rows: validator.rows,
      file,
      errors: errors.list,
      errorCount: errors.count,
      errorCounts: Object.fromEntries(errors.byCode),
    };
  }
  if (validator instanceof ActualsValidator) {
    return { ok: true, kind: 'actuals', rows: validator.rows, file, actuals: validator.facts };
  }
  if (validator instanceof TargetsValidator) {
    return { ok: true, kind: 'targets', rows: validator.rows, file, targets: validator.facts };
  }
  return { ok: true, kind: 'milestones', rows: validator.rows, file, milestones: validator.milestones };
}
