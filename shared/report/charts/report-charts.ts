/**
 * The charts as the report run and the CLI use them: the workbook with its charts added, and
 * the email's chart images. A chart is never worth a missing report: when drawing one fails
 * (e.g. the chart assets are not where CHART_ASSETS_DIR says), the report goes out without
 * it and the failure is handed to `onError` to be logged.
 */
import type { ReportModel } from '../report-model.ts';
import type { ChartAssets } from './chart-assets.ts';
import { type RenderedChart, renderEmailCharts } from './email-charts.ts';
import { workbookChartsFor } from './workbook-chart-data.ts';
import { addWorkbookCharts } from './workbook-charts.ts';

export type ChartErrorHandler = (what: 'workbook' | 'email', error: unknown) => void;

/** `workbook` (exceljs's bytes) with the chart sheet and its charts; unchanged when there is nothing to chart. */
export async function withWorkbookCharts(
  workbook: Buffer,
  model: ReportModel,
  onError: ChartErrorHandler,
): Promise<Buffer> {
  const request = workbookChartsFor(model);
  if (!request) return workbook;
  try {
    return await addWorkbookCharts(workbook, request);
  } catch (error) {
    onError('workbook', error);
    return workbook;
  }
}

/** The email's chart images, or none when drawing them failed. */
export async function emailCharts(
  model: ReportModel,
  onError: ChartErrorHandler,
  assets?: () => Promise<ChartAssets>,
): Promise<RenderedChart[]> {
  try {
    return await renderEmailCharts(model, assets);
  } catch (error) {
    onError('email', error);
    return [];
  }
}
