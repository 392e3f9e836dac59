/**
 * The largest unfavourable variances, money KPIs ranked by money (see digest.ts), each with
 * where its gap comes from: the slices that explain it, their owners' names and their share,
 * and for ratio KPIs the rate and mix effects. The headline KPI's attribution comes first
 * when it is not itself in the list. The attribution chart, when given, sits here.
 */
import { formatVariancePct, labels, statusWord } from '../../i18n.ts';
import {
  attributionOf,
  attributionSentence,
  kpiName,
  largestUnfavourable,
  rangeName,
  signedAmount,
} from '../digest.ts';
import type { ChartRef, Ctx, Line, Section } from './content.ts';

export function attributionOfEmail({ model, lang }: Ctx, chart: ChartRef | undefined): Section {
  const t = labels(lang).text;
  const worst = largestUnfavourable(model);
  const lines: Line[] = worst.map((u) => {
    const a = attributionOf(model, u.row.kpi);
    return {
      title: `${kpiName(model, u.row.kpi)} · ${rangeName(model, u.row.range)}`,
      detail: '',
      figure: `${signedAmount(model, u.kpi, u.row.variance)} (${formatVariancePct(u.row.variancePct)})`,
      chip: { word: statusWord(u.row.status, lang), status: u.row.status },
      ...(a ? { more: [attributionSentence(model, a)] } : {}),
    };
  });
  const h = model.headline?.kpi;
  const headlineAttribution = h && !worst.some((u) => u.row.kpi === h) ? attributionOf(model, h) : undefined;
  return {
    title: t.largestUnfavourable,
    ...(headlineAttribution
      ? {
          summary: `${t.whereFrom}${lang === 'zh' ? '：' : ': '}${attributionSentence(model, headlineAttribution)}`,
        }
      : {}),
    lines,
    ...(chart ? { chart } : {}),
    empty: t.noneUnfavourable,
  };
}
