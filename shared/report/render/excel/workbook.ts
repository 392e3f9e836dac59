/**
 * The workbook's machinery, shared by every sheet module: the memoised style book, the
 * streaming row writer and the sheet factory that sets views and print setup in one place.
 *
 * - The whole workbook goes through exceljs's `stream.xlsx.WorkbookWriter` (imported alone,
 *   see shared/files/xlsx-workbook-writer.ts) and every row is committed as soon as it is
 *   written, so a 100k-row breakdown never sits in memory as cell objects. Shared strings are
 *   off: a shared-string table grows with every distinct label (≈ +65 MB peak RSS at 100k SKU
 *   rows, measured) and the file was not smaller. Strings are then inline `t="str"` cells.
 * - Text that came from uploads (titles, owners, labels, notes) is only ever written as a
 *   string value, never `{ formula }`; `=`, `+`, `-`, `@` at the start stay literal text.
 *   Characters XML cannot carry are dropped so a stray control byte cannot corrupt the file.
 * - Print: every sheet landscape on A4, one page wide, the header rows of its main table
 *   repeated on every page (`printTitlesRow`), report name and page number in header/footer.
 */
import type { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { DateRange, VarianceStatus } from '../../../domain/types.ts';
import { WorkbookWriter } from '../../../files/xlsx-workbook-writer.ts';
import { DASH, type Labels, labels, scopeLabel } from '../../i18n.ts';
import type { Language, ReportKpi, ReportModel, ReportRange } from '../../report-model.ts';
import { COLOURS, FMT, WORKBOOK_FONT as FONT, STATUS_COLOURS } from '../styles.ts';

export type Style = Partial<ExcelJS.Style>;
type CellValue = string | number | Date | null;

const HEADER_FILL = COLOURS.brand;
const THIN = { style: 'thin' as const, color: { argb: COLOURS.rule } };
const GROUP_RULE = { style: 'thin' as const, color: { argb: COLOURS.groupRule } };

export class StyleBook {
  readonly #cache = new Map<string, Style>();
  readonly #keys = new WeakMap<Style, string>();

  get(key: string, make: () => Style): Style {
    let style = this.#cache.get(key);
    if (!style) {
      style = Object.freeze(make()) as Style;
      this.#cache.set(key, style);
      this.#keys.set(style, key);
    }
    return style;
  }

  /** The same style with a rule above: marks the first row of a group. */
  top(style: Style): Style {
    const key = this.#keys.get(style) ?? 'anon';
    return this.get(`${key}|top`, () => ({ ...style, border: { ...style.border, top: GROUP_RULE } }));
  }

  muted(): Style {
    return this.get('muted', () => ({
      font: { name: FONT, size: 10, color: { argb: 'FF7F7F7F' } },
      alignment: { vertical: 'middle' },
    }));
  }

  get size(): number {
    return this.#cache.size;
  }

  num(numFmt: string): Style {
    return this.get(`num:${numFmt}`, () => ({
      numFmt,
      font: { name: FONT, size: 10 },
      alignment: { horizontal: 'right', vertical: 'middle' },
    }));
  }

  text(): Style {
    return this.get('text', () => ({ font: { name: FONT, size: 10 }, alignment: { vertical: 'middle' } }));
  }

  wrap(): Style {
    return this.get('wrap', () => ({
      font: { name: FONT, size: 10 },
      alignment: { vertical: 'top', wrapText: true },
    }));
  }

  bold(): Style {
    return this.get('bold', () => ({
      font: { name: FONT, size: 10, bold: true },
      alignment: { vertical: 'middle' },
    }));
  }

  title(): Style {
    return this.get('title', () => ({
      font: { name: FONT, size: 16, bold: true, color: { argb: 'FF1F3A5F' } },
    }));
  }

  subtitle(): Style {
    return this.get('subtitle', () => ({ font: { name: FONT, size: 10, color: { argb: 'FF595959' } } }));
  }

  note(): Style {
    return this.get('note', () => ({
      font: { name: FONT, size: 9, italic: true, color: { argb: 'FF595959' } },
    }));
  }

  section(): Style {
    return this.get('section', () => ({
      font: { name: FONT, size: 12, bold: true, color: { argb: 'FF1F3A5F' } },
    }));
  }

  header(): Style {
    return this.get('header', () => ({
      font: { name: FONT, size: 10, bold: true, color: { argb: 'FFFFFFFF' } },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } },
      alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
      border: { bottom: THIN },
    }));
  }

  /** A status-coloured cell; with `numFmt` it holds a number (e.g. a variance %) in the status colour. */
  status(status: VarianceStatus, numFmt?: string): Style {
    return this.get(`status:${status}:${numFmt ?? ''}`, () => ({
      ...(numFmt ? { numFmt } : {}),
      font: { name: FONT, size: 10, bold: true, color: { argb: STATUS_COLOURS[status].font } },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: STATUS_COLOURS[status].fill } },
      alignment: { horizontal: numFmt ? 'right' : 'center', vertical: 'middle' },
    }));
  }

  bigNum(numFmt: string): Style {
    return this.get(`big:${numFmt}`, () => ({
      numFmt,
      font: { name: FONT, size: 14, bold: true },
      alignment: { horizontal: 'left', vertical: 'middle' },
    }));
  }

  date(): Style {
    return this.num(FMT.date);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing the characters XML 1.0 forbids is the point
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Upload-derived text as a safe string cell value: never a formula, never invalid XML. */
export function safeText(value: unknown): string {
  return String(value ?? '')
    .replace(XML_ILLEGAL, '')
    .slice(0, 32_767);
}

/** Header/footer text: `&` starts a code there, so double it. */
function hfText(value: string): string {
  return safeText(value).replace(/&/g, '&&');
}

/** Valid, unique Excel sheet name (≤ 31 chars, none of `[]:*?/\`). */
export function sheetName(wanted: string, used: Set<string>): string {
  const base =
    safeText(wanted)
      .replace(/[[\]:*?/\\]/g, ' ')
      .replace(/^'+|'+$/g, '')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) {
    const suffix = ` (${i})`;
    name = base.slice(0, 31 - suffix.length) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}

/** Display width of text in Excel character units: CJK and full-width count double. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

export function dateValue(date: string | null): Date | null {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  return new Date(`${date}T00:00:00.000Z`);
}

export function gapsText(gaps: readonly DateRange[]): string {
  return gaps.map((g) => (g.start === g.end ? g.start : `${g.start} – ${g.end}`)).join('; ');
}

export interface Column {
  readonly header: string;
  /** Minimum width for the column's content (the header sets its own minimum). */
  readonly width: number;
}

export interface SheetSpec {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Rows frozen at the top (title + header rows). */
  readonly frozenRows: number;
  readonly frozenColumns?: number;
  /** Rows repeated at the top of every printed page, e.g. `[3, 3]`; default the frozen rows. */
  readonly printTitleRows?: readonly [number, number];
  /** Print on one page (the Summary); other sheets are one page wide and as long as needed. */
  readonly onePage?: boolean;
}

export type Cell = readonly [CellValue | undefined, Style?];

export class Sheet {
  #row = 0;
  readonly ws: ExcelJS.Worksheet;
  readonly #book: StyleBook;

  constructor(ws: ExcelJS.Worksheet, book: StyleBook) {
    this.ws = ws;
    this.#book = book;
  }

  get rowNumber(): number {
    return this.#row;
  }

  /** Appends one row and commits it, so it leaves memory at once. */
  add(cells: readonly Cell[], height?: number, groupStart = false): void {
    this.#row += 1;
    const row = this.ws.getRow(this.#row);
    if (height) row.height = height;
    const book = this.#book;
    cells.forEach(([value, style], i) => {
      let st: Style | undefined =
        value === null
          ? book.get('dash', () => ({
              font: { name: FONT, size: 10, color: { argb: 'FF7F7F7F' } },
              alignment: { horizontal: 'center', vertical: 'middle' },
            }))
          : style;
      if (groupStart) st = book.top(st ?? book.text());
      if (value === undefined && !groupStart) return;
      const cell = row.getCell(i + 1);
      if (value !== undefined) cell.value = value === null ? DASH : value;
      if (st) cell.style = st;
    });
    row.commit();
  }

  blank(): void {
    this.#row += 1;
  }

  header(columns: readonly Column[]): number {
    const style = this.#book.header();
    this.add(
      columns.map((c) => [c.header, style] as const),
      30,
    );
    return this.#row;
  }
}

export class WorkbookBuilder {
  readonly wb: WorkbookWriter;
  readonly book = new StyleBook();
  readonly l: Labels;
  readonly #used = new Set<string>();
  readonly #model: ReportModel;

  constructor(model: ReportModel, stream: PassThrough) {
    this.#model = model;
    this.l = labels(model.report.language);
    this.wb = new WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    this.wb.creator = 'Plan Monitor';
    this.wb.title = safeText(model.report.name[model.report.language]);
    const created = new Date(model.about.generatedAt);
    if (!Number.isNaN(created.getTime())) this.wb.created = created;
  }

  sheet(spec: SheetSpec): Sheet {
    const lang = this.#model.report.language;
    const name = sheetName(spec.name, this.#used);
    const reportName = this.#model.report.name[lang];
    const scope = scopeLabel(this.#model);
    const ws = this.wb.addWorksheet(name, {
      views: [
        {
          state: 'frozen',
          xSplit: spec.frozenColumns ?? 0,
          ySplit: spec.frozenRows,
          showGridLines: false,
        },
      ],
      pageSetup: {
        orientation: 'landscape',
        paperSize: 9,
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: spec.onePage ? 1 : 0,
        printTitlesRow: spec.printTitleRows
          ? `${spec.printTitleRows[0]}:${spec.printTitleRows[1]}`
          : spec.frozenRows > 0
            ? `1:${spec.frozenRows}`
            : undefined,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: {
        oddHeader: `&L&B${hfText(reportName)}&R${hfText(name)}`,
        oddFooter: `&L${hfText(`${this.#model.periodKey} · ${scope}`)}&C${this.l.text.page}&R${hfText(this.#model.asOf)}`,
      },
    });
    ws.columns = spec.columns.map((c) => ({
      width: Math.min(60, Math.max(c.width, Math.ceil(displayWidth(c.header) * 1.1) + 3)),
    }));
    return new Sheet(ws, this.book);
  }
}

export function kpiName(kpi: ReportKpi | undefined, id: string, lang: Language): string {
  return safeText(kpi ? kpi.name[lang] : id);
}

export function maxWidth(values: Iterable<string>, min: number): number {
  let w = min;
  for (const v of values) w = Math.max(w, displayWidth(v) + 2);
  return Math.min(w, 60);
}

export function rangeLabel(range: ReportRange | undefined, kind: string, lang: Language): string {
  return range ? range.label[lang] : kind;
}
