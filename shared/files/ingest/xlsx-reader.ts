/**
 * Streams the rows of one sheet of an XLSX upload, after the zip directory passed the bomb
 * checks. Picks the sheet named for the upload kind (English, simplified or traditional
 * Chinese) or else the first sheet, and reads SpreadsheetML itself: the workbook part lists,
 * the styles (which numbers are dates) and the shared strings with saxes, and the sheet, by far
 * the biggest part, with the purpose-built {@link SheetXmlScanner} (saxes cost about 5 s of CPU
 * on a 200k-row sheet, see sheet-xml-scanner.ts). Inflated bytes go through one streaming
 * TextDecoder per part, so a character cut at an inflate chunk boundary is decoded whole
 * (exceljs's streaming reader decoded each chunk on its own and turned such characters into
 * U+FFFD).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { UploadKind } from '../../ports/index.ts';
import { KIND_SHEET_NAMES, UploadFileError } from './errors.ts';
import { type CellValue, foldName } from './normalize.ts';
import type { RawRow } from './rows.ts';
import { type ScannedCell, SheetXmlError, SheetXmlScanner } from './sheet-xml-scanner.ts';
import {
  checkZipLimits,
  corrupt,
  inflateZipEntry,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
  type ZipLimits,
} from './zip-guard.ts';

export interface SheetInfo {
  readonly name: string;
  /** N of `xl/worksheets/sheetN.xml` ('' when the part is named otherwise). */
  readonly fileNo: string;
  /** The sheet's part in the zip, e.g. `xl/worksheets/sheet1.xml`. */
  readonly path: string;
}

/** What the workbook part lists say: the worksheets in order, the date system, the part paths. */
interface WorkbookInfo {
  readonly entries: readonly ZipEntry[];
  readonly sheets: SheetInfo[];
  /** Dates count from 1904-01-01 (old Mac Excel) instead of 1899-12-30. */
  readonly date1904: boolean;
  readonly sharedStrings: string;
  readonly styles: string;
}

/** saxes without namespaces or positions: attributes are plain strings, and it runs faster. */
type Plain = { xmlns: false; position: false };
const xmlParser = () => new SaxesParser<Plain>({ xmlns: false, position: false });

/** The local name of a tag or attribute (`x:row` → `row`): some writers prefix SpreadsheetML. */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by local name (`r:id`, `ns2:id` …). */
function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const direct = tag.attributes[name];
  if (direct !== undefined) return direct;
  for (const key in tag.attributes) if (local(key) === name) return tag.attributes[key];
  return undefined;
}

/** Turns a saxes failure (malformed XML) into the "damaged workbook" message. */
function xmlFailure(error: unknown, part: string): never {
  if (error instanceof UploadFileError) throw error;
  throw corrupt(`bad XML in ${part}`);
}

/** Parses a small part whole. */
function parseSmallPart(
  body: Uint8Array,
  entry: ZipEntry,
  onOpen: (name: string, tag: SaxesTagPlain) => void,
): void {
  const parser = xmlParser();
  parser.on('opentag', (tag) => onOpen(local(tag.name), tag));
  try {
    parser.write(new TextDecoder().decode(readZipEntry(body, entry))).close();
  } catch (error) {
    xmlFailure(error, entry.name);
  }
}

/** Streams a big part through saxes: one decoder, so no character is cut at a chunk boundary. */
async function* parseLargePart(
  body: Uint8Array,
  entry: ZipEntry,
  parser: SaxesParser<Plain>,
): AsyncGenerator<void> {
  const decoder = new TextDecoder();
  try {
    for await (const chunk of inflateZipEntry(body, entry)) {
      parser.write(decoder.decode(chunk, { stream: true }));
      yield;
    }
    parser.write(decoder.decode()).close();
  } catch (error) {
    xmlFailure(error, entry.name);
  }
  yield;
}

/** A relationship target, relative to `xl/` unless absolute, as a zip entry name. */
function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = ['xl'];
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function findEntry(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  const lower = name.toLowerCase();
  return entries.find((e) => e.name === name) ?? entries.find((e) => e.name.toLowerCase() === lower);
}

function readWorkbook(body: Uint8Array, limits?: ZipLimits): WorkbookInfo {
  const entries = readZipDirectory(body);
  checkZipLimits(entries, limits);
  const workbook = findEntry(entries, 'xl/workbook.xml');
  const rels = findEntry(entries, 'xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) {
    throw new UploadFileError(
      'This zip file is not an Excel workbook (no xl/workbook.xml). Save the data as "Excel Workbook (.xlsx)" or "CSV UTF-8" and upload again.',
      'corrupt_xlsx',
    );
  }
  const targets = new Map<string, { type: string; path: string }>();
  let sharedStrings = 'xl/sharedStrings.xml';
  let styles = 'xl/styles.xml';
  parseSmallPart(body, rels, (name, tag) => {
    if (name !== 'Relationship') return;
    const id = attr(tag, 'Id');
    const target = attr(tag, 'Target');
    if (!id || !target) return;
    const type = attr(tag, 'Type') ?? '';
    const path = resolveTarget(target);
    targets.set(id, { type, path });
    if (type.endsWith('/sharedStrings')) sharedStrings = path;
    else if (type.endsWith('/styles')) styles = path;
  });
  const sheets: SheetInfo[] = [];
  let date1904 = false;
  parseSmallPart(body, workbook, (name, tag) => {
    if (name === 'workbookPr') {
      const flag = attr(tag, 'date1904');
      date1904 = flag === '1' || flag === 'true';
    } else if (name === 'sheet') {
      const rel = targets.get(attr(tag, 'id') ?? '');
      if (!rel) return;
      // Chart sheets and dialog sheets hold no cells.
      const isWorksheet = rel.type ? rel.type.endsWith('/worksheet') : /sheet\d*\.xml$/i.test(rel.path);
      if (!isWorksheet) return;
      const fileNo = /sheet(\d+)\.xml$/i.exec(rel.path)?.[1] ?? '';
      sheets.push({ name: attr(tag, 'name') ?? '', fileNo, path: rel.path });
    }
  });
  if (sheets.length === 0) {
    throw new UploadFileError(
      'The workbook has no worksheet. Put the data on a sheet and upload again.',
      'no_sheet',
    );
  }
  return { entries, sheets, date1904, sharedStrings, styles };
}

/** Sheets in workbook order, read from `xl/workbook.xml` and its relationships. */
export function listSheets(body: Uint8Array, limits?: ZipLimits): SheetInfo[] {
  return readWorkbook(body, limits).sheets;
}

/** The sheet to read: the one named for the kind, else the first. */
export function chooseSheet(sheets: readonly SheetInfo[], kind: UploadKind): SheetInfo {
  const wanted = new Set(KIND_SHEET_NAMES[kind].map(foldName));
  return sheets.find((s) => wanted.has(foldName(s.name))) ?? sheets[0]!;
}

/** How a number format shows a number: only dates change the value the reader yields. */
enum Shown {
  Number = 0,
  Date = 1,
  /** 0.032 shown as 3.2 %: the cell already holds the fraction and is yielded as it is. */
  Percent = 2,
}

/** Built-in formats that show dates or times (14–22, 45–47 and the CJK ones 27–36, 50–58). */
function builtinShown(id: number): Shown {
  if (id === 9 || id === 10) return Shown.Percent;
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) {
    return Shown.Date;
  }
  return Shown.Number;
}

/** Classifies a custom format code, e.g. `yyyy"年"m"月"d"日"` → date, `0.0%` → percent. */
export function formatShows(code: string): 'number' | 'date' | 'percent' {
  const bare = code
    .replace(/"[^"]*"/g, '') // literal text
    .replace(/\\.|[_*]./g, '') // escaped characters, padding and fill
    .replace(/\[[^\]]*\]/g, '') // colours, locales, conditions, [h] elapsed time
    .replace(/general/gi, '')
    .replace(/e[-+]/gi, ''); // scientific notation
  if (bare.includes('%')) return 'percent';
  return /[ymdhsb]/i.test(bare) ? 'date' : 'number';
}

const SHOWN = { number: Shown.Number, date: Shown.Date, percent: Shown.Percent } as const;

/** What each cell style index (`<c s>`) shows its number as. */
function readStyles(body: Uint8Array, entry: ZipEntry | undefined): Uint8Array {
  if (!entry) return new Uint8Array(0);
  const custom = new Map<number, Shown>();
  const xfs: number[] = [];
  let inCellXfs = false;
  const parser = xmlParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 'numFmt') {
      const id = Number(attr(tag, 'numFmtId'));
      custom.set(id, SHOWN[formatShows(attr(tag, 'formatCode') ?? '')]);
    } else if (name === 'cellXfs') inCellXfs = !tag.isSelfClosing;
    else if (name === 'xf' && inCellXfs) xfs.push(Number(attr(tag, 'numFmtId') ?? 0));
  });
  parser.on('closetag', (tag) => {
    if (local(tag.name) === 'cellXfs') inCellXfs = false;
  });
  try {
    parser.write(new TextDecoder().decode(readZipEntry(body, entry))).close();
  } catch (error) {
    xmlFailure(error, entry.name);
  }
  return Uint8Array.from(xfs, (id) => custom.get(id) ?? builtinShown(id));
}

/** Undoes the `_xHHHH_` escapes SpreadsheetML uses for control characters (`_x000D_` = CR). */
function unescapeText(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;
}

/** The shared string table: plain and rich-text items as plain text, phonetic runs left out. */
async function readSharedStrings(body: Uint8Array, entry: ZipEntry | undefined): Promise<string[]> {
  const strings: string[] = [];
  if (!entry) return strings;
  let text = '';
  let inText = false;
  let inPhonetic = false;
  const parser = xmlParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 't') inText = !inPhonetic && !tag.isSelfClosing;
    else if (name === 'si') text = '';
    else if (name === 'rPh') inPhonetic = !tag.isSelfClosing;
  });
  parser.on('text', (chunk) => {
    if (inText) text += chunk;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === 't') inText = false;
    else if (name === 'si') strings.push(unescapeText(text));
    else if (name === 'rPh') inPhonetic = false;
  });
  for await (const _ of parseLargePart(body, entry, parser)) {
    // the handlers collect the strings
  }
  return strings;
}

const MS_PER_DAY = 86_400_000;

/** An Excel date serial as exceljs turns it into a Date (UTC, fractions are the time of day). */
function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * MS_PER_DAY));
}

/**
 * Yields the rows of the chosen sheet that hold at least one value, numbered as in Excel
 * (header = row 1 if the sheet starts there). Cells are plain values: numbers (percent cells
 * hold their fraction), Dates for date-formatted numbers (1900 or 1904 date system), strings
 * (shared, inline, rich text joined), booleans, the cached result of a formula, and a
 * {@link CellValue} error for error cells and formulas without a usable result. Missing cells
 * are null; trailing empty cells are not yielded.
 */
export async function* readXlsxRows(
  body: Uint8Array,
  kind: UploadKind,
  limits?: ZipLimits,
): AsyncGenerator<RawRow & { sheet: string }> {
  for await (const batch of readXlsxRowBatches(body, kind, limits)) yield* batch;
}

/**
 * {@link readXlsxRows} a batch at a time: the rows of one inflated chunk (a few hundred), so a
 * caller that loops over 10⁵ rows awaits once per chunk instead of once per row.
 */
export async function* readXlsxRowBatches(
  body: Uint8Array,
  kind: UploadKind,
  limits?: ZipLimits,
): AsyncGenerator<(RawRow & { sheet: string })[]> {
  const book = readWorkbook(body, limits);
  const sheet = chooseSheet(book.sheets, kind);
  const sheetEntry = findEntry(book.entries, sheet.path);
  if (!sheetEntry) throw corrupt(`no part ${sheet.path} for sheet "${sheet.name}"`);
  const shown = readStyles(body, findEntry(book.entries, book.styles));
  const shared = await readSharedStrings(body, findEntry(book.entries, book.sharedStrings));
  const { date1904 } = book;
  const sheetName = sheet.name;

  let ready: (RawRow & { sheet: string })[] = [];
  let rowNo = 0;
  let cells: CellValue[] | null = null;

  const cellValue = (cell: ScannedCell): CellValue => {
    const { type, value, hasValue } = cell;
    if (type === 's') {
      if (!hasValue) return null;
      const text = shared[Number(value)];
      if (text === undefined) throw corrupt(`cell refers to shared string ${value}, which does not exist`);
      return text;
    }
    if (type === 'inlineStr') {
      return cell.hasInline ? unescapeText(cell.inline) : hasValue ? unescapeText(value) : null;
    }
    // A formula without a saved result, or whose result is an error: the uploader is told the
    // formula and the usual error codes (the value column of the error workbook shows `=formula`).
    if (cell.hasFormula && (!hasValue || type === 'e')) return { error: '#ERROR', formula: cell.formula };
    if (!hasValue) return null;
    switch (type) {
      case 'str':
        return unescapeText(value);
      case 'b':
        return value.trim() === '1' || value.trim().toLowerCase() === 'true';
      case 'e':
        return { error: value.trim() || '#ERROR' };
      case 'd': {
        const text = value.trim();
        const date = new Date(/[zZ]|[-+]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`);
        return Number.isNaN(date.getTime()) ? text : date;
      }
      default: {
        const text = value.trim();
        const number = Number(text);
        if (text === '' || Number.isNaN(number)) return text === '' ? null : text;
        return shown[cell.style] === Shown.Date ? serialToDate(number, date1904) : number;
      }
    }
  };

  const scanner = new SheetXmlScanner({
    row(n) {
      rowNo = n;
      cells = [];
    },
    cell(cell) {
      if (!cells) return;
      const v = cellValue(cell);
      if (v === null) return;
      const { col } = cell;
      while (cells.length < col) cells.push(null);
      if (cells.length === col) cells.push(v);
      else cells[col] = v;
    },
    rowEnd() {
      if (cells && cells.length > 0) ready.push({ row: rowNo, cells, sheet: sheetName });
      cells = null;
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of inflateZipEntry(body, sheetEntry)) {
      scanner.write(decoder.decode(chunk, { stream: true }));
      if (ready.length === 0) continue;
      const batch = ready;
      ready = [];
      yield batch;
    }
    scanner.write(decoder.decode());
    scanner.end();
  } catch (error) {
    if (error instanceof SheetXmlError) throw corrupt(`bad XML in ${sheetEntry.name}: ${error.message}`);
    throw error;
  }
  if (ready.length > 0) yield ready;
}
