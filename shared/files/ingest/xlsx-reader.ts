/**
 * Streams the rows of one sheet of an XLSX upload, after the zip directory passed the bomb
 * checks. Finds the parts through the package relationships (xlsx-package.ts), picks the
 * sheet named for the upload kind (English, simplified or traditional Chinese) or else the
 * first visible sheet, and reads SpreadsheetML itself: the workbook part lists, the styles (which numbers are dates) and the shared strings with saxes, and the sheet, by far
 * the biggest part, with the purpose-built {@link SheetXmlScanner} (saxes cost about 5 s of CPU
 * on a 200k-row sheet, see sheet-xml-scanner.ts). Inflated bytes go through one streaming
 * TextDecoder per part, so a character cut at an inflate chunk boundary is decoded whole
 * (exceljs's streaming reader decoded each chunk on its own and turned such characters into
 * U+FFFD).
 */

import type { SaxesParser } from 'saxes';
import type { UploadKind } from '../../ports/index.ts';
import { KIND_SHEET_NAMES } from './errors.ts';
import { defaultMemoryBudget, KeptText, memoryRefusal } from './memory-budget.ts';
import { type CellValue, foldName, UNCALCULATED } from './normalize.ts';
import type { RawRow } from './rows.ts';
import { type ScannedCell, SheetXmlError, SheetXmlScanner } from './sheet-xml-scanner.ts';
import {
  attr,
  local,
  type Plain,
  readWorkbookInfo,
  type SheetInfo,
  xmlFailure,
  xmlParser,
} from './xlsx-package.ts';
import {
  checkZipLimits,
  corrupt,
  findEntry,
  inflateZipEntry,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
  type ZipLimits,
} from './zip-guard.ts';

export type { SheetInfo } from './xlsx-package.ts';

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

/** The zip directory, checked against the zip limits, and what the workbook part lists say. */
function openWorkbook(body: Uint8Array, limits?: ZipLimits) {
  const entries = readZipDirectory(body);
  checkZipLimits(entries, limits);
  return { entries, ...readWorkbookInfo(body, entries) };
}

/** Sheets in workbook order, read from the workbook part and its relationships. */
export function listSheets(body: Uint8Array, limits?: ZipLimits): SheetInfo[] {
  return openWorkbook(body, limits).sheets;
}

/**
 * The sheet to read: the one named for the kind (even when hidden: the name says it is the
 * data), else the first visible sheet (a hidden first sheet is a lookup table or a macro's
 * scratch area, not what the uploader sees), else the first sheet.
 */
export function chooseSheet(sheets: readonly SheetInfo[], kind: UploadKind): SheetInfo {
  const wanted = new Set(KIND_SHEET_NAMES[kind].map(foldName));
  return (
    sheets.find((s) => wanted.has(foldName(s.name))) ??
    sheets.find((s) => s.state === 'visible') ??
    sheets[0]!
  );
}

/** How a number format shows a number: dates and elapsed times change the value the reader yields. */
enum Shown {
  Number = 0,
  Date = 1,
  /** 0.032 shown as 3.2 %: the cell already holds the fraction and is yielded as it is. */
  Percent = 2,
  /** `[h]:mm`: a duration in days shown as hours; yielded as the hours shown (1.5 days → 36). */
  ElapsedHours = 3,
  /** `[m]:ss`: yielded as minutes. */
  ElapsedMinutes = 4,
  /** `[s]`: yielded as seconds. */
  ElapsedSeconds = 5,
}

/** Built-in formats that show dates or times (14–22, 45–47 and the CJK ones 27–36, 50–58). */
function builtinShown(id: number): Shown {
  if (id === 9 || id === 10) return Shown.Percent;
  if (id === 46) return Shown.ElapsedHours; // [h]:mm:ss
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)) {
    return Shown.Date;
  }
  return Shown.Number;
}

export type FormatKind = 'number' | 'date' | 'percent' | 'hours' | 'minutes' | 'seconds';

/**
 * Classifies a custom format code, e.g. `yyyy"年"m"月"d"日"` → date, `0.0%` → percent,
 * `[h]:mm` → hours (an elapsed time: Excel shows 1.5 as 36:00, not as a date).
 */
export function formatShows(code: string): FormatKind {
  const section = code.split(';')[0] ?? '';
  const elapsed = /\[(h+|m+|s+)\]/i.exec(section.replace(/"[^"]*"/g, ''));
  if (elapsed) {
    const unit = elapsed[1]![0]!.toLowerCase();
    return unit === 'h' ? 'hours' : unit === 'm' ? 'minutes' : 'seconds';
  }
  const bare = code
    .replace(/"[^"]*"/g, '') // literal text
    .replace(/\\.|[_*]./g, '') // escaped characters, padding and fill
    .replace(/\[[^\]]*\]/g, '') // colours, locales, conditions
    .replace(/general/gi, '')
    .replace(/e[-+]/gi, ''); // scientific notation
  if (bare.includes('%')) return 'percent';
  return /[ymdhsb]/i.test(bare) ? 'date' : 'number';
}

const SHOWN: Record<FormatKind, Shown> = {
  number: Shown.Number,
  date: Shown.Date,
  percent: Shown.Percent,
  hours: Shown.ElapsedHours,
  minutes: Shown.ElapsedMinutes,
  seconds: Shown.ElapsedSeconds,
};

/** Units per day of the elapsed-time formats, indexed by {@link Shown} (1 for the others). */
const PER_DAY: readonly number[] = [1, 1, 1, 24, 24 * 60, 24 * 60 * 60];

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

/**
 * The shared string table: plain and rich-text items as plain text, phonetic runs left out.
 * The table is kept whole (any cell may refer to any string), so it is what a workbook can
 * blow up: its inflated size is checked against the memory budget before it is read, and the
 * characters kept are counted while it is read (many tiny strings cost more than their XML).
 */
async function readSharedStrings(
  body: Uint8Array,
  entry: ZipEntry | undefined,
  budgetBytes: number,
): Promise<string[]> {
  const strings: string[] = [];
  if (!entry) return strings;
  const what = `its text table (${entry.name}, ${Math.ceil(entry.uncompressedSize / 1048576).toLocaleString('en-US')} MB inflated)`;
  if (entry.uncompressedSize > budgetBytes) throw memoryRefusal(what, entry.uncompressedSize, budgetBytes);
  const kept = new KeptText(budgetBytes, what);
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
    if (!inText) return;
    text += chunk;
    kept.add(chunk.length);
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === 't') inText = false;
    else if (name === 'si') {
      strings.push(unescapeText(text));
      kept.add(0, 1);
    } else if (name === 'rPh') inPhonetic = false;
  });
  for await (const _ of parseLargePart(body, entry, parser)) {
    // the handlers collect the strings
  }
  return strings;
}

const MS_PER_DAY = 86_400_000;

/** Serial 60 of the 1900 system: 1900-02-29, a day that never was (Lotus 1-2-3's leap-year bug). */
const PHANTOM_LEAP_DAY = 60;

/**
 * An Excel date serial as a Date (UTC, fractions are the time of day). In the 1900 system with
 * the leap-year bug (Excel's), serials 1–59 are 1900-01-01 … 02-28: one day later than counting
 * from 1899-12-30, which is right from serial 61 (1900-03-01) on; serial 60 is the phantom
 * 1900-02-29 and yields an invalid Date. Serials below 1 are times of day and keep their
 * 1899-12-30 base, as every reader gives them.
 */
export function serialToDate(serial: number, system: { date1904: boolean; leapBug1900: boolean }): Date {
  if (system.date1904) return new Date(Math.round((serial - 25569 + 1462) * MS_PER_DAY));
  if (system.leapBug1900 && serial >= 1 && serial < PHANTOM_LEAP_DAY + 1) {
    if (serial >= PHANTOM_LEAP_DAY) return new Date(Number.NaN);
    return new Date(Math.round((serial - 25569 + 1) * MS_PER_DAY));
  }
  return new Date(Math.round((serial - 25569) * MS_PER_DAY));
}

/**
 * Yields the rows of the chosen sheet that hold at least one value, numbered as in Excel
 * (header = row 1 if the sheet starts there). Cells are plain values: numbers (percent cells
 * hold their fraction, elapsed times the hours, minutes or seconds shown), Dates for
 * date-formatted numbers (1900 or 1904 date system, see {@link serialToDate}), strings
 * (shared, inline, rich text joined), booleans, the cached result of a formula, and a
 * {@link CellValue} error for error cells and formulas without a usable result. Missing cells
 * and empty values (`<v/>`) are null; trailing empty cells are not yielded. The shared strings
 * must fit `memoryBudget` bytes (default: {@link defaultMemoryBudget}).
 */
export async function* readXlsxRows(
  body: Uint8Array,
  kind: UploadKind,
  limits?: ZipLimits,
  memoryBudget?: number,
): AsyncGenerator<RawRow & { sheet: string }> {
  for await (const batch of readXlsxRowBatches(body, kind, limits, memoryBudget)) yield* batch;
}

/**
 * {@link readXlsxRows} a batch at a time: the rows of one inflated chunk (a few hundred), so a
 * caller that loops over 10⁵ rows awaits once per chunk instead of once per row.
 */
export async function* readXlsxRowBatches(
  body: Uint8Array,
  kind: UploadKind,
  limits?: ZipLimits,
  memoryBudget: number = defaultMemoryBudget(),
): AsyncGenerator<(RawRow & { sheet: string })[]> {
  const book = openWorkbook(body, limits);
  const sheet = chooseSheet(book.sheets, kind);
  const sheetEntry = findEntry(book.entries, sheet.path);
  if (!sheetEntry) throw corrupt(`no part ${sheet.path} for sheet "${sheet.name}"`);
  const shown = readStyles(body, findEntry(book.entries, book.styles));
  const shared = await readSharedStrings(body, findEntry(book.entries, book.sharedStrings), memoryBudget);
  const sheetName = sheet.name;

  let ready: (RawRow & { sheet: string })[] = [];
  let rowNo = 0;
  let cells: CellValue[] | null = null;

  const cellValue = (cell: ScannedCell): CellValue => {
    const { type, value, hasValue } = cell;
    if (type === 's') {
      // `<v/>` (several writers put it in empty cells) is a blank cell, not shared string 0.
      if (!hasValue || value === '') return null;
      const text = shared[Number(value)];
      if (text === undefined) throw corrupt(`cell refers to shared string ${value}, which does not exist`);
      return text;
    }
    if (type === 'inlineStr') {
      return cell.hasInline ? unescapeText(cell.inline) : hasValue ? unescapeText(value) : null;
    }
    if (cell.hasFormula) {
      // A formula whose result is an error: the uploader is told the formula and the usual
      // error codes (the value column of the error workbook shows `=formula`).
      if (type === 'e') return { error: '#ERROR', formula: cell.formula };
      // No saved result (`<f>…</f>` alone or with `<v/>`): written by a program that does not
      // calculate (openpyxl, exceljs …). A text result may be empty (`t="str"`, `<v></v>`).
      if (!hasValue || (type !== 'str' && value.trim() === '')) {
        return { error: UNCALCULATED, formula: cell.formula };
      }
    }
    if (!hasValue) return null;
    switch (type) {
      case 'str':
        return unescapeText(value);
      case 'b': {
        const text = value.trim().toLowerCase();
        return text === '' ? null : text === '1' || text === 'true';
      }
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
        const how = shown[cell.style];
        if (how === undefined || how === Shown.Number || how === Shown.Percent) return number;
        if (how === Shown.Date) return serialToDate(number, book);
        // Elapsed time, to the millisecond (the serial's binary fraction is never exact).
        return Math.round(number * MS_PER_DAY) / (MS_PER_DAY / PER_DAY[how]!);
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
