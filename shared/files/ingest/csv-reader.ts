/**
 * Streams the rows of a CSV upload: detects the encoding and delimiter, decodes in chunks
 * and tokenizes each chunk, so a 1M-row file never becomes one giant string. Every cell
 * stays text (no `Number()` on `007`); types are decided per column later.
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
import type { RawRow } from './rows.ts';

const CHUNK = 1 << 20;

export interface CsvInfo {
  readonly encoding: CsvEncoding;
  readonly delimiter: ',' | ';' | '\t';
}

/** Encoding and delimiter of a CSV body (reads only the first 64 KB for the delimiter). */
export function inspectCsv(body: Uint8Array): CsvInfo & { bomLength: number } {
  const { encoding, bomLength } = detectEncoding(body);
  const head = createDecoder(encoding).write(body.subarray(bomLength, bomLength + 65536));
  const end = head.search(/\r?\n/);
  const firstLine = end >= 0 ? head.slice(0, end) : head;
  return { encoding, bomLength, delimiter: detectDelimiter(firstLine) };
}

function mojibakeError(encoding: CsvEncoding): UploadFileError {
  return new UploadFileError(
    `The file could not be read as ${ENCODING_LABEL[encoding]}: some characters are not valid in it, so the text would be garbled. ${SAVE_AS_HELP} 文件编码无法识别（出现乱码），请另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重新上传。`,
    'bad_encoding',
  );
}

/**
 * Yields every record of the CSV with its 1-based row number (header = row 1), blank lines
 * included as empty records so numbers match what Excel shows. Synchronous: the body is
 * already in memory, and decoding 1 MB at a time keeps the decoded text bounded.
 */
export function* readCsvRows(body: Uint8Array): Generator<RawRow> {
  const { encoding, bomLength, delimiter } = inspectCsv(body);
  const decoder = createDecoder(encoding);
  const tokenizer = new CsvTokenizer(delimiter);
  const pending: string[][] = [];
  const emit = (record: string[]) => {
    pending.push(record);
  };
  let row = 0;
  try {
    for (let at = bomLength; at <= body.length; at += CHUNK) {
      const last = at + CHUNK >= body.length;
      let text = decoder.write(body.subarray(at, Math.min(at + CHUNK, body.length)));
      if (last) text += decoder.end();
      if (text.includes('\uFFFD')) throw mojibakeError(encoding);
      // A UTF-8 BOM written inside a UTF-16 file or twice: drop it from the first header.
      if (at === bomLength && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      tokenizer.push(text, emit);
      if (last) tokenizer.end(emit);
      for (const cells of pending) {
        row++;
        yield { row, cells };
      }
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
