/**
 * Reads an XLSX (zip) central directory from the buffer before anything is inflated, so a
 * zip bomb is rejected with a message instead of exhausting the Lambda's memory. Inflates
 * the small parts whole and streams the big ones (sheet, shared strings), never past the
 * size the directory declared (and the limits accepted).
 */
import { Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { UploadFileError } from './errors.ts';

export interface ZipLimits {
  /** Most entries an XLSX may have. */
  readonly maxEntries: number;
  /** Most bytes all entries may inflate to. */
  readonly maxUncompressedBytes: number;
  /** Highest inflate ratio of an entry larger than 1 MB. */
  readonly maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

/** The error for a file that is not a readable workbook; `detail` says what is wrong. */
export function corrupt(detail: string): UploadFileError {
  return new UploadFileError(
    `The workbook is damaged or not a real .xlsx file (${detail}). Open it in Excel, save it again as "Excel Workbook (.xlsx)" and upload it. 工作簿已损坏，请在 Excel 中重新保存为 .xlsx。`,
    'corrupt_xlsx',
  );
}

/** Lists the entries of the zip from its central directory (no inflating). */
export function readZipDirectory(body: Uint8Array): ZipEntry[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let eocd = -1;
  for (let i = body.length - 22; i >= Math.max(0, body.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt('no zip directory');
  const count = view.getUint16(eocd + 10, true);
  const size = view.getUint32(eocd + 12, true);
  const offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    throw new UploadFileError(
      'The workbook is a ZIP64 archive with too many or too large parts to check safely. Save it again as a normal .xlsx (or split it) and upload it. 工作簿过大，请拆分后上传。',
      'zip_limits',
    );
  }
  if (offset + size > body.length) throw corrupt('zip directory outside the file');
  const entries: ZipEntry[] = [];
  let at = offset;
  const names = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (at + 46 > body.length || view.getUint32(at, true) !== 0x02014b50) throw corrupt('bad zip entry');
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    entries.push({
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
      // Some writers (older .NET and PHP zip code) separate folders with backslashes, and a
      // leading slash turns up too: every mature reader accepts both, so names are normalised.
      name: names
        .decode(body.subarray(at + 46, at + 46 + nameLength))
        .replace(/\\/g, '/')
        .replace(/^\/+/, ''),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry of a part name, compared case-insensitively when no entry has exactly that name. */
export function findEntry(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  const lower = name.toLowerCase();
  return entries.find((e) => e.name === name) ?? entries.find((e) => e.name.toLowerCase() === lower);
}

/** Throws an {@link UploadFileError} when the archive's declared sizes look like a zip bomb. */
export function checkZipLimits(entries: readonly ZipEntry[], limits: ZipLimits = DEFAULT_ZIP_LIMITS): void {
  const refuse = (what: string) =>
    new UploadFileError(
      `The workbook was refused before opening because ${what}; this looks like a damaged file or a "zip bomb". Re-export the data as a normal .xlsx or CSV UTF-8 (split very large files) and upload again. 工作簿异常（疑似压缩炸弹），已拒绝。`,
      'zip_limits',
    );
  if (entries.length > limits.maxEntries) {
    throw refuse(`it has ${entries.length} parts (at most ${limits.maxEntries} are allowed)`);
  }
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    if (entry.uncompressedSize > 1024 * 1024) {
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (ratio > limits.maxRatio) {
        throw refuse(
          `its part ${entry.name} would inflate ${Math.round(ratio)}× (at most ${limits.maxRatio}× is allowed)`,
        );
      }
    }
  }
  if (total > limits.maxUncompressedBytes) {
    throw refuse(
      `it would inflate to ${Math.round(total / 1048576)} MB (at most ${Math.round(limits.maxUncompressedBytes / 1048576)} MB)`,
    );
  }
}

/** The compressed bytes of an entry, found through its local header. */
function entryData(body: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > body.length || view.getUint32(at, true) !== 0x04034b50)
    throw corrupt(`bad part ${entry.name}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (entry.method !== 0 && entry.method !== 8) throw corrupt(`unsupported compression in ${entry.name}`);
  return body.subarray(start, start + entry.compressedSize);
}

/** The most a part read whole (workbook, relationships, styles) may inflate to. */
export const WHOLE_PART_LIMIT = 16 * 1024 * 1024;

/** Inflates one small entry (the workbook part lists, styles), capped at `maxBytes`. */
export function readZipEntry(body: Uint8Array, entry: ZipEntry, maxBytes = WHOLE_PART_LIMIT): Uint8Array {
  if (entry.uncompressedSize > maxBytes) {
    throw new UploadFileError(
      `The workbook was refused because its part ${entry.name} inflates to ${Math.round(entry.uncompressedSize / 1048576)} MB, and a part of that kind is read whole (at most ${Math.round(maxBytes / 1048576)} MB). Re-export the data as a normal .xlsx or CSV UTF-8 and upload again. 工作簿结构部件过大，已拒绝。`,
      'zip_limits',
    );
  }
  const data = entryData(body, entry);
  if (entry.method === 0) return data;
  try {
    return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    throw corrupt(`cannot inflate ${entry.name}`);
  }
}

/** Compressed input is fed to zlib in slices this big, so the inflated output stays a few chunks. */
const INPUT_SLICE = 64 * 1024;

/**
 * Streams the inflated bytes of an entry (the sheet, the shared strings) in chunks of about
 * `chunkSize`. The entry's declared size passed {@link checkZipLimits}; inflating more than it
 * declared is refused as a damaged (or lying) file, so the limits hold for the real bytes too.
 */
export async function* inflateZipEntry(
  body: Uint8Array,
  entry: ZipEntry,
  chunkSize = 256 * 1024,
): AsyncGenerator<Uint8Array> {
  const data = entryData(body, entry);
  if (entry.method === 0) {
    for (let at = 0; at < data.length; at += chunkSize) yield data.subarray(at, at + chunkSize);
    return;
  }
  const inflate = createInflateRaw({ chunkSize });
  const slices = function* () {
    for (let at = 0; at < data.length; at += INPUT_SLICE) yield data.subarray(at, at + INPUT_SLICE);
  };
  Readable.from(slices(), { objectMode: false }).pipe(inflate);
  let total = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > entry.uncompressedSize) throw corrupt(`part ${entry.name} is larger than it declares`);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof UploadFileError) throw error;
    throw corrupt(`cannot inflate ${entry.name}`);
  } finally {
    inflate.destroy();
  }
}
