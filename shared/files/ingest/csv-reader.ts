/**
 * Streams the rows of a CSV upload: detects the encoding and delimiter, decodes in chunks
 * and parses with csv-parse, so a 1M-row file never becomes one giant string. Every cell
 * stays text (no `Number()` on `007`); types are decided per column later.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
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
 * included as empty records so numbers match what Excel shows.
 */
export async function* readCsvRows(body: Uint8Array): AsyncGenerator<RawRow> {
  const { encoding, bomLength, delimiter } = inspectCsv(body);
  const decoder = createDecoder(encoding);
  function* chunks(): Generator<string> {
    for (let at = bomLength; at < body.length; at += CHUNK) {
      const text = decoder.write(body.subarray(at, Math.min(at + CHUNK, body.length)));
      if (text.includes('\uFFFD')) throw mojibakeError(encoding);
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest.includes('\uFFFD')) throw mojibakeError(encoding);
    if (rest) yield rest;
  }
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: true,
  });
  const source = Readable.from(chunks());
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record };
    }
  } catch (error) {
    if (error instanceof UploadFileError) throw error;
    const { message, lines } = error as Error & { lines?: number };
    throw new UploadFileError(
      `The CSV could not be read near line ${lines ?? row + 1} (${message}). Check for a quote (") that is never closed, or save the file again from Excel as "CSV UTF-8" and upload it. CSV 格式错误，请检查引号。`,
      'bad_csv',
    );
  } finally {
    source.destroy();
  }
}
