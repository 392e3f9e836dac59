/**
 * The lead of the email: the headline KPI's result for the report's own period (this week in
 * a weekly report) in money and percent, then the previous period, month to date and the
 * year with its outlook (forecast, gap to the annual target, required pace).
 */
import { formatKpiAmount, formatPercent, formatVariancePct, labels, statusWord } from '../../i18n.ts';
import { comparisonOf, kpiIndex, kpiName, leadRanges, rowFor, signedAmount } from '../digest.ts';
import type { Ctx, Lead } from './content.ts';

export function leadOf({ model, lang }: Ctx): Lead | null {
  const t = labels(lang).text;
  const c = labels(lang).columns;
  const id = model.headline?.kpi;
  const [own, ...later] = leadRanges(model);
  if (!id || !own) return null;
  const kpi = kpiIndex(model).get(id);
  const row = rowFor(model, id, own);
  if (!kpi || !row) return null;
  const rows: Lead['rows'][number][] = [];
  const cmp = comparisonOf(model, id, own.kind);
  if (cmp?.previous) {
    rows.push({
      label: `${t.previousPeriod} ${cmp.previous.periodKey}`,
      text: `${formatKpiAmount(cmp.previous.actual, kpi, lang)} · ${t.change} ${signedAmount(model, kpi, cmp.previous.change)} (${formatVariancePct(cmp.previous.changePct)})`,
      chip: null,
    });
  }
  if (cmp?.lastYear) {
    rows.push({
      label: `${t.lastYear} ${cmp.lastYear.periodKey}`,
      text: `${formatKpiAmount(cmp.lastYear.actual, kpi, lang)} · ${t.change} ${signedAmount(model, kpi, cmp.lastYear.change)} (${formatVariancePct(cmp.lastYear.changePct)})`,
      chip: null,
    });
  }
  for (const r of later) {
    const x = rowFor(model, id, r);
    if (!x) continue;
    let text = `${formatKpiAmount(x.actual, kpi, lang)} / ${formatKpiAmount(x.target, kpi, lang)} · ${signedAmount(model, kpi, x.variance)} (${formatVariancePct(x.variancePct)})`;
    const o = r.kind === 'YTD' ? model.outlook.find((q) => q.kpi === id) : undefined;
    if (o?.kind === 'sum') {
      text += ` · ${t.forecastShort} ${formatKpiAmount(o.forecast, kpi, lang)} · ${t.gapOfYear} ${signedAmount(model, kpi, o.gapToAnnual)} · ${t.paceShort} ${formatPercent(o.requiredPace)}`;
    }
    rows.push({ label: r.label[lang], text, chip: { word: statusWord(x.status, lang), status: x.status } });
  }
  return {
    title: `${kpiName(model, id)} · ${own.label[lang]} ${own.periodKey}`,
    figure: `${signedAmount(model, kpi, row.variance)} (${formatVariancePct(row.variancePct)})`,
    detail: `${c.actual} ${formatKpiAmount(row.actual, kpi, lang)}${lang === 'zh' ? '，' : ' · '}${c.target} ${formatKpiAmount(row.target, kpi, lang)}`,
    chip: { word: statusWord(row.status, lang), status: row.status },
    rows,
  };
}
