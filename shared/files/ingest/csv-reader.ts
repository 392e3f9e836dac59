/**
 * Streams the rows of a CSV upload: detects the encoding and delimiter, decodes in chunks
 * and tokenizes each chunk, so a 1M-row file never becomes one giant string. Every cell
 * stays text (no `Number()` on `007`); types are decided per column later. Semicolon-separated
 * files are read twice: once to learn their decimal mark (number-style.ts), once for the rows.
 */

import type { ByteSource } from './byte-source.ts';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.ts';
import {
  type CsvEncoding,
  createDecoder,
  detectDelimiter,
  detectEncoding,
  ENCODING_LABEL,
  SAVE_AS_HELP,
  type TextChunkDecoder,
} from './detect.ts';
import { UploadFileError } from './errors.ts';
import { defaultMemoryBudget, memoryRefusal, stringBytes } from './memory-budget.ts';
import type { CellValue } from './normalize.ts';
import { applyNumberStyle, NumberStyleEvidence } from './number-style.ts';
import type { RawRow } from './rows.ts';

const CHUNK = 1 << 20;

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvInfo {
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
}

/** A first line `sep=;` (written for Excel by some exporters) names the delimiter. */
const SEP_LINE = /^sep=([,;\t])[ \t]*(?:\r\n|\r|\n|$)/i;

/**
 * Encoding and delimiter of a CSV body (reads only the first 64 KB for the delimiter), and
 * how many characters of a `sep=` line to skip after the BOM.
 */
export function inspectCsv(
  body: Uint8Array,
  knownEncoding?: CsvEncoding,
  options: { headOnly?: boolean } = {},
): HeadInfo {
  const detected = detectEncoding(body, options);
  const { bomLength } = detected;
  const encoding = knownEncoding ?? detected.encoding;
  let head = createDecoder(encoding).write(body.subarray(bomLength, bomLength + 65536));
  if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
  const sep = SEP_LINE.exec(head);
  if (sep) return { encoding, bomLength, delimiter: sep[1] as CsvDelimiter, sepLineChars: sep[0].length };
  const end = head.search(/\r?\n/);
  const firstLine = end >= 0 ? head.slice(0, end) : head;
  return { encoding, bomLength, delimiter: detectDelimiter(firstLine), sepLineChars: 0 };
}

function mojibakeError(encoding: CsvEncoding): UploadFileError {
  return new UploadFileError(
    `The file could not be read as ${ENCODING_LABEL[encoding]}: some characters are not valid in it, so the text would be garbled. ${SAVE_AS_HELP} 文件编码无法识别（出现乱码），请另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重新上传。`,
    'bad_encoding',
  );
}

/** Most characters the decoded text can have: one per byte, or one per two bytes in UTF-16. */
function maxDecodedChars(bytes: number, encoding: CsvEncoding): number {
  return encoding === 'utf16le' || encoding === 'utf16be' ? Math.ceil(bytes / 2) : bytes;
}

type HeadInfo = CsvInfo & { bomLength: number; sepLineChars: number };

/**
 * One pass over a CSV's bytes, fed chunk by chunk (any size, a character may be split between
 * two): skips the BOM and a `sep=` line, decodes, refuses garbled text and tokenizes.
 */
class CsvRecordReader {
  private readonly decoder: TextChunkDecoder;
  private readonly tokenizer: CsvTokenizer;
  private bomBytesLeft: number;
  private sepCharsLeft: number;
  private started = false;

  constructor(
    private readonly info: HeadInfo,
    strictUtf8: boolean,
  ) {
    this.decoder = createDecoder(info.encoding, strictUtf8);
    this.tokenizer = new CsvTokenizer(info.delimiter);
    this.bomBytesLeft = info.bomLength;
    this.sepCharsLeft = info.sepLineChars;
  }

  push(bytes: Uint8Array, emit: (record: string[]) => void): void {
    if (this.bomBytesLeft > 0) {
      const skip = Math.min(this.bomBytesLeft, bytes.length);
      this.bomBytesLeft -= skip;
      bytes = bytes.subarray(skip);
    }
    this.tokenize(this.decoder.write(bytes), emit);
  }

  end(emit: (record: string[]) => void): void {
    this.tokenize(this.decoder.end(), emit);
    this.syntax(() => this.tokenizer.end(emit));
  }

  private tokenize(text: string, emit: (record: string[]) => void): void {
    if (text.includes('\uFFFD')) throw mojibakeError(this.info.encoding);
    if (!this.started && text.length > 0) {
      this.started = true;
      // A UTF-8 BOM written inside a UTF-16 file or twice: drop it from the first header.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.sepCharsLeft > 0) {
      const skip = Math.min(this.sepCharsLeft, text.length);
      this.sepCharsLeft -= skip;
      text = text.slice(skip);
    }
    if (text.length > 0) this.syntax(() => this.tokenizer.push(text, emit));
  }

  private syntax(tokenize: () => void): void {
    try {
      tokenize();
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      throw new UploadFileError(
        `The CSV could not be read near line ${error.line}: ${error.message}. Check for a quote (") that is never closed, or save the file again from Excel as "CSV UTF-8" and upload it. CSV 格式错误，请检查引号。`,
        'bad_csv',
      );
    }
  }
}

/** Every record of the file in order, decoded and tokenized 1 MB at a time. */
function* records(body: Uint8Array, info: HeadInfo): Generator<string[]> {
  const reader = new CsvRecordReader(info, false);
  const pending: string[][] = [];
  const emit = (record: string[]) => {
    pending.push(record);
  };
  for (let at = 0; at < body.length; at += CHUNK) {
    reader.push(body.subarray(at, Math.min(at + CHUNK, body.length)), emit);
    yield* pending;
    pending.length = 0;
  }
  reader.end(emit);
  yield* pending;
}

/** The records of a streamed pass, one batch per chunk read (no promise per record). */
async function* recordBatches(
  chunks: AsyncIterable<Uint8Array>,
  info: HeadInfo,
  strictUtf8: boolean,
): AsyncGenerator<string[][]> {
  const reader = new CsvRecordReader(info, strictUtf8);
  let pending: string[][] = [];
  const emit = (record: string[]) => {
    pending.push(record);
  };
  for await (const chunk of chunks) {
    reader.push(chunk, emit);
    if (pending.length > 0) {
      yield pending;
      pending = [];
    }
  }
  reader.end(emit);
  if (pending.length > 0) yield pending;
}

/**
 * Yields every record of the CSV with its 1-based row number (header = row 1; a `sep=` line
 * is not a row, as Excel hides it), blank lines included as empty records so numbers match
 * what Excel shows. Synchronous: the body is already in memory, and decoding 1 MB at a time
 * keeps the decoded text bounded. A file whose decoded text could not be held within
 * `memoryBudget` bytes is refused before reading.
 */
export function* readCsvRows(
  body: Uint8Array,
  memoryBudget = defaultMemoryBudget(),
  encoding?: CsvEncoding,
): Generator<RawRow> {
  const info = inspectCsv(body, encoding);
  refuseUndecodable(body.length, info, memoryBudget);
  let row = 0;
  if (info.delimiter !== ';') {
    for (const cells of records(body, info)) {
      row++;
      yield { row, cells };
    }
    return;
  }
  const evidence = new NumberStyleEvidence();
  for (const cells of records(body, info)) for (const cell of cells) evidence.see(cell);
  const restyle = restyler(evidence.decide());
  for (const cells of records(body, info)) {
    row++;
    yield { row, cells: restyle(cells) };
  }
}

/**
 * The streamed counterpart of {@link readCsvRows}: the rows of a CSV read chunk by chunk from
 * `source`, in batches (one per chunk). `first` is the pass already begun to read the head
 * (see byte-source.ts); a semicolon file's second pass reads `source` again. `strictUtf8`:
 * the encoding was assumed from the head, so a byte that is not UTF-8 throws NotUtf8Error.
 * No memory refusal here: the decoded text is never held beyond one chunk.
 */
export async function* readCsvRowBatches(
  source: ByteSource,
  first: AsyncIterable<Uint8Array>,
  info: HeadInfo,
  strictUtf8: boolean,
): AsyncGenerator<RawRow[]> {
  let row = 0;
  let restyle = (cells: string[]): readonly CellValue[] => cells;
  let pass = first;
  if (info.delimiter === ';') {
    const evidence = new NumberStyleEvidence();
    for await (const batch of recordBatches(first, info, strictUtf8))
      for (const cells of batch) for (const cell of cells) evidence.see(cell);
    restyle = restyler(evidence.decide());
    pass = source.chunks();
  }
  for await (const batch of recordBatches(pass, info, strictUtf8)) {
    const rows: RawRow[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) rows[i] = { row: ++row, cells: restyle(batch[i]!) };
    yield rows;
  }
}

/** Refuses, before reading, a file whose decoded text could not be held within the budget. */
function refuseUndecodable(bytes: number, info: HeadInfo, memoryBudget: number): void {
  const decodedBytes = stringBytes(maxDecodedChars(bytes - info.bomLength, info.encoding));
  if (decodedBytes > memoryBudget) {
    throw memoryRefusal(`its text (${ENCODING_LABEL[info.encoding]}, decoded)`, decodedBytes, memoryBudget);
  }
}

/** Cells as a semicolon file's number style reads them (decimal commas become points). */
function restyler(
  style: ReturnType<NumberStyleEvidence['decide']>,
): (cells: string[]) => readonly CellValue[] {
  return style === 'decimal-point'
    ? (cells) => cells
    : (cells) => cells.map((c) => applyNumberStyle(c, style));
}

/**
 * The encoding of a CSV in GBK or Big5, the byte rule of detect.ts checked against the header:
 * when the first non-blank record is a header the configuration recognises in exactly one of
 * the two encodings, that one (a short Big5 file may show no byte the rule can go by).
 */
export function confirmChineseEncoding(
  body: Uint8Array,
  detected: CsvEncoding,
  isHeader: (cells: readonly string[]) => boolean,
): CsvEncoding {
  if (detected !== 'gb18030' && detected !== 'big5') return detected;
  const fitting = (['gb18030', 'big5'] as const).filter((encoding) => {
    try {
      for (const cells of records(body, inspectCsv(body, encoding))) {
        if (cells.some((cell) => cell.trim() !== '')) return isHeader(cells);
      }
    } catch (error) {
      if (!(error instanceof UploadFileError)) throw error;
    }
    return false;
  });
  return fitting.length === 1 ? fitting[0]! : detected;
}
