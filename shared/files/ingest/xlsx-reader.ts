/**
 * Streams the rows of one sheet of an XLSX upload with exceljs's streaming reader, after the
 * zip directory passed the bomb checks. Picks the sheet named for the upload kind (English,
 * simplified or traditional Chinese) or else the first sheet, and flattens exceljs's cell
 * objects (formula results, rich text, hyperlinks, errors) into plain values.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { UploadKind } from '../../ports/index.ts';
import { KIND_SHEET_NAMES, UploadFileError } from './errors.ts';
import { type CellValue, foldName } from './normalize.ts';
import type { RawRow } from './rows.ts';
import { checkZipLimits, readZipDirectory, readZipEntry, type ZipLimits } from './zip-guard.ts';

export interface SheetInfo {
  readonly name: string;
  /** N of `xl/worksheets/sheetN.xml`. */
  readonly fileNo: string;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeXml(m[1]!) : undefined;
}

/** Sheets in workbook order, read from `xl/workbook.xml` and its relationships. */
export function listSheets(body: Uint8Array, limits?: ZipLimits): SheetInfo[] {
  const entries = readZipDirectory(body);
  checkZipLimits(entries, limits);
  const find = (name: string) => entries.find((e) => e.name === name);
  const workbook = find('xl/workbook.xml');
  const rels = find('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) {
    throw new UploadFileError(
      'This zip file is not an Excel workbook (no xl/workbook.xml). Save the data as "Excel Workbook (.xlsx)" or "CSV UTF-8" and upload again.',
      'corrupt_xlsx',
    );
  }
  const text = new TextDecoder();
  const workbookXml = text.decode(readZipEntry(body, workbook));
  const relsXml = text.decode(readZipEntry(body, rels));
  const targets = new Map<string, string>();
  for (const tag of relsXml.match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (id && target) targets.set(id, target);
  }
  const sheets: SheetInfo[] = [];
  for (const tag of workbookXml.match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
    const name = attribute(tag, 'name') ?? '';
    const rid = attribute(tag, 'r:id') ?? /\s\w+:id="([^"]*)"/.exec(tag)?.[1];
    const target = rid ? targets.get(rid) : undefined;
    const fileNo = target ? /sheet(\d+)\.xml$/.exec(target)?.[1] : undefined;
    if (fileNo) sheets.push({ name, fileNo });
  }
  if (sheets.length === 0) {
    throw new UploadFileError(
      'The workbook has no worksheet. Put the data on a sheet and upload again.',
      'no_sheet',
    );
  }
  return sheets;
}

/** The sheet to read: the one named for the kind, else the first. */
export function chooseSheet(sheets: readonly SheetInfo[], kind: UploadKind): SheetInfo {
  const wanted = new Set(KIND_SHEET_NAMES[kind].map(foldName));
  return sheets.find((s) => wanted.has(foldName(s.name))) ?? sheets[0]!;
}

/** Flattens an exceljs cell value to a plain value. */
export function flattenCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) {
      const formula = String(v.formula ?? v.sharedFormula ?? '');
      // The streaming reader drops error results (t="e") or turns them into NaN.
      if (v.result === undefined || (typeof v.result === 'number' && Number.isNaN(v.result))) {
        return { error: '#ERROR', formula };
      }
      const result = flattenCell(v.result);
      return result !== null && typeof result === 'object' && 'error' in result
        ? { ...result, formula }
        : result;
    }
    if (Array.isArray(v.richText)) {
      return (v.richText as { text?: string }[]).map((part) => part.text ?? '').join('');
    }
    if ('text' in v) return flattenCell(v.text);
    if (typeof v.error === 'string') return { error: v.error };
  }
  return String(value);
}

/**
 * exceljs's streaming reader decodes each inflated chunk on its own, so a multi-byte character
 * cut at a chunk boundary becomes U+FFFD. Thrown when a cell shows one, so the caller can read
 * the workbook again with the whole-file reader (which decodes each part as one string).
 */
export class XlsxStreamGlitchError extends Error {
  constructor() {
    super('the streaming XLSX reader garbled a multi-byte character; read the workbook whole');
    this.name = 'XlsxStreamGlitchError';
  }
}

export type XlsxReaderMode = 'stream' | 'load';

/**
 * Yields the rows of the chosen sheet (header = row 1 if the sheet starts there). `stream`
 * (default) keeps memory bounded and throws {@link XlsxStreamGlitchError} on a garbled
 * character; `load` reads the whole workbook at once.
 */
export async function* readXlsxRows(
  body: Uint8Array,
  kind: UploadKind,
  limits?: ZipLimits,
  mode: XlsxReaderMode = 'stream',
): AsyncGenerator<RawRow & { sheet: string }> {
  const sheet = chooseSheet(listSheets(body, limits), kind);
  if (mode === 'load') {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(
      Buffer.from(body.buffer, body.byteOffset, body.byteLength) as unknown as ArrayBuffer,
    );
    const ws = workbook.getWorksheet(sheet.name) ?? workbook.worksheets[0];
    if (!ws) return;
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.findRow(r);
      if (!row) continue;
      const values = row.values as unknown[];
      const cells: CellValue[] = [];
      for (let c = 1; c < values.length; c++) cells.push(flattenCell(values[c]));
      yield { row: r, cells, sheet: sheet.name };
    }
    return;
  }
  const input = Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  for await (const worksheet of reader) {
    const ws = worksheet as unknown as { name?: string; id: number | string } & AsyncIterable<ExcelJS.Row>;
    const isTarget = ws.name !== undefined ? ws.name === sheet.name : String(ws.id) === sheet.fileNo;
    for await (const row of ws) {
      if (!isTarget) continue;
      const values = row.values as unknown[];
      const cells: CellValue[] = [];
      for (let c = 1; c < values.length; c++) {
        const cell = flattenCell(values[c]);
        if (typeof cell === 'string' && cell.includes('\uFFFD')) throw new XlsxStreamGlitchError();
        cells.push(cell);
      }
      yield { row: row.number, cells, sheet: sheet.name };
    }
  }
}
