/**
 * Each KPI against the previous period and the same period last year (when the store has
 * it), then the compact trend: the headline KPIs' variance % over the last periods in one
 * row each, or the trend chart when one is given. Absent when there is nothing to compare.
 */
import { formatKpiAmount, formatVariancePct, labels } from '../../i18n.ts';
import { comparisonOf, kpiIndex, kpiName, leadKpis, leadRanges, trendWindow } from '../digest.ts';
import type { ChartRef, Ctx, Section } from './content.ts';

/** How many periods the email's trend row shows (fits a phone). */
const EMAIL_TREND_PERIODS = 8;

export function comparisonsOf({ model, lang }: Ctx): Section | null {
  const t = labels(lang).text;
  const [own] = leadRanges(model);
  if (!own) return null;
  const kpis = kpiIndex(model);
  const withPrev = model.comparisons.some((c) => c.previous !== null);
  const withYear = model.comparisons.some((c) => c.lastYear !== null);
  if (!withPrev && !withYear) return null;
  const rows = leadKpis(model).flatMap((id) => {
    const c = comparisonOf(model, id, own.kind);
    const kpi = kpis.get(id);
    if (!c || !kpi) return [];
    const cells = [kpiName(model, id), formatKpiAmount(c.current, kpi, lang)];
    const under = ['', ''];
    if (withPrev) {
      cells.push(formatVariancePct(c.previous?.changePct ?? null));
      under.push(c.previous ? formatKpiAmount(c.previous.actual, kpi, lang) : '');
    }
    if (withYear) {
      cells.push(formatVariancePct(c.lastYear?.changePct ?? null));
      under.push(c.lastYear ? formatKpiAmount(c.lastYear.actual, kpi, lang) : '');
    }
    return [{ cells, under }];
  });
  if (rows.length === 0) return null;
  const headers = [labels(lang).columns.kpi, own.label[lang]];
  if (withPrev) headers.push(t.previousPeriod);
  if (withYear) headers.push(t.lastYear);
  return {
    title: t.comparisons,
    table: { headers, align: ['left', ...headers.slice(1).map(() => 'right' as const)], rows },
  };
}

export function trendOf({ model, lang }: Ctx, chart: ChartRef | undefined): Section | null {
  const periods = trendWindow(model, EMAIL_TREND_PERIODS);
  if (periods.length === 0) return null;
  const t = labels(lang).text;
  // The chart names its own measure and period count (actual vs target, last 13 weeks); the
  // table below it is the variance % of the last few periods.
  if (chart) return { title: labels(lang).sheets.trend, chart };
  const title = t.trendTitle.replace('{n}', String(periods.length));
  const ids = model.headline ? [model.headline.kpi] : leadKpis(model).slice(0, 1);
  const rows = ids.flatMap((id) => {
    const s = model.trend.series.find((x) => x.kpi === id);
    if (!s?.points.some((p) => p.actual !== null)) return [];
    const by = new Map(s.points.map((p) => [p.period, p]));
    return [
      {
        cells: [
          kpiName(model, id),
          ...periods.map((p) => formatVariancePct(by.get(p.key)?.variancePct ?? null)),
        ],
      },
    ];
  });
  if (rows.length === 0) return null;
  return {
    title,
    table: {
      headers: ['', ...periods.map((p) => p.key.replace(/^\d{4}-/, ''))],
      align: ['left', ...periods.map(() => 'right' as const)],
      rows,
    },
  };
}
