/**
 * Streams the rows of a CSV upload: detects the encoding and delimiter, decodes in chunks
 * and tokenizes each chunk, so a 1M-row file never becomes one giant string. Every cell
 * stays text (no `Number()` on `007`); types are decided per column later. Semicolon-separated
 * files are read twice: once to learn their decimal mark (number-style.ts), once for the rows.
 */

import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.ts';
import {
  type CsvEncoding,
  createDecoder,
  detectDelimiter,
  detectEncoding,
  ENCODING_LABEL,
  SAVE_AS_HELP,
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
): CsvInfo & { bomLength: number; sepLineChars: number } {
  const detected = detectEncoding(body);
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

/** Every record of the file in order, decoded and tokenized 1 MB at a time. */
function* records(
  body: Uint8Array,
  info: CsvInfo & { bomLength: number; sepLineChars: number },
): Generator<string[]> {
  const { encoding, bomLength, delimiter } = info;
  const decoder = createDecoder(encoding);
  const tokenizer = new CsvTokenizer(delimiter);
  const pending: string[][] = [];
  const emit = (record: string[]) => {
    pending.push(record);
  };
  try {
    for (let at = bomLength; at <= body.length; at += CHUNK) {
      const last = at + CHUNK >= body.length;
      let text = decoder.write(body.subarray(at, Math.min(at + CHUNK, body.length)));
      if (last) text += decoder.end();
      if (text.includes('\uFFFD')) throw mojibakeError(encoding);
      if (at === bomLength) {
        // A UTF-8 BOM written inside a UTF-16 file or twice: drop it from the first header.
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        if (info.sepLineChars > 0) text = text.slice(info.sepLineChars);
      }
      tokenizer.push(text, emit);
      if (last) tokenizer.end(emit);
      yield* pending;
      pending.length = 0;
      if (last) break;
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new UploadFileError(
      `The CSV could not be read near line ${error.line}: ${error.message}. Check for a quote (") that is never closed, or save the file again from Excel as "CSV UTF-8" and upload it. CSV 格式错误，请检查引号。`,
      'bad_csv',
    );
  }
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
  const decodedBytes = stringBytes(maxDecodedChars(body.length - info.bomLength, info.encoding));
  if (decodedBytes > memoryBudget) {
    throw memoryRefusal(`its text (${ENCODING_LABEL[info.encoding]}, decoded)`, decodedBytes, memoryBudget);
  }
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
  const style = evidence.decide();
  for (const cells of records(body, info)) {
    row++;
    yield {
      row,
      cells: style === 'decimal-point' ? cells : cells.map((c): CellValue => applyNumberStyle(c, style)),
    };
  }
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
