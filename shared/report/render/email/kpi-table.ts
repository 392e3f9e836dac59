/**
 * Every KPI with figures for the report's own period: actual over target, variance in the
 * KPI's unit (money in 万/亿) over the percent, and the status chip. KPIs with no data are
 * named once below the table instead of filling it with dashes.
 */
import { formatKpiAmount, formatVariancePct, labels, statusWord } from '../../i18n.ts';
import { kpiIndex, kpiName, kpisWithFigures, leadKpis, leadRanges, rowFor, signedAmount } from '../digest.ts';
import type { Ctx, Section } from './content.ts';

export function kpiTableOf({ model, lang }: Ctx): Section | null {
  const l = labels(lang);
  const [own] = leadRanges(model);
  if (!own) return null;
  const kpis = kpiIndex(model);
  const outlook = new Map(model.outlook.map((o) => [o.kpi, o]));
  const rows = leadKpis(model).flatMap((id) => {
    const r = rowFor(model, id, own);
    const kpi = kpis.get(id);
    if (!r || !kpi) return [];
    // A snapshot holds for one period: say which, and without one in the range show the
    // latest value with its period (spec §7) rather than a bare dash.
    const o = outlook.get(id);
    const latest = r.actual === null && o?.kind === 'snapshot' && o.latestPeriod ? o : null;
    const actual = latest
      ? `${formatKpiAmount(latest.latestValue, kpi, lang)} (${latest.latestPeriod})`
      : r.valuePeriod
        ? `${formatKpiAmount(r.actual, kpi, lang)} (${r.valuePeriod})`
        : formatKpiAmount(r.actual, kpi, lang);
    return [
      {
        cells: [kpiName(model, id), actual, signedAmount(model, kpi, r.variance)],
        under: ['', formatKpiAmount(r.target, kpi, lang), formatVariancePct(r.variancePct)],
        chip: { word: statusWord(r.status, lang), status: r.status },
        bold: id === model.headline?.kpi,
      },
    ];
  });
  const { empty } = kpisWithFigures(model);
  return {
    title: `${l.text.topKpis} · ${own.label[lang]}`,
    table: {
      headers: [
        l.columns.kpi,
        `${l.columns.actual} / ${l.columns.target}`,
        `${l.columns.variance} / %`,
        l.columns.status,
      ],
      align: ['left', 'right', 'right', 'center'],
      rows,
    },
    ...(empty.length > 0
      ? {
          summary: `${l.text.noDataKpis}${empty.map((id) => kpiName(model, id)).join(lang === 'zh' ? '、' : ', ')}`,
        }
      : {}),
  };
}
