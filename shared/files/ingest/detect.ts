/**
 * What kind of file an upload is, and for CSV which encoding and delimiter it uses. Excel
 * writes "CSV" in the machine's ANSI code page (GBK on Chinese Windows), "CSV UTF-8" with a
 * BOM and "Unicode text" as tab-separated UTF-16LE; all of them land in the same bucket.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { UploadFileError } from './errors.ts';

export type CsvEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'gb18030';
export type FileFormat = 'xlsx' | 'csv';

export const SAVE_AS_HELP =
  'In Excel use File › Save As › "CSV UTF-8 (Comma delimited)" (CSV UTF-8（逗号分隔）) or "Excel Workbook (.xlsx)" and upload again.';

/** Decides the format from the bytes (not the extension, which people rename). */
export function detectFormat(body: Uint8Array): FileFormat {
  if (body[0] === 0x50 && body[1] === 0x4b && body[2] === 0x03 && body[3] === 0x04) return 'xlsx';
  if (body[0] === 0xd0 && body[1] === 0xcf && body[2] === 0x11 && body[3] === 0xe0) {
    throw new UploadFileError(
      'This is an old Excel 97-2003 (.xls) workbook, which is not accepted. Save it as "Excel Workbook (.xlsx)" or "CSV UTF-8" and upload again. 这是旧版 .xls 文件，请另存为 .xlsx 或 CSV UTF-8 后重新上传。',
      'unsupported_format',
    );
  }
  if (body.length === 0) {
    throw new UploadFileError(
      'The file is empty: export the data again and upload it. 文件为空。',
      'empty_file',
    );
  }
  return 'csv';
}

/** Encoding of a CSV and how many BOM bytes to skip. */
export function detectEncoding(body: Uint8Array): { encoding: CsvEncoding; bomLength: number } {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf8', bomLength: 3 };
  if (body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  if (body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf16be', bomLength: 2 };
  // UTF-16 without a BOM: ASCII text leaves every other byte zero.
  const sample = Math.min(body.length, 4096) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (body[i] === 0) evenZeros++;
    if (body[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (pairs > 0 && oddZeros / pairs > 0.3 && evenZeros === 0) return { encoding: 'utf16le', bomLength: 0 };
  if (pairs > 0 && evenZeros / pairs > 0.3 && oddZeros === 0) return { encoding: 'utf16be', bomLength: 0 };
  if (evenZeros + oddZeros > 0) {
    throw new UploadFileError(
      `This file is not a text CSV (it contains binary data). ${SAVE_AS_HELP}`,
      'not_text',
    );
  }
  if (isUtf8(body)) return { encoding: 'utf8', bomLength: 0 };
  return { encoding: 'gb18030', bomLength: 0 };
}

const iconvName: Record<CsvEncoding, string> = {
  utf8: 'utf8',
  utf16le: 'utf16le',
  utf16be: 'utf16-be',
  gb18030: 'gb18030',
};

export const ENCODING_LABEL: Record<CsvEncoding, string> = {
  utf8: 'UTF-8',
  utf16le: 'UTF-16LE (Unicode text)',
  utf16be: 'UTF-16BE',
  gb18030: 'GBK/GB18030 (Excel CSV on Chinese Windows)',
};

/** A streaming decoder: `write(chunk)` returns text, `end()` the rest. */
export interface TextChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

export function createDecoder(encoding: CsvEncoding): TextChunkDecoder {
  if (encoding === 'utf8') {
    const decoder = new TextDecoder('utf-8');
    return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(iconvName[encoding]);
  return {
    write: (chunk) => decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    end: () => decoder.end() ?? '',
  };
}

/**
 * The delimiter of the header line: whichever of comma, semicolon and tab occurs most
 * outside quotes (comma on a tie or when there is none: a one-column file).
 */
export function detectDelimiter(firstLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts['\t'] > counts[','] && counts['\t'] >= counts[';']) return '\t';
  if (counts[';'] > counts[',']) return ';';
  return ',';
}
