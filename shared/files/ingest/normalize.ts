/**
 * Text and value normalisation for uploaded cells: headers, numbers, dates and period keys
 * as uploaders really write them (full-width digits, thousands separators, `(1,234)`,
 * `3.2%`, `¥`, `2026年11月22日`, Excel serials …). Pure functions; no I/O.
 */
import { isValidLocalDate, parsePeriodKey } from '../../domain/calendar.ts';
import type { LocalDate, PeriodGrain, PeriodKey } from '../../domain/types.ts';
import { plainNumber } from './plain-number.ts';

/** Headers, sheet names and values are compared in the configuration's one folded form. */
export { foldName } from '../../config/fold-name.ts';

/** A cell value as any reader produces it, before the column's type is known. */
export type CellValue = string | number | boolean | Date | CellError | null;

/**
 * A cell the reader could not turn into one value: an XLSX formula that ended in an error
 * (`#DIV/0!`, `#N/A`, …) or has no saved result, or a CSV number that reads two ways.
 */
export interface CellError {
  /**
   * What the cell shows: the Excel error code (`#DIV/0!`), `#ERROR` when the reader could not
   * tell which, {@link UNCALCULATED} for a formula without a saved result, or the text as
   * written (a number that reads two ways).
   */
  readonly error: string;
  /** The formula, when the error came from one. */
  readonly formula?: string;
  /** What to tell the uploader, when the reader knows better than the formula message. */
  readonly message?: string;
}

/** `error` of a formula cell with no saved result: the writing program never calculated it. */
export const UNCALCULATED = '#UNCALCULATED';

/** What to tell the uploader about a cell that has no usable value. */
export function formulaErrorMessage(error: CellError): string {
  if (error.message) return error.message;
  const what = error.formula ? `The formula =${error.formula}` : 'The cell';
  if (error.error === UNCALCULATED) {
    return `${what} has no saved result: the program that wrote the file (a script or export tool) did not calculate it. Open the file in Excel or WPS, let it calculate, save and upload again — or type the value.`;
  }
  const code =
    error.error === '#ERROR'
      ? 'an error (#DIV/0!, #N/A, #VALUE!, #REF!…) or no saved result'
      : `the error ${error.error}`;
  return `${what} ends in ${code}: fix the formula or type the value, let Excel calculate, save and upload again.`;
}

export function isCellError(value: unknown): value is CellError {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && 'error' in value;
}

/** The text an uploader sees for a cell, for error messages and the error workbook. */
export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? '#VALUE!' : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : dateFromUtcMidnight(value);
  return value.formula ? `=${value.formula}` : value.error;
}

/** Empty, or only what `trim()` removes (spaces, tabs, line breaks, U+3000, NBSP, BOM …). */
export function isBlank(value: CellValue): boolean {
  if (value === null) return true;
  if (typeof value !== 'string') return false;
  if (value.length === 0) return true;
  // Most cells start with a character that is no white space: decided without a trimmed copy.
  const c = value.charCodeAt(0);
  if ((c > 32 && c < 0xa0) || (c > 0x3000 && c !== 0xfeff)) return false;
  return value.trim() === '';
}

export type NumberResult = { ok: true; value: number } | { ok: false; message: string };

// ASCII numbers plainNumber leaves (exponents, spaces around, long digit runs): Number() reads them.
const PLAIN_NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Parses a numeric cell. Text may carry thousands separators, full-width characters,
 * U+2212 minus, currency marks (¥ ￥ CNY RMB 元), accounting negatives `(1,234)` and — for
 * percent KPIs only — a `%` sign (`3.2%` → 0.032). Blank is an error (never 0), and so are
 * hex (`0x1F`), `NaN`, `Infinity` and formula errors.
 */
export function parseNumberCell(
  value: CellValue,
  options: {
    percent: boolean;
    /** false: no plain-number fast path (the tests check both paths agree on any text). */
    fastPath?: boolean;
  },
): NumberResult {
  if (typeof value === 'string' && options.fastPath !== false) {
    const plain = plainNumber(value);
    // A large plain number for a percent KPI takes the careful path, which says what is wrong.
    if (!Number.isNaN(plain) && !(options.percent && Math.abs(plain) > PERCENT_TEXT_LIMIT)) {
      return { ok: true, value: plain };
    }
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return { ok: true, value };
    return {
      ok: false,
      message: 'The cell holds a formula error (#DIV/0!, #N/A, #VALUE!…): fix the formula or type the number',
    };
  }
  if (isCellError(value)) return { ok: false, message: formulaErrorMessage(value) };
  if (isBlank(value)) {
    return { ok: false, message: 'The value is empty: type the number (write 0 if it really is zero)' };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: 'this is not a number: type the number, e.g. 12345.67' };
  }
  const raw = value.trim();
  const result = PLAIN_NUMBER.test(raw)
    ? ({ ok: true, value: Number(raw) } as const)
    : parseNumberText(raw, options.percent);
  // Text without a % sign for a percent KPI is a fraction; 3.2 almost surely meant 3.2 %.
  if (result.ok && options.percent && Math.abs(result.value) > PERCENT_TEXT_LIMIT && !raw.includes('%')) {
    return {
      ok: false,
      message: `"${raw}" for a percent KPI looks like a percentage without its % sign: write ${raw}% or the fraction ${Number((result.value / 100).toPrecision(12))}`,
    };
  }
  return result;
}

/** Above this, plain text for a percent KPI is taken as a forgotten % sign (150 %). */
const PERCENT_TEXT_LIMIT = 1.5;

function parseNumberText(raw: string, percent: boolean): NumberResult {
  let text = raw.normalize('NFKC').replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/gu, '-');
  text = text.replace(/\s+/gu, '');
  let negative = false;
  const accounting = /^\((.*)\)$/.exec(text);
  if (accounting) {
    negative = true;
    text = accounting[1]!;
  }
  text = text.replace(/^(?:cny|rmb|¥|元)|(?:cny|rmb|元)$/giu, '');
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1);
  }
  text = text.replace(/^(?:cny|rmb|¥)/giu, '');
  let isPercent = false;
  if (text.endsWith('%')) {
    isPercent = true;
    text = text.slice(0, -1);
  }
  // Thousands separators: only in groups of three, so `1,2` or `1.234,5` are not guessed at.
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/.test(text)) text = text.replace(/,/g, '');
  if (!/^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(text)) {
    return {
      ok: false,
      message: `"${raw}" is not a number: write digits only, e.g. 12345.67 (thousands separators, ¥ and (1,234) for negatives are fine)`,
    };
  }
  let number = Number(text);
  if (!Number.isFinite(number)) {
    return { ok: false, message: `"${raw}" is not a finite number: type the number` };
  }
  if (isPercent) {
    if (!percent) {
      return {
        ok: false,
        message: `"${raw}" has a % sign but this KPI is not a percent KPI: write the plain number`,
      };
    }
    number = number / 100;
  }
  return { ok: true, value: negative ? -number : number };
}

/** Excel serials 36526–73050 are 2000-01-01 … 2099-12-31: anything else is not taken as a date. */
const MIN_SERIAL = 36526;
const MAX_SERIAL = 73050;
const EXCEL_EPOCH_DAY = -25569; // 1899-12-30 as days since 1970-01-01

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function fromEpochDayLocal(day: number): LocalDate {
  const d = new Date(day * 86_400_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** exceljs hands dates over as UTC midnight: read the UTC fields, never the local ones. */
export function dateFromUtcMidnight(date: Date): LocalDate {
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

export function excelSerialToDate(serial: number): LocalDate | null {
  if (!Number.isInteger(serial) || serial < MIN_SERIAL || serial > MAX_SERIAL) return null;
  return fromEpochDayLocal(serial + EXCEL_EPOCH_DAY);
}

export type PeriodResult =
  | { ok: true; key: PeriodKey; grain: PeriodGrain; start: LocalDate; end: LocalDate }
  | { ok: false; message: string };

const PERIOD_HELP =
  'write a date (2026-11-22, 2026/11/22, 2026年11月22日) or a period key (2026-11, 2026-W47, FY2026-Q4, FY2026)';

/** Rewrites the ways people write a date or period into the canonical key, or returns null. */
function canonicalPeriodText(raw: string): string | null {
  const text = raw
    .normalize('NFKC')
    .trim()
    .replace(/\s+/gu, ' ')
    .replace(/[\u2212\u2013]/gu, '-');
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+0{1,2}:00(?::00)?)?$/.exec(text);
  if (m) return `${m[1]}-${pad2(Number(m[2]))}-${pad2(Number(m[3]))}`;
  m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(text);
  if (m) return `${m[1]}-${pad2(Number(m[2]))}`;
  m = /^(\d{4})-?W(\d{1,2})$/i.exec(text);
  if (m) return `${m[1]}-W${pad2(Number(m[2]))}`;
  m = /^FY ?(\d{4})(?: ?[- ] ?|)Q([1-4])$/i.exec(text);
  if (m) return `FY${m[1]}-Q${m[2]}`;
  m = /^FY ?(\d{4})$/i.exec(text);
  if (m) return `FY${m[1]}`;
  return null;
}

/**
 * Parses a date or period cell: Excel dates, date text in the common forms, Excel serials
 * (only whole numbers in 2000–2099, so a stray `12` is not a date), and period keys.
 */
export function parsePeriodCell(value: CellValue, startMonth: number): PeriodResult {
  let key: string | null = null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { ok: false, message: `The date is not valid: ${PERIOD_HELP}` };
    key = dateFromUtcMidnight(value);
  } else if (typeof value === 'number') {
    key = excelSerialToDate(value);
    if (!key) return { ok: false, message: `${value} is not a date: ${PERIOD_HELP}` };
  } else if (isCellError(value)) {
    return { ok: false, message: `${formulaErrorMessage(value)} Then ${PERIOD_HELP}` };
  } else if (isBlank(value)) {
    return { ok: false, message: `The date is empty: ${PERIOD_HELP}` };
  } else {
    const text = String(value);
    key = canonicalPeriodText(text);
    if (!key && /^\d{5}$/.test(text.trim())) key = excelSerialToDate(Number(text.trim()));
    if (!key) return { ok: false, message: `"${text}" is not a date or period: ${PERIOD_HELP}` };
  }
  const parsed = parsePeriodKey(key, startMonth);
  if (!parsed) {
    return {
      ok: false,
      message: `"${cellText(value)}" is not a real date or period (${key}): ${PERIOD_HELP}`,
    };
  }
  return { ok: true, key: parsed.key, grain: parsed.grain, start: parsed.start, end: parsed.end };
}

/** Parses a cell that must be a single day (milestone start/due/completed). */
export function parseDateCell(
  value: CellValue,
  startMonth: number,
): { ok: true; date: LocalDate } | { ok: false; message: string } {
  const result = parsePeriodCell(value, startMonth);
  if (!result.ok) return result;
  if (result.grain !== 'day' || !isValidLocalDate(result.key)) {
    return {
      ok: false,
      message: `"${cellText(value)}" is a ${result.grain}, not a day: write a date such as 2026-11-22`,
    };
  }
  return { ok: true, date: result.key };
}
