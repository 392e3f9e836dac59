/**
 * Renders a ReportModel as an xlsx workbook (exceljs streaming writer), in the model's
 * language: one module per sheet under ./excel/, the machinery in ./excel/workbook.ts and
 * colours and number formats shared with the email in ./styles.ts. Every figure comes from
 * the model; nothing is recomputed here except unit scaling for display (percent-KPI
 * variances are written in percentage points, format `+0.00" pp"`, because `0.2%` would read
 * as a relative change).
 */
import { PassThrough, type Writable } from 'node:stream';
import { isScoped, scopeLabel } from '../i18n.ts';
import type { ReportModel } from '../report-model.ts';
import { writeAbout } from './excel/about-sheet.ts';
import { writeBreakdowns } from './excel/breakdowns-sheet.ts';
import { writeDataQuality } from './excel/data-quality-sheet.ts';
import { writeKpis } from './excel/kpis-sheet.ts';
import { writeMilestones } from './excel/milestones-sheet.ts';
import { writeSummary } from './excel/summary-sheet.ts';
import { writeTrend } from './excel/trend-sheet.ts';
import { safeText, WorkbookBuilder } from './excel/workbook.ts';

export { displayWidth, safeText } from './excel/workbook.ts';
export { FMT, STATUS_COLOURS, valueFormat, varianceCellValue, varianceFormat } from './styles.ts';

/** Options for tests and benchmarks; production callers pass none. */
export interface RenderWorkbookOptions {
  /** Write into this stream instead of buffering (the returned buffer is then empty). */
  readonly stream?: Writable;
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
 * Renders the model as an xlsx workbook, all in `model.report.language`: Summary (one page,
 * the period first), KPIs, one sheet per breakdown with figures, Trend, Milestones (when
 * there are any), Data quality, About.
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
  writeKpis(b, model);
  writeBreakdowns(b, model);
  writeTrend(b, model);
  if (model.milestones.items.length > 0) writeMilestones(b, model);
  writeDataQuality(b, model);
  writeAbout(b, model);
  await b.wb.commit();
  await done;
  return Buffer.concat(chunks);
}
