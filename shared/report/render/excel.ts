/**
 * Renders a ReportModel as an xlsx workbook (exceljs streaming writer), in the model's
 * language. Every figure comes from the model; nothing is recomputed here except unit
 * scaling for display (percent-KPI variances are written in percentage points, see below).
 *
 * Decisions worth knowing:
 * - The whole workbook goes through exceljs's `stream.xlsx.WorkbookWriter` (imported alone,
 *   see shared/files/xlsx-workbook-writer.ts) and every row is committed as soon as it is written, so a
 *   100k-row breakdown never sits in memory as cell objects. Shared strings are off: a
 *   shared-string table grows with every distinct label (≈ +65 MB peak RSS at 100k SKU rows,
 *   measured) and the file was not smaller.
 *   Strings are then inline `t="str"` cells with a `<v>` and no `<f>`: a value, which Excel
 *   and LibreOffice show as text, never evaluate.
 * - Numbers are real numbers with Excel formats (`¥#,##0`, `#,##0`, `0.00%` for percent
 *   KPIs, `0.0%` for variance %, attainment and pace). A percent KPI's *variance* is
 *   written as percentage points (fraction × 100, format `+0.00" pp"`), because `0.2%`
 *   would read as a relative change; the Summary says so in a note.
 * - Status is a fill colour AND a word. Palette: blue (on track), light amber (at risk),
 *   dark red with white text (off track), grey (no data/target). Blue vs amber separates in
 *   every common colour-vision deficiency, and off-track differs from at-risk in lightness,
 *   not only in hue, so it stays distinct in deuteranopia and in greyscale print.
 * - Text that came from uploads (titles, owners, labels, notes) is only ever written as a
 *   string value, never `{ formula }`; `=`, `+`, `-`, `@` at the start stay literal text.
 *   Characters XML cannot carry are dropped so a stray control byte cannot corrupt the file.
 */
import { PassThrough, type Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { DateRange, MilestoneState, VarianceStatus } from '../../domain/types.ts';
import { WorkbookWriter } from '../../files/xlsx-workbook-writer.ts';
import {
  currencyDecimals,
  currencySymbol,
  DASH,
  isScoped,
  type Labels,
  labels,
  milestoneStateWord,
  scopeLabel,
  statusWord,
} from '../i18n.ts';
import type { Language, ReportKpi, ReportModel, ReportRange } from '../report-model.ts';

type Style = Partial<ExcelJS.Style>;
type CellValue = string | number | Date | null;

/** Options for tests and benchmarks; production callers pass none. */
export interface RenderWorkbookOptions {
  /** Write into this stream instead of buffering (the returned buffer is then empty). */
  readonly stream?: Writable;
}

// ---------------------------------------------------------------------------------------
// Styles: every style object is created once per workbook (memoised by key) and shared by
// reference; exceljs de-duplicates them into styles.xml.

/** Fill and font colours per status; see the module comment for why these. */
export const STATUS_COLOURS: Readonly<Record<VarianceStatus, { fill: string; font: string }>> = {
  on_track: { fill: 'FFCFE2F3', font: 'FF0B3D66' },
  at_risk: { fill: 'FFFFE08A', font: 'FF5C4400' },
  off_track: { fill: 'FF9E1B32', font: 'FFFFFFFF' },
  no_data: { fill: 'FFE7E6E6', font: 'FF404040' },
  no_target: { fill: 'FFE7E6E6', font: 'FF404040' },
};

const MILESTONE_COLOURS: Readonly<Record<MilestoneState, VarianceStatus>> = {
  done: 'on_track',
  on_track: 'on_track',
  done_late: 'at_risk',
  behind: 'at_risk',
  overdue: 'off_track',
  blocked: 'off_track',
  not_started: 'no_data',
  cancelled: 'no_data',
};

const FONT = 'Calibri';
const HEADER_FILL = 'FF1F3A5F';
const THIN = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
const GROUP_RULE = { style: 'thin' as const, color: { argb: 'FF8EA9C8' } };

class StyleBook {
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

  status(status: VarianceStatus): Style {
    return this.get(`status:${status}`, () => ({
      font: { name: FONT, size: 10, bold: true, color: { argb: STATUS_COLOURS[status].font } },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: STATUS_COLOURS[status].fill } },
      alignment: { horizontal: 'center', vertical: 'middle' },
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

/** Excel number formats used by the workbook. */
export const FMT = {
  count: '#,##0',
  countSigned: '+#,##0;-#,##0;0',
  number: '#,##0.00',
  numberSigned: '+#,##0.00;-#,##0.00;0.00',
  rate: '0.00%',
  pct: '0.0%',
  pctSigned: '+0.0%;-0.0%;0.0%',
  progress: '0%',
  weight: '0.##',
  date: 'yyyy-mm-dd',
  integer: '0',
} as const;

/** Format of a KPI's values (actual, target, forecast…). */
export function valueFormat(kpi: ReportKpi): string {
  switch (kpi.unit) {
    case 'currency': {
      const sym = currencySymbol(kpi.currency).trim();
      const quoted = /^[¥$€£]$/.test(sym) ? sym : `"${currencySymbol(kpi.currency)}"`;
      return currencyDecimals(kpi) === 0 ? `${quoted}#,##0` : `${quoted}#,##0.00`;
    }
    case 'count':
      return FMT.count;
    case 'percent':
      return FMT.rate;
    case 'minutes':
    case 'days':
      return '#,##0.0';
    default:
      return FMT.number;
  }
}

/** Format of a KPI's variance; percent KPIs get percentage points (value × 100). */
export function varianceFormat(kpi: ReportKpi, language: Language): string {
  switch (kpi.unit) {
    case 'currency': {
      const body = valueFormat(kpi);
      return `+${body};-${body};${body}`;
    }
    case 'count':
      return FMT.countSigned;
    case 'percent': {
      const unit = language === 'zh' ? '" 个百分点"' : '" pp"';
      return `+0.00${unit};-0.00${unit};0.00${unit}`;
    }
    case 'minutes':
    case 'days':
      return '+#,##0.0;-#,##0.0;0.0';
    default:
      return FMT.numberSigned;
  }
}

/** The number a variance cell holds: percentage points for percent KPIs, else as is. */
export function varianceCellValue(kpi: ReportKpi, variance: number | null): number | null {
  if (variance === null) return null;
  // Round away float noise (−0.0020000000000000018 × 100) so the stored value is the pp.
  return kpi.unit === 'percent' ? Math.round(variance * 100 * 1e10) / 1e10 : variance;
}

// ---------------------------------------------------------------------------------------
// Text safety

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
function sheetName(wanted: string, used: Set<string>): string {
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

function dateValue(date: string | null): Date | null {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  return new Date(`${date}T00:00:00.000Z`);
}

function gapsText(gaps: readonly DateRange[]): string {
  return gaps.map((g) => (g.start === g.end ? g.start : `${g.start} – ${g.end}`)).join('; ');
}

// ---------------------------------------------------------------------------------------
// Sheet writing

interface Column {
  readonly header: string;
  /** Minimum width for the column's content (the header sets its own minimum). */
  readonly width: number;
}

interface SheetSpec {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Rows frozen at the top (title + header rows). */
  readonly frozenRows: number;
  readonly frozenColumns?: number;
}

type Cell = readonly [CellValue | undefined, Style?];

class Sheet {
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

class WorkbookBuilder {
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
        fitToHeight: 0,
        printTitlesRow: spec.frozenRows > 0 ? `1:${spec.frozenRows}` : undefined,
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

// ---------------------------------------------------------------------------------------
// The sheets

function kpiName(kpi: ReportKpi | undefined, id: string, lang: Language): string {
  return safeText(kpi ? kpi.name[lang] : id);
}

function maxWidth(values: Iterable<string>, min: number): number {
  let w = min;
  for (const v of values) w = Math.max(w, displayWidth(v) + 2);
  return Math.min(w, 60);
}

function rangeLabel(range: ReportRange | undefined, kind: string, lang: Language): string {
  return range ? range.label[lang] : kind;
}

function writeSummary(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const ranges = new Map(model.ranges.map((r) => [r.kind, r]));
  const outlook = new Map(model.outlook.map((o) => [o.kpi, o]));
  // The outlook is about the year: show it on the KPI's YTD row (its last row without one).
  const outlookRange = new Map<string, string>();
  for (const row of model.table) {
    if (outlookRange.get(row.kpi) !== 'YTD') outlookRange.set(row.kpi, row.range);
  }
  const c = l.columns;
  const columns: Column[] = [
    {
      header: c.kpi,
      width: maxWidth(
        [...model.kpis.map((k) => k.name[lang]), ...model.scorecard.byOwner.map((o) => o.owner)],
        12,
      ),
    },
    {
      header: c.range,
      width: maxWidth(
        model.ranges.map((r) => r.label[lang]),
        10,
      ),
    },
    { header: c.actual, width: 15 },
    { header: c.target, width: 15 },
    { header: c.variance, width: lang === 'zh' ? 17 : 14 },
    { header: c.variancePct, width: 10 },
    { header: c.attainment, width: 10 },
    { header: c.status, width: 10 },
    { header: c.benchmark, width: 10 },
    { header: c.dataThrough, width: 12 },
    { header: c.coverage, width: 9 },
    { header: c.annualTarget, width: 15 },
    { header: c.forecast, width: 15 },
    { header: c.gapToAnnual, width: 15 },
    { header: c.requiredPace, width: 10 },
  ];
  const s = b.sheet({ name: l.sheets.summary, columns, frozenRows: 7, frozenColumns: 2 });
  const scope = scopeLabel(model);
  s.add([[safeText(model.report.name[lang]), book.title()]], 26);
  s.add([[`${l.text.period}: ${model.periodKey}    ${l.text.asOf}: ${model.asOf}`, book.subtitle()]]);
  s.add([[`${l.text.scope}: ${safeText(scope)}`, isScoped(model) ? book.bold() : book.subtitle()]]);
  const scoreRange = ranges.get(model.scorecard.range);
  s.add(
    [
      [`${l.text.scorecard} · ${rangeLabel(scoreRange, model.scorecard.range, lang)}`, book.bold()],
      [undefined],
      [model.scorecard.score, book.bigNum(FMT.pct)],
    ],
    22,
  );
  const h = model.headline;
  if (h) {
    const kpi = kpis.get(h.kpi);
    s.add([
      [
        `${l.text.headline}: ${kpiName(kpi, h.kpi, lang)} · ${rangeLabel(ranges.get(h.range), h.range, lang)}`,
        book.bold(),
      ],
      [undefined],
      [h.variancePct, book.bigNum(FMT.pctSigned)],
      [undefined],
      [undefined],
      [undefined],
      [undefined],
      [statusWord(h.status, lang), book.status(h.status)],
    ]);
  } else s.blank();
  s.add([[l.text.displayedAsPp, book.note()]]);
  const headerRow = s.header(columns);
  let previousKpi: string | null = null;
  for (const row of model.table) {
    const kpi = kpis.get(row.kpi);
    const first = row.kpi !== previousKpi;
    previousKpi = row.kpi;
    const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
    const varf = kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned);
    const o = outlookRange.get(row.kpi) === row.range ? outlook.get(row.kpi) : undefined;
    const sum = o?.kind === 'sum' ? o : undefined;
    s.add(
      [
        [kpiName(kpi, row.kpi, lang), first ? book.bold() : book.muted()],
        [rangeLabel(ranges.get(row.range), row.range, lang), book.text()],
        [row.actual, vf],
        [row.target, vf],
        [kpi ? varianceCellValue(kpi, row.variance) : row.variance, varf],
        [row.variancePct, book.num(FMT.pctSigned)],
        [row.attainment, book.num(FMT.pct)],
        [statusWord(row.status, lang), book.status(row.status)],
        [kpi?.benchmark ?? null, vf],
        [dateValue(row.dataThrough), book.date()],
        // A snapshot's value holds for one period: show it instead of a day count.
        [row.valuePeriod ?? `${row.coveredDays}/${row.rangeDays}`, book.num('@')],
        sum ? [sum.annualTarget, vf] : [undefined],
        sum ? [sum.forecast, vf] : [undefined],
        sum ? [sum.gapToAnnual, varf] : [undefined],
        sum ? [sum.requiredPace, book.num(FMT.pct)] : [undefined],
      ],
      undefined,
      first,
    );
  }
  const lastRow = s.rowNumber;
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(lastRow, headerRow), column: columns.length },
  };

  // Figures against the second target version (e.g. a re-forecast), when the report has one.
  if (model.compareTable.length > 0) {
    s.blank();
    s.add([[`${l.text.compareVersion}: ${safeText(model.about.compareVersion ?? '')}`, book.section()]]);
    s.header([
      { header: c.kpi, width: 0 },
      { header: c.range, width: 0 },
      { header: c.actual, width: 0 },
      { header: c.target, width: 0 },
      { header: c.variance, width: 0 },
      { header: c.variancePct, width: 0 },
      { header: c.attainment, width: 0 },
      { header: c.status, width: 0 },
    ]);
    for (const row of model.compareTable) {
      const kpi = kpis.get(row.kpi);
      const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
      const varf = kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned);
      s.add([
        [kpiName(kpi, row.kpi, lang), book.text()],
        [rangeLabel(ranges.get(row.range), row.range, lang), book.text()],
        [row.actual, vf],
        [row.target, vf],
        [kpi ? varianceCellValue(kpi, row.variance) : row.variance, varf],
        [row.variancePct, book.num(FMT.pctSigned)],
        [row.attainment, book.num(FMT.pct)],
        [statusWord(row.status, lang), book.status(row.status)],
      ]);
    }
  }

  // Scorecard detail below the table: which KPIs counted, with what weight.
  s.blank();
  s.add([[`${l.text.scorecard} · ${rangeLabel(scoreRange, model.scorecard.range, lang)}`, book.section()]]);
  s.header([
    { header: c.kpi, width: 0 },
    { header: c.weight, width: 0 },
    { header: c.score, width: 0 },
  ]);
  for (const e of model.scorecard.entries) {
    s.add([
      [kpiName(kpis.get(e.kpi), e.kpi, lang), book.text()],
      [e.weight, book.num(FMT.weight)],
      e.score === null
        ? [`${l.text.notCounted}${e.reason ? ` (${safeText(e.reason)})` : ''}`, book.text()]
        : [e.score, book.num(FMT.pct)],
    ]);
  }
  if (model.scorecard.byOwner.length > 0) {
    s.blank();
    s.add([[l.text.scorecardByOwner, book.section()]]);
    s.header([
      { header: c.owner, width: 0 },
      { header: c.score, width: 0 },
    ]);
    for (const o of model.scorecard.byOwner) {
      s.add([
        [safeText(o.owner), book.text()],
        [o.score, book.num(FMT.pct)],
      ]);
    }
  }
  s.ws.commit();
}

function writeBreakdowns(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const ranges = new Map(model.ranges.map((r) => [r.kind, r]));
  const c = l.columns;
  for (const bd of model.breakdowns) {
    const dimName = safeText(bd.dimensionName[lang]);
    // Sample the first rows for the label width: a 100k-row sheet must not be scanned twice.
    const sample = bd.rows.slice(0, 2000).map((r) => safeText(r.label[lang]));
    const columns: Column[] = [
      { header: dimName, width: maxWidth(sample, 12) },
      {
        header: c.kpi,
        width: maxWidth(
          model.kpis.map((k) => k.name[lang]),
          12,
        ),
      },
      { header: c.actual, width: 15 },
      { header: c.target, width: 15 },
      { header: c.variance, width: lang === 'zh' ? 17 : 14 },
      { header: c.variancePct, width: 10 },
      { header: c.attainment, width: 10 },
      { header: c.status, width: 10 },
      { header: c.targetSource, width: 10 },
      { header: c.dataThrough, width: 12 },
    ];
    const s = b.sheet({ name: `${dimName} · ${bd.range}`, columns, frozenRows: 3, frozenColumns: 1 });
    const range = ranges.get(bd.range);
    s.add([[`${dimName} · ${rangeLabel(range, bd.range, lang)}`, book.section()]], 20);
    s.add([
      [
        `${range ? `${range.start} – ${range.end}` : bd.range}    ${l.text.scope}: ${safeText(scopeLabel(model))}`,
        book.subtitle(),
      ],
    ]);
    const headerRow = s.header(columns);
    const styleOf = new Map<string, { v: Style; d: Style; name: string }>();
    for (const row of bd.rows) {
      let st = styleOf.get(row.kpi);
      if (!st) {
        const kpi = kpis.get(row.kpi);
        st = {
          v: kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number),
          d: kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned),
          name: kpiName(kpi, row.kpi, lang),
        };
        styleOf.set(row.kpi, st);
      }
      const kpi = kpis.get(row.kpi);
      s.add([
        [safeText(row.label[lang]), book.text()],
        [st.name, book.text()],
        [row.actual, st.v],
        [row.target, st.v],
        [kpi ? varianceCellValue(kpi, row.variance) : row.variance, st.d],
        [row.variancePct, book.num(FMT.pctSigned)],
        [row.attainment, book.num(FMT.pct)],
        [statusWord(row.status, lang), book.status(row.status)],
        [l.targetSource[row.targetSource], book.text()],
        [dateValue(row.dataThrough), book.date()],
      ]);
    }
    s.ws.autoFilter = {
      from: { row: headerRow, column: 1 },
      to: { row: Math.max(s.rowNumber, headerRow), column: columns.length },
    };
    s.ws.commit();
  }
}

function writeTrend(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const periods = new Map(model.trend.periods.map((p) => [p.key, p]));
  const c = l.columns;
  const columns: Column[] = [
    {
      header: c.kpi,
      width: maxWidth(
        model.kpis.map((k) => k.name[lang]),
        12,
      ),
    },
    { header: c.period, width: 11 },
    { header: c.start, width: 12 },
    { header: c.end, width: 12 },
    { header: c.actual, width: 15 },
    { header: c.target, width: 15 },
    { header: c.variancePct, width: 10 },
    { header: c.status, width: 10 },
  ];
  const s = b.sheet({ name: l.sheets.trend, columns, frozenRows: 3, frozenColumns: 2 });
  s.add([[`${l.sheets.trend} · ${model.about.fiscalYear}`, book.section()]], 20);
  s.add([[`${l.text.scope}: ${safeText(scopeLabel(model))}`, book.subtitle()]]);
  const headerRow = s.header(columns);
  for (const series of model.trend.series) {
    const kpi = kpis.get(series.kpi);
    const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
    const name = kpiName(kpi, series.kpi, lang);
    series.points.forEach((p, i) => {
      const period = periods.get(p.period);
      s.add(
        [
          [name, book.text()],
          [safeText(p.period), book.text()],
          [dateValue(period?.start ?? null), book.date()],
          [dateValue(period?.end ?? null), book.date()],
          [p.actual, vf],
          [p.target, vf],
          [p.variancePct, book.num(FMT.pctSigned)],
          [statusWord(p.status, lang), book.status(p.status)],
        ],
        undefined,
        i === 0,
      );
    });
  }
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(s.rowNumber, headerRow), column: columns.length },
  };
  s.ws.commit();
}

function writeMilestones(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const c = l.columns;
  const items = model.milestones.items;
  const columns: Column[] = [
    {
      header: c.id,
      width: maxWidth(
        items.map((m) => safeText(m.id)),
        6,
      ),
    },
    {
      header: c.title,
      width: Math.min(
        48,
        maxWidth(
          items.map((m) => safeText(m.title)),
          20,
        ),
      ),
    },
    {
      header: c.owner,
      width: maxWidth(
        items.map((m) => safeText(m.owner)),
        10,
      ),
    },
    { header: c.start, width: 12 },
    { header: c.due, width: 12 },
    { header: c.weight, width: 7 },
    { header: c.progress, width: 9 },
    { header: c.expectedProgress, width: 9 },
    { header: c.state, width: 11 },
    { header: c.daysLate, width: 9 },
    { header: c.daysOverdue, width: 9 },
    { header: c.dueSoon, width: 9 },
    { header: c.completedOn, width: 12 },
    { header: c.kpi, width: 10 },
  ];
  const s = b.sheet({ name: l.sheets.milestones, columns, frozenRows: 6, frozenColumns: 2 });
  s.add([[`${l.text.milestoneSummary} · ${model.asOf}`, book.section()]], 20);
  s.add([[l.text.dueCount, book.text()], [undefined], [model.milestones.dueCount, book.num(FMT.count)]]);
  s.add([[l.text.completion, book.text()], [undefined], [model.milestones.completion, book.num(FMT.pct)]]);
  s.add([[l.text.onTime, book.text()], [undefined], [model.milestones.onTime, book.num(FMT.pct)]]);
  s.blank();
  const headerRow = s.header(columns);
  for (const m of items) {
    s.add([
      [safeText(m.id), book.text()],
      [safeText(m.title), book.text()],
      [safeText(m.owner), book.text()],
      [dateValue(m.start), book.date()],
      [dateValue(m.due), book.date()],
      [m.weight, book.num(FMT.weight)],
      [m.progress, book.num(FMT.progress)],
      [m.expectedProgress, book.num(FMT.progress)],
      [milestoneStateWord(m.state, lang), book.status(MILESTONE_COLOURS[m.state])],
      m.daysLate === null ? [undefined] : [m.daysLate, book.num(FMT.integer)],
      m.daysOverdue === null ? [undefined] : [m.daysOverdue, book.num(FMT.integer)],
      m.dueSoon ? [l.yes, book.status('at_risk')] : [undefined],
      m.completedOn === null ? [undefined] : [dateValue(m.completedOn), book.date()],
      m.kpi === null ? [undefined] : [kpiName(kpis.get(m.kpi), m.kpi, lang), book.text()],
    ]);
  }
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(s.rowNumber, headerRow), column: columns.length },
  };
  s.ws.commit();
}

function writeDataQuality(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const c = l.columns;
  const dq = model.dataQuality;
  const gapTexts = dq.kpis.map((k) => gapsText(k.gaps));
  const columns: Column[] = [
    {
      header: c.kpi,
      width: maxWidth(
        model.kpis.map((k) => k.name[lang]),
        14,
      ),
    },
    { header: c.dataThrough, width: 13 },
    { header: c.stale, width: 10 },
    { header: c.gaps, width: Math.min(50, maxWidth(gapTexts, 24)) },
    { header: c.group, width: 16 },
    { header: c.explicitTarget, width: 15 },
    { header: c.sumOfFiner, width: 15 },
    { header: c.difference, width: 10 },
  ];
  const s = b.sheet({ name: l.sheets.dataQuality, columns, frozenRows: 3 });
  s.add([[`${l.text.kpiFreshness} · ${model.asOf}`, book.section()]], 20);
  s.add([[`${l.text.scope}: ${safeText(scopeLabel(model))}`, book.subtitle()]]);
  const headerRow = s.header(columns.slice(0, 4));
  dq.kpis.forEach((k, i) => {
    s.add([
      [kpiName(kpis.get(k.kpi), k.kpi, lang), book.text()],
      [dateValue(k.dataThrough), book.date()],
      [k.stale ? l.yes : l.no, k.stale ? book.status('off_track') : book.text()],
      [gapTexts[i] ?? '', book.wrap()],
    ]);
  });
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(s.rowNumber, headerRow), column: 4 },
  };

  s.blank();
  s.add([[l.text.targetMismatches, book.section()]], 20);
  if (dq.targetMismatches.length === 0) s.add([[DASH, book.text()]]);
  else {
    s.header([
      { header: c.kpi, width: 0 },
      { header: c.period, width: 0 },
      { header: c.version, width: 0 },
      { header: '', width: 0 },
      { header: c.group, width: 0 },
      { header: c.explicitTarget, width: 0 },
      { header: c.sumOfFiner, width: 0 },
      { header: c.difference, width: 0 },
    ]);
    for (const m of dq.targetMismatches) {
      const kpi = kpis.get(m.kpi);
      const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
      const group = Object.entries(m.group)
        .map(([d, v]) => `${d} = ${v}`)
        .join(', ');
      s.add([
        [kpiName(kpi, m.kpi, lang), book.text()],
        [safeText(m.period), book.text()],
        [safeText(m.version), book.text()],
        [undefined],
        [safeText(group || l.allScope), book.text()],
        [m.explicitTarget, vf],
        [m.sumOfFinerTargets, vf],
        [m.differencePct, book.num(FMT.pctSigned)],
      ]);
    }
  }

  s.blank();
  s.add([[l.text.notes, book.section()]], 20);
  if (dq.notes.length === 0) s.add([[DASH, book.text()]]);
  for (const note of dq.notes) s.add([[safeText(note), book.text()]]);
  s.ws.commit();
}

function writeAbout(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const a = model.about;
  const t = l.text;
  const rows: [string, string][] = [
    [t.reportId, model.report.id],
    [t.period, model.periodKey],
    [t.asOf, a.asOf],
    [t.scope, scopeLabel(model)],
    [t.timeZone, a.timeZone],
    [t.fiscalYear, a.fiscalYear],
    [t.targetVersion, a.targetVersion],
    [t.compareVersion, a.compareVersion ?? DASH],
    [t.configVersion, a.configVersion],
    [t.generatedAt, a.generatedAt],
    [t.schemaVersion, String(model.schemaVersion)],
    ...model.ranges.map((r): [string, string] => [
      `${r.label[lang]} (${r.kind})`,
      `${r.start} – ${r.end} · ${r.periodKey} · ${r.days}`,
    ]),
    ...a.sources.map((src, i): [string, string] => [i === 0 ? t.sources : '', src]),
  ];
  const columns: Column[] = [
    {
      header: l.columns.item,
      width: maxWidth(
        rows.map((r) => r[0]),
        14,
      ),
    },
    {
      header: l.columns.value,
      width: Math.min(
        80,
        maxWidth(
          rows.map((r) => r[1]),
          20,
        ),
      ),
    },
  ];
  const s = b.sheet({ name: l.sheets.about, columns, frozenRows: 1 });
  s.header(columns);
  for (const [k, v] of rows) {
    s.add([
      [k, book.bold()],
      [safeText(v), book.text()],
    ]);
  }
  s.ws.commit();
}

/** The xlsx MIME type, for attachments and S3 content types. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function asciiSafe(part: string): string {
  return part
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9=._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * ASCII-safe file name of the model's workbook, e.g. `weekly-progress_2026-W47_category=pets.xlsx`
 * (no scope part when unscoped). Safe in S3 keys, on every file system and in MIME headers.
 */
export function workbookFileName(model: ReportModel): string {
  const parts = [asciiSafe(model.report.id) || 'report', asciiSafe(model.periodKey)];
  if (isScoped(model) && model.scope) parts.push(asciiSafe(model.scope.key));
  return `${parts.filter(Boolean).join('_')}.xlsx`;
}

/**
 * A human file name in the report's language, e.g. `每周进度偏差分析_2026-W47_品类=宠物.xlsx`.
 * Characters no file system accepts are replaced; use `workbookFileName` for storage keys.
 */
export function workbookDisplayName(model: ReportModel): string {
  const lang = model.report.language;
  const clean = (v: string) =>
    safeText(v)
      .replace(/\s*=\s*/g, '=')
      .replace(/[\\/:*?"<>|]+/g, '')
      .trim()
      .replace(/\s+/g, '-');
  const parts = [clean(model.report.name[lang]) || model.report.id, clean(model.periodKey)];
  if (isScoped(model)) parts.push(clean(scopeLabel(model)));
  return `${parts.filter(Boolean).join('_')}.xlsx`;
}

/**
 * Renders the model as an xlsx workbook: Summary, one sheet per breakdown, Trend,
 * Milestones, Data quality, About — all in `model.report.language`.
 */
export async function renderWorkbook(
  model: ReportModel,
  options: RenderWorkbookOptions = {},
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  if (options.stream) sink.pipe(options.stream);
  else sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const b = new WorkbookBuilder(model, sink);
  writeSummary(b, model);
  writeBreakdowns(b, model);
  writeTrend(b, model);
  writeMilestones(b, model);
  writeDataQuality(b, model);
  writeAbout(b, model);
  await b.wb.commit();
  await done;
  return Buffer.concat(chunks);
}
