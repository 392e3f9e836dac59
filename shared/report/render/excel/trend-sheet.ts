/**
 * The Trend sheet: one compact KPI × period table (the last weeks or months with figures),
 * not one row per KPI-period. Three blocks over the same period columns: variance % in its
 * status colour, then actual, then target, so a reader sees the run of misses at a glance
 * and an analyst has the figures beside it. Absent when the trend is empty.
 */
import { statusWord } from '../../i18n.ts';
import type { ReportModel, TrendPoint } from '../../report-model.ts';
import { kpiIndex, trendWindow } from '../digest.ts';
import { FMT, valueFormat } from '../styles.ts';
import { type Column, kpiName, maxWidth, safeText, type WorkbookBuilder } from './workbook.ts';

export function writeTrend(b: WorkbookBuilder, model: ReportModel): void {
  const periods = trendWindow(model);
  if (periods.length === 0) return;
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = kpiIndex(model);
  const series = model.trend.series.filter((s) =>
    s.points.some((p) => p.actual !== null || p.target !== null),
  );
  const columns: Column[] = [
    {
      header: l.columns.kpi,
      width: maxWidth(
        model.kpis.map((k) => k.name[lang]),
        12,
      ),
    },
    ...periods.map((p) => ({ header: safeText(p.key), width: 12 })),
  ];
  const title = l.text.trendTitle.replace('{n}', String(periods.length));
  const s = b.sheet({ name: l.sheets.trend, columns, frozenRows: 3, frozenColumns: 1 });
  s.add([[`${title} · ${model.about.fiscalYear}`, book.section()]], 20);
  s.add([[`${periods[0]?.start ?? ''} – ${periods.at(-1)?.end ?? ''}`, book.subtitle()]]);
  const pointsOf = (kpi: string): Map<string, TrendPoint> =>
    new Map((series.find((x) => x.kpi === kpi)?.points ?? []).map((p) => [p.period, p]));

  const block = (
    heading: string,
    cell: (
      kpi: string,
      p: TrendPoint | undefined,
    ) => readonly [number | string | null, ReturnType<typeof book.text>],
  ) => {
    s.header([{ header: heading, width: 0 }, ...periods.map((p) => ({ header: safeText(p.key), width: 0 }))]);
    for (const x of series) {
      const pts = pointsOf(x.kpi);
      s.add([
        [kpiName(kpis.get(x.kpi), x.kpi, lang), book.text()],
        ...periods.map((p) => cell(x.kpi, pts.get(p.key))),
      ]);
    }
  };
  block(l.columns.variancePct, (_kpi, p) =>
    p && p.variancePct !== null
      ? [p.variancePct, book.status(p.status, FMT.pctSigned)]
      : [p ? statusWord(p.status, lang) : null, book.status(p?.status ?? 'no_data')],
  );
  s.blank();
  block(l.columns.actual, (kpi, p) => {
    const k = kpis.get(kpi);
    return [p?.actual ?? null, book.num(k ? valueFormat(k) : FMT.number)];
  });
  s.blank();
  block(l.columns.target, (kpi, p) => {
    const k = kpis.get(kpi);
    return [p?.target ?? null, book.num(k ? valueFormat(k) : FMT.number)];
  });
  s.ws.commit();
}
