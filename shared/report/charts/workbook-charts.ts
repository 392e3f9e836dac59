/**
 * Adds editable charts to an xlsx that exceljs wrote (exceljs writes none): for each sheet
 * named in the request, a drawing part with one chart part per chart, the relationships that
 * tie them to the sheet, the sheet's `<drawing r:id>` and the content-type overrides. The
 * charts' series are formulas over the given cell ranges, so editing the cells edits the chart.
 * Sheets can also be appended (./workbook-chart-data.ts puts the chart data on its own sheet).
 */
import JSZip from 'jszip';
import { escapeHtml as xml } from '../render/html.ts';
import { type ChartSpec, chartXml, drawingXml } from './drawingml.ts';

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const TYPES = {
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  drawing: 'application/vnd.openxmlformats-officedocument.drawing+xml',
  chart: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
} as const;

/** A cell of an appended sheet: text, a number (with an optional Excel format), or empty. */
export type SheetCell = string | { readonly value: number; readonly format?: string } | null;

export interface AppendedSheet {
  readonly name: string;
  readonly rows: readonly (readonly SheetCell[])[];
  /** Column widths in characters, from column A. */
  readonly widths?: readonly number[];
}

export interface WorkbookChartsRequest {
  /** Sheets to add at the end of the workbook (before the charts are placed). */
  readonly appendSheets?: readonly AppendedSheet[];
  /** Charts by the name of the sheet they are drawn on. */
  readonly charts: readonly { readonly sheet: string; readonly charts: readonly ChartSpec[] }[];
}

async function text(zip: JSZip, path: string): Promise<string> {
  const file = zip.file(path);
  if (!file) throw new Error(`xlsx has no ${path}`);
  return file.async('string');
}

/** Resolves `Target` (relative to `from`'s folder) to a package path without a leading `/`. */
function resolvePart(fromFolder: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = [...fromFolder.split('/').filter(Boolean)];
  for (const piece of target.split('/')) {
    if (piece === '..') parts.pop();
    else if (piece !== '.') parts.push(piece);
  }
  return parts.join('/');
}

function nextNumber(zip: JSZip, pattern: RegExp): number {
  let max = 0;
  zip.forEach((path) => {
    const m = pattern.exec(path);
    if (m) max = Math.max(max, Number(m[1]));
  });
  return max + 1;
}

function nextRelId(rels: string): string {
  const ids = [...rels.matchAll(/Id="rId(\d+)"/g)].map((m) => Number(m[1]));
  return `rId${Math.max(0, ...ids) + 1}`;
}

function addRelationship(rels: string | null, type: string, target: string): { rels: string; id: string } {
  const base =
    rels ??
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${RELS_NS}"></Relationships>`;
  const id = nextRelId(base);
  const entry = `<Relationship Id="${id}" Type="${REL}/${type}" Target="${xml(target)}"/>`;
  return { rels: base.replace('</Relationships>', `${entry}</Relationships>`), id };
}

function addOverride(types: string, partName: string, contentType: string): string {
  return types.replace(
    '</Types>',
    `<Override PartName="/${partName}" ContentType="${contentType}"/></Types>`,
  );
}

/** The worksheet part of each sheet, by sheet name (xml-unescaped as the workbook spells it). */
async function sheetParts(zip: JSZip): Promise<Map<string, string>> {
  const workbook = await text(zip, 'xl/workbook.xml');
  const rels = await text(zip, 'xl/_rels/workbook.xml.rels');
  const targets = new Map(
    [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => [
      /Id="([^"]+)"/.exec(m[0])?.[1],
      /Target="([^"]+)"/.exec(m[0])?.[1],
    ]),
  );
  const parts = new Map<string, string>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(m[0])?.[1] ?? '');
    const target = targets.get(/\br:id="([^"]+)"/.exec(m[0])?.[1]);
    if (target) parts.set(name, resolvePart('xl', target));
  }
  return parts;
}

function unescapeXml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Elements that CT_Worksheet puts after `<drawing>`: the drawing goes before the first of them. */
const AFTER_DRAWING = [
  'legacyDrawing',
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
];

function insertDrawing(sheetXml: string, relId: string): string {
  if (/<drawing\b/.test(sheetXml)) throw new Error('the sheet already has a drawing');
  const tag = `<drawing r:id="${relId}"/>`;
  for (const name of AFTER_DRAWING) {
    const at = sheetXml.search(new RegExp(`<${name}\\b`));
    if (at >= 0) return sheetXml.slice(0, at) + tag + sheetXml.slice(at);
  }
  const withNs = /xmlns:r=/.test(sheetXml)
    ? sheetXml
    : sheetXml.replace('<worksheet ', `<worksheet xmlns:r="${REL}" `);
  return withNs.replace('</worksheet>', `${tag}</worksheet>`);
}

/** The column letters of a zero-based column index (0 → A, 27 → AB). */
export function columnLetters(index: number): string {
  let out = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** Built-in number formats (ECMA-376 §18.8.30) the appended sheets use; others fall back to General. */
const BUILTIN_FORMATS: Readonly<Record<string, number>> = {
  '0': 1,
  '0.00': 2,
  '#,##0': 3,
  '#,##0.00': 4,
  '0%': 9,
  '0.00%': 10,
};

/** Adds one cell format per built-in number format to styles.xml; returns the style index of each. */
function addNumberStyles(styles: string): { styles: string; index: Map<string, number> } {
  const m = /<cellXfs count="(\d+)">([\s\S]*?)<\/cellXfs>/.exec(styles);
  if (!m) return { styles, index: new Map() };
  let count = Number(m[1]);
  const index = new Map<string, number>();
  let xfs = '';
  for (const [format, id] of Object.entries(BUILTIN_FORMATS)) {
    index.set(format, count++);
    xfs += `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`;
  }
  return { styles: styles.replace(m[0], `<cellXfs count="${count}">${m[2]}${xfs}</cellXfs>`), index };
}

function sheetXml(sheet: AppendedSheet, styleOf: ReadonlyMap<string, number>): string {
  const rows = sheet.rows.map((cells, r) => {
    const body = cells
      .map((cell, c) => {
        const ref = `${columnLetters(c)}${r + 1}`;
        if (cell === null) return '';
        if (typeof cell === 'string')
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xml(cell)}</t></is></c>`;
        const style = cell.format === undefined ? undefined : styleOf.get(cell.format);
        return `<c r="${ref}"${style === undefined ? '' : ` s="${style}"`}><v>${cell.value}</v></c>`;
      })
      .join('');
    return `<row r="${r + 1}">${body}</row>`;
  });
  const widths = (sheet.widths ?? [])
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>${widths ? `<cols>${widths}</cols>` : ''}<sheetData>${rows.join('')}</sheetData><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="1"/></worksheet>`;
}

async function appendSheet(
  zip: JSZip,
  sheet: AppendedSheet,
  styleOf: ReadonlyMap<string, number>,
): Promise<void> {
  const n = nextNumber(zip, /^xl\/worksheets\/sheet(\d+)\.xml$/);
  const part = `xl/worksheets/sheet${n}.xml`;
  zip.file(part, sheetXml(sheet, styleOf));
  const { rels, id } = addRelationship(
    await text(zip, 'xl/_rels/workbook.xml.rels'),
    'worksheet',
    `worksheets/sheet${n}.xml`,
  );
  zip.file('xl/_rels/workbook.xml.rels', rels);
  const workbook = await text(zip, 'xl/workbook.xml');
  const sheetIds = [...workbook.matchAll(/<sheet\b[^>]*\bsheetId="(\d+)"/g)].map((m) => Number(m[1]));
  const entry = `<sheet name="${xml(sheet.name)}" sheetId="${Math.max(0, ...sheetIds) + 1}" r:id="${id}"/>`;
  zip.file('xl/workbook.xml', workbook.replace('</sheets>', `${entry}</sheets>`));
  zip.file('[Content_Types].xml', addOverride(await text(zip, '[Content_Types].xml'), part, TYPES.worksheet));
}

async function addCharts(zip: JSZip, sheetPart: string, charts: readonly ChartSpec[]): Promise<void> {
  const drawingN = nextNumber(zip, /^xl\/drawings\/drawing(\d+)\.xml$/);
  const drawingPart = `xl/drawings/drawing${drawingN}.xml`;
  let types = await text(zip, '[Content_Types].xml');
  let drawingRels: string | null = null;
  const placed: { spec: ChartSpec; relId: string }[] = [];
  for (const spec of charts) {
    const chartN = nextNumber(zip, /^xl\/charts\/chart(\d+)\.xml$/);
    const chartPart = `xl/charts/chart${chartN}.xml`;
    zip.file(chartPart, chartXml(spec, chartN));
    types = addOverride(types, chartPart, TYPES.chart);
    const added = addRelationship(drawingRels, 'chart', `../charts/chart${chartN}.xml`);
    drawingRels = added.rels;
    placed.push({ spec, relId: added.id });
  }
  zip.file(drawingPart, drawingXml(placed));
  zip.file(`xl/drawings/_rels/drawing${drawingN}.xml.rels`, drawingRels ?? '');
  types = addOverride(types, drawingPart, TYPES.drawing);
  zip.file('[Content_Types].xml', types);

  const folder = sheetPart.slice(0, sheetPart.lastIndexOf('/'));
  const file = sheetPart.slice(sheetPart.lastIndexOf('/') + 1);
  const relsPath = `${folder}/_rels/${file}.rels`;
  const existing = zip.file(relsPath) ? await text(zip, relsPath) : null;
  const { rels, id } = addRelationship(existing, 'drawing', `../drawings/drawing${drawingN}.xml`);
  zip.file(relsPath, rels);
  zip.file(sheetPart, insertDrawing(await text(zip, sheetPart), id));
}

/** The workbook with the requested sheets appended and charts drawn. Throws on an unknown sheet. */
export async function addWorkbookCharts(xlsx: Buffer, request: WorkbookChartsRequest): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  if (request.appendSheets?.length) {
    const { styles, index } = addNumberStyles(await text(zip, 'xl/styles.xml'));
    zip.file('xl/styles.xml', styles);
    for (const sheet of request.appendSheets) await appendSheet(zip, sheet, index);
  }
  const parts = await sheetParts(zip);
  for (const { sheet, charts } of request.charts) {
    const part = parts.get(sheet);
    if (!part) throw new Error(`the workbook has no sheet "${sheet}" to draw charts on`);
    if (charts.length > 0) await addCharts(zip, part, charts);
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
