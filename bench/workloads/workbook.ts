/**
 * Workbook: renders a report model with a big detail sheet through renderWorkbook (the
 * exceljs streaming writer), or — `mode: 'baseline'` — writes the very same cells as minimal
 * SpreadsheetML (one shared-string table, no styles) zipped by archiver at the deflate level
 * exceljs's streaming writer uses (compress-commons' default, zlib level 1 = BEST_SPEED).
 */
import { createRequire } from 'node:module';
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { renderWorkbook } from '../../shared/report/render/excel.ts';
import { buildBigReportModel } from '../../test/fixtures/report-model.ts';
import { params, report, timed } from '../lib/child.ts';

/** The slice of archiver (exceljs's own zip writer; no type declarations installed) used here. */
interface Archive {
  pipe(stream: Writable): void;
  append(data: string, options: { name: string }): void;
  finalize(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}
const archiver = createRequire(import.meta.url)('archiver') as (
  format: 'zip',
  options: { zlib: { level: number } },
) => Archive;

interface Params {
  readonly rows: number;
  readonly mode: 'render' | 'baseline';
}

/** exceljs's streaming writer passes no zip options, so compress-commons falls back to this. */
export const EXCELJS_STREAM_DEFLATE_LEVEL = 1;

type Cell = string | number | boolean;
interface SheetCells {
  readonly name: string;
  readonly rows: { readonly r: number; readonly cells: { readonly c: number; readonly v: Cell }[] }[];
}

function flatten(value: unknown): Cell | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.getTime() / 86_400_000 + 25_569;
  const v = value as Record<string, unknown>;
  if ('result' in v) return flatten(v.result);
  if (Array.isArray(v.richText)) return (v.richText as { text: string }[]).map((t) => t.text).join('');
  if ('text' in v) return flatten(v.text);
  if ('error' in v) return String(v.error);
  return String(value);
}

/** Every non-empty cell of every sheet of an xlsx, in order. */
async function readCells(xlsx: Buffer): Promise<SheetCells[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([xlsx]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  const sheets: SheetCells[] = [];
  for await (const worksheet of reader) {
    const ws = worksheet as unknown as { name?: string; id: number | string } & AsyncIterable<ExcelJS.Row>;
    const sheet: SheetCells = { name: ws.name ?? `Sheet${ws.id}`, rows: [] };
    for await (const row of ws) {
      const values = row.values as unknown[];
      const cells: { c: number; v: Cell }[] = [];
      for (let c = 1; c < values.length; c++) {
        const v = flatten(values[c]);
        if (v !== null && v !== '') cells.push({ c, v });
      }
      if (cells.length) sheet.rows.push({ r: row.number, cells });
    }
    sheets.push(sheet);
  }
  return sheets;
}

function columnName(c: number): string {
  let s = '';
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The smallest valid xlsx holding `sheets`: content types, rels, workbook, sheets, shared strings. */
async function minimalXlsx(sheets: readonly SheetCells[]): Promise<Buffer> {
  const strings = new Map<string, number>();
  const zip = archiver('zip', { zlib: { level: EXCELJS_STREAM_DEFLATE_LEVEL } });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    zip.on('error', reject);
  });
  zip.pipe(out);
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  sheets.forEach((sheet, i) => {
    const parts: string[] = [`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>`];
    for (const row of sheet.rows) {
      let xml = `<row r="${row.r}">`;
      for (const { c, v } of row.cells) {
        const ref = `${columnName(c)}${row.r}`;
        if (typeof v === 'number') xml += `<c r="${ref}"><v>${v}</v></c>`;
        else if (typeof v === 'boolean') xml += `<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`;
        else {
          let id = strings.get(v);
          if (id === undefined) {
            id = strings.size;
            strings.set(v, id);
          }
          xml += `<c r="${ref}" t="s"><v>${id}</v></c>`;
        }
      }
      parts.push(`${xml}</row>`);
    }
    parts.push('</sheetData></worksheet>');
    zip.append(parts.join(''), { name: `xl/worksheets/sheet${i + 1}.xml` });
  });
  const sst = [`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}" uniqueCount="${strings.size}">`];
  for (const s of strings.keys()) sst.push(`<si><t xml:space="preserve">${esc(s)}</t></si>`);
  sst.push('</sst>');
  zip.append(sst.join(''), { name: 'xl/sharedStrings.xml' });
  zip.append(
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><sheets>${sheets
      .map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
    { name: 'xl/workbook.xml' },
  );
  zip.append(
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${rel}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join(
        '',
      )}<Relationship Id="rId${sheets.length + 1}" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    { name: 'xl/_rels/workbook.xml.rels' },
  );
  zip.append(
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    { name: '_rels/.rels' },
  );
  zip.append(
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets
      .map(
        (_, i) =>
          `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join(
        '',
      )}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    { name: '[Content_Types].xml' },
  );
  await zip.finalize();
  await ended;
  return Buffer.concat(chunks);
}

const { rows, mode } = params<Params>();
const modelBuild = await timed(() => buildBigReportModel(rows));
if (mode === 'render') {
  const { ms, value: xlsx } = await timed(() => renderWorkbook(modelBuild.value));
  report({ mode, rows, modelMs: modelBuild.ms, ms, bytes: xlsx.length });
} else {
  // The cells come from the rendered workbook itself, so the baseline holds exactly its cells.
  const rendered = await renderWorkbook(modelBuild.value);
  const sheets = await readCells(rendered);
  const cellCount = sheets.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.cells.length, 0), 0);
  const { ms, value: xlsx } = await timed(() => minimalXlsx(sheets));
  const check = await readCells(xlsx);
  const checkCount = check.reduce((n, s) => n + s.rows.reduce((m, r) => m + r.cells.length, 0), 0);
  if (checkCount !== cellCount)
    throw new Error(`baseline holds ${checkCount} cells, the workbook ${cellCount}`);
  report({
    mode,
    rows,
    ms,
    bytes: xlsx.length,
    renderedBytes: rendered.length,
    cells: cellCount,
    sheets: sheets.length,
  });
}
