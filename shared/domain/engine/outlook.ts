/**
 * Year to date and outlook (spec §7) over the fiscal year holding asOf: forecast and pace for
 * `sum` KPIs, the YTD ratio for `ratio` KPIs, the latest value for `snapshot` KPIs.
 */
import { compareDates, reportRange } from '../calendar.ts';
import type { DimensionValues, LocalDate, PeriodKey } from '../types.ts';
import type { EngineContext } from './context.ts';
import { dimsKey } from './dims.ts';
import type { EvaluateQuery, Evaluation } from './evaluation.ts';

export interface SumOutlook {
  readonly kind: 'sum';
  readonly annualTarget: number | null;
  readonly ytdActual: number | null;
  readonly ytdTarget: number | null;
  readonly forecast: number | null;
  readonly gapToAnnual: number | null;
  readonly requiredPace: number | null;
}
export type OutlookFigures =
  | SumOutlook
  | { readonly kind: 'ratio'; readonly ytdRatio: number | null }
  | {
      readonly kind: 'snapshot';
      readonly latestValue: number | null;
      readonly latestPeriod: PeriodKey | null;
    };

export function outlookOf(
  ctx: EngineContext,
  evaluate: (q: EvaluateQuery) => Evaluation,
  kpiId: string,
  asOf: LocalDate,
  version: string,
  group: DimensionValues,
): OutlookFigures {
  const kpi = ctx.kpi(kpiId);
  const ytd = reportRange('YTD', asOf, ctx.periods.startMonth);
  if (kpi.aggregation === 'ratio') {
    return { kind: 'ratio', ytdRatio: evaluate({ kpi: kpiId, range: ytd, group, version }).actual };
  }
  if (kpi.aggregation === 'snapshot') {
    let latest: { key: PeriodKey; value: number; end: LocalDate } | null = null;
    for (const [key, fact] of ctx.actuals.snapshots(kpi.id)?.get(dimsKey(group)) ?? []) {
      if (compareDates(fact.end, asOf) > 0) continue;
      if (!latest || compareDates(fact.end, latest.end) > 0) latest = { key, ...fact };
    }
    return { kind: 'snapshot', latestValue: latest?.value ?? null, latestPeriod: latest?.key ?? null };
  }
  const fy = ctx.periods.parse(ytd.periodKey)!;
  const e = evaluate({ kpi: kpiId, range: ytd, group, version });
  const t = ctx.resolver.sum(version, kpi, group);
  let annualTarget: number | null = null;
  if (t) {
    const { first, last } = ctx.days.clip(fy);
    let sum = 0;
    let any = false;
    for (let o = first; o <= last; o++) {
      if (!t.has[o]) continue;
      sum += t.daily[o]!;
      any = true;
    }
    annualTarget = any ? sum : null;
  }
  const a = e.actual;
  const ty = e.target;
  const forecast =
    a !== null && ty !== null && ty !== 0 && annualTarget !== null ? (a * annualTarget) / ty : null;
  const paceDen = annualTarget !== null && ty !== null ? annualTarget - ty : null;
  return {
    kind: 'sum',
    annualTarget,
    ytdActual: a,
    ytdTarget: ty,
    forecast,
    gapToAnnual: forecast !== null && annualTarget !== null ? forecast - annualTarget : null,
    requiredPace:
      paceDen !== null && paceDen !== 0 && a !== null && annualTarget !== null
        ? (annualTarget - a) / paceDen
        : null,
  };
}
