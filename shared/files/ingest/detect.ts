/**
 * What kind of file an upload is, and for CSV which encoding and delimiter it uses. Excel
 * writes "CSV" in the machine's ANSI code page (GBK on Chinese Windows), "CSV UTF-8" with a
 * BOM and "Unicode text" as tab-separated UTF-16LE; all of them land in the same bucket.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { UploadFileError } from './errors.ts';

export type CsvEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'gb18030' | 'big5';
export type FileFormat = 'xlsx' | 'csv';

export const SAVE_AS_HELP =
  'In Excel use File › Save As › "CSV UTF-8 (Comma delimited)" (CSV UTF-8（逗号分隔）) or "Excel Workbook (.xlsx)" and upload again.';

/** Decides the format from the bytes (not the extension, which people rename). */
export function detectFormat(body: Uint8Array): FileFormat {
  if (body[0] === 0x50 && body[1] === 0x4b && body[2] === 0x03 && body[3] === 0x04) return 'xlsx';
  if (body[0] === 0xd0 && body[1] === 0xcf && body[2] === 0x11 && body[3] === 0xe0) {
    // An OLE compound file: old .xls, or an .xlsx saved with a password (Excel encrypts the
    // package and wraps it in a compound file with EncryptionInfo and EncryptedPackage streams).
    if (isEncryptedPackage(body)) {
      throw new UploadFileError(
        'The workbook is protected with a password (it is encrypted), so it cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password, clear it), save and upload again. 工作簿设有打开密码（已加密），请在 Excel 中取消密码后重新上传。',
        'encrypted_xlsx',
      );
    }
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

/** UTF-16LE names of the streams of an encrypted OOXML package (MS-OFFCRYPTO 2.3.4). */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/**
 * Whether a compound file holds an encrypted OOXML package: its directory names both streams
 * (names are stored as UTF-16LE in 128-byte directory entries, so a byte search finds them;
 * an .xls has neither stream, and cell text in BIFF is not stored as these exact names twice).
 */
function isEncryptedPackage(body: Uint8Array): boolean {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return bytes.includes(ENCRYPTION_INFO) && bytes.includes(ENCRYPTED_PACKAGE);
}

/** Encoding of a CSV and how many BOM bytes to skip. */
export function detectEncoding(
  body: Uint8Array,
  options: { headOnly?: boolean } = {},
): { encoding: CsvEncoding; bomLength: number } {
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
  // `headOnly`: `body` is the start of a stream, so UTF-8 is only assumed; the reader decodes
  // it strictly and, at the first invalid byte, reads the file again in a Chinese encoding.
  if (options.headOnly || isUtf8(body)) return { encoding: 'utf8', bomLength: 0 };
  return { encoding: chooseChineseEncoding(body.subarray(0, 65536)), bomLength: 0 };
}

/** What a legacy Chinese text decodes to when the bytes are not of that encoding. */
const NOT_TEXT = /[\uFFFD\uE000-\uF8FF]/u;

/** Kana, Greek, Cyrillic, box drawing: GB2312 rows 0xA4–0xA9, where Big5's commonest characters fall. */
const BIG5_FREQUENT_AS_GBK = /[\u3040-\u30FF\u0370-\u03FF\u0400-\u04FF\u2500-\u257F]/u;

/**
 * GBK (GB18030) or Big5 for a CSV that is not UTF-8: Excel writes "CSV" in the ANSI code page,
 * GBK on Simplified-Chinese Windows, Big5 (code page 950) on Traditional-Chinese Windows. Both
 * use lead bytes 0x81–0xFE, so the rule is:
 *
 * 1. Decode the sample as both. A decoding with a replacement or private-use character is
 *    not the file's encoding (Big5 has no trail bytes 0x80–0xA0, which GBK uses for every
 *    character outside GB2312, traditional ones included; GBK has no lead byte unused by Big5
 *    text, but Big5's user-defined area decodes to private use).
 * 2. If only one is clean, that one. If neither, GBK (GB18030), whose error then names it.
 * 3. If both are clean, every pair is valid in both. Big5 puts about half of its characters on
 *    trail bytes 0x40–0x7E; GB2312 (simplified text) never does, and GBK does only for
 *    characters outside GB2312, which almost always come with trail bytes 0x80–0xA0 (ruled out
 *    in step 1). So a pair with a trail byte 0x40–0x7E means Big5. So does kana, Greek,
 *    Cyrillic or box drawing in the GBK reading: GB2312 rows 0xA4–0xA9 hold those, and Big5
 *    puts its most frequent characters (1–5 strokes: 日 中 人 大 …) on exactly those lead
 *    bytes, while Chinese text in GBK almost never uses them. Otherwise GBK.
 * 4. parseUpload then checks the choice against the header (csv-reader.ts
 *    `confirmChineseEncoding`): if the first record is a header the configuration recognises
 *    in exactly one of the two encodings, that one wins. So a short file the bytes cannot
 *    decide is still read right, or fails with the header as written in the chosen encoding.
 */
export function chooseChineseEncoding(sample: Uint8Array): 'gb18030' | 'big5' {
  // Cut the sample at the last line break so no character is cut in half.
  const lastBreak = sample.lastIndexOf(0x0a);
  const bytes = lastBreak > 0 && sample.length >= 65536 ? sample.subarray(0, lastBreak + 1) : sample;
  const asGbk = createDecoder('gb18030');
  const asBig5 = createDecoder('big5');
  const gbkText = asGbk.write(bytes) + asGbk.end();
  const gbkClean = !NOT_TEXT.test(gbkText);
  const big5Clean = !NOT_TEXT.test(asBig5.write(bytes) + asBig5.end());
  if (gbkClean !== big5Clean) return big5Clean ? 'big5' : 'gb18030';
  if (!gbkClean) return 'gb18030';
  if (BIG5_FREQUENT_AS_GBK.test(gbkText)) return 'big5';
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x81) continue;
    const trail = bytes[i + 1] ?? 0;
    if (trail >= 0x40 && trail <= 0x7e) return 'big5';
    i++;
  }
  return 'gb18030';
}

const iconvName: Record<CsvEncoding, string> = {
  utf8: 'utf8',
  utf16le: 'utf16le',
  utf16be: 'utf16-be',
  gb18030: 'gb18030',
  // Code page 950 (what Windows calls Big5), not iconv-lite's `big5` (Big5-HKSCS), whose extra
  // Hong Kong characters would make GBK text look like clean Big5.
  big5: 'cp950',
};

export const ENCODING_LABEL: Record<CsvEncoding, string> = {
  utf8: 'UTF-8',
  utf16le: 'UTF-16LE (Unicode text)',
  utf16be: 'UTF-16BE',
  gb18030: 'GBK/GB18030 (Excel CSV on Chinese Windows)',
  big5: 'Big5 (Excel CSV on Traditional-Chinese Windows)',
};

/** A streaming decoder: `write(chunk)` returns text, `end()` the rest. */
export interface TextChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/** Strict UTF-8 decoding met a byte sequence that is not UTF-8 (the file is in another encoding). */
export class NotUtf8Error extends Error {
  constructor() {
    super('not UTF-8');
    this.name = 'NotUtf8Error';
  }
}

/**
 * A decoder fed chunk by chunk: a character split between two chunks is decoded whole.
 * `strictUtf8` throws {@link NotUtf8Error} on the first invalid UTF-8 sequence instead of
 * writing U+FFFD (for a stream whose encoding was only assumed from its head).
 */
export function createDecoder(encoding: CsvEncoding, strictUtf8 = false): TextChunkDecoder {
  if (encoding === 'utf8') {
    const decoder = new TextDecoder('utf-8', { fatal: strictUtf8 });
    const strict = <T>(decode: () => T): T => {
      try {
        return decode();
      } catch (error) {
        if (strictUtf8 && error instanceof TypeError) throw new NotUtf8Error();
        throw error;
      }
    };
    return {
      write: (chunk) => strict(() => decoder.decode(chunk, { stream: true })),
      end: () => strict(() => decoder.decode()),
    };
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
