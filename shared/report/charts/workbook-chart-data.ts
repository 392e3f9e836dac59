/**
 * Which charts the workbook gets, and the cells they read: a sheet of its own ("图表" /
 * "Charts") holding the chart data — the headline KPI's actual and target per trend period,
 * and its variance by slice — with the two charts beside it. The charts read this sheet's
 * cells, so they do not depend on how the other sheets are laid out, and a reader who edits
 * a number sees the chart follow.
 */
import { labels } from '../i18n.ts';
import type { ReportModel } from '../report-model.ts';
import { trendChartData, varianceChartData } from './chart-data.ts';
import type { ChartSpec } from './drawingml.ts';
import { PALETTE } from './svg.ts';
import type { AppendedSheet, SheetCell, WorkbookChartsRequest } from './workbook-charts.ts';

export const CHART_SHEET_NAME = { zh: '图表', en: 'Charts' } as const;

const hex = (css: string) => css.replace('#', '').toUpperCase();

/** `#,##0` for money and counts, `0.00%` for percent KPIs, `#,##0.00` otherwise. */
function numberFormat(unit: string): string {
  if (unit === 'percent') return '0.00%';
  if (unit === 'currency' || unit === 'count') return '#,##0';
  return '#,##0.00';
}

/** The chart sheet and its charts for `model`; null when there is nothing to chart. */
export function workbookChartsFor(model: ReportModel): WorkbookChartsRequest | null {
  const language = model.report.language;
  const sheet = CHART_SHEET_NAME[language];
  const trend = trendChartData(model);
  const variance = varianceChartData(model);
  if (!trend && !variance) return null;
  const rows: SheetCell[][] = [];
  const charts: ChartSpec[] = [];
  const at = (col: string, row: number) => ({ sheet, ref: `${col}${row}` });
  const range = (col: string, from: number, to: number) => ({ sheet, ref: `${col}${from}:${col}${to}` });
  // Charts sit right of the data (columns E–M), each about as tall as its table.
  const place = (top: number, height: number) => ({
    from: [4, top] as const,
    to: [13, top + height] as const,
  });

  if (trend) {
    const format = numberFormat(trend.kpi.unit);
    const num = (v: number | null): SheetCell => (v === null ? null : { value: v, format });
    rows.push([trend.title]);
    const header = rows.length + 1;
    rows.push([labels(language).columns.period, trend.seriesNames.actual, trend.seriesNames.target]);
    for (const [i, period] of trend.periods.entries())
      rows.push([period, num(trend.actual[i]!), num(trend.target[i]!)]);
    const first = header + 1;
    const last = rows.length;
    charts.push({
      kind: 'line',
      title: trend.title,
      categories: range('A', first, last),
      numberFormat: format,
      series: [
        { name: at('B', header), values: range('B', first, last), colour: hex(PALETTE.actual) },
        { name: at('C', header), values: range('C', first, last), colour: hex(PALETTE.target), dashed: true },
      ],
      anchor: place(0, 18),
    });
    rows.push([]);
  }
  if (variance) {
    const format = numberFormat(variance.kpi.unit);
    const top = rows.length;
    rows.push([variance.title]);
    const header = rows.length + 1;
    rows.push([language === 'zh' ? '切片' : 'Slice', variance.valueName]);
    for (const bar of variance.bars) rows.push([bar.label, { value: bar.value, format }]);
    const first = header + 1;
    const last = rows.length;
    const colour = (f: boolean | null) =>
      hex(f === null ? PALETTE.neutral : f ? PALETTE.favourable : PALETTE.unfavourable);
    charts.push({
      kind: 'bar',
      title: variance.title,
      categories: range('A', first, last),
      numberFormat: format,
      series: [
        {
          name: at('B', header),
          values: range('B', first, last),
          colour: hex(PALETTE.unfavourable),
          pointColours: variance.bars.map((b) => colour(b.favourable)),
        },
      ],
      anchor: place(Math.max(top, trend ? 19 : 0), Math.max(14, variance.bars.length * 2 + 6)),
    });
  }
  const dataSheet: AppendedSheet = { name: sheet, rows, widths: [22, 16, 16] };
  return { appendSheets: [dataSheet], charts: [{ sheet, charts }] };
}
