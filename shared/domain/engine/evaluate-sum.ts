/**
 * A `sum` KPI over a range (spec §3–§6): the actual and the phased target over the compared
 * days (docs/variance-decisions.md B).
 */
import type { DimensionValues, SumKpi } from '../types.ts';
import type { EngineContext } from './context.ts';
import { comparedDays, coverage, sumOver } from './coverage.ts';
import { type EvaluateQuery, type Evaluation, finish } from './evaluation.ts';

export function evaluateSum(
  ctx: EngineContext,
  kpi: SumKpi,
  q: EvaluateQuery,
  group: DimensionValues,
): Evaluation {
  const { first, last, rangeDays } = ctx.days.clip(q.range);
  const g = ctx.actuals.group(kpi.id, group);
  const t = ctx.resolver.sum(q.version ?? 'budget', kpi, group);
  const { mask, actualMask, targeted, targetedDays } = comparedDays(
    (has) => coverage(g, first, last, has),
    t?.has ?? null,
    first,
    last,
  );
  const actual = mask.includes(1) ? sumOver(g, first, mask, last, targeted) : null;
  let target: number | null = null;
  let fullRangeTarget: number | null = null;
  if (t) {
    let tc = 0;
    let tf = 0;
    let anyCovered = false;
    let anyFull = false;
    for (let i = 0; i < mask.length; i++) {
      const o = first + i;
      if (!t.has[o]) continue;
      tf += t.daily[o]!;
      anyFull = true;
      if (mask[i]) {
        tc += t.daily[o]!;
        anyCovered = true;
      }
    }
    // Covered days without any target (the fallback of comparedDays) compare with nothing.
    target = anyCovered && targeted ? tc : null;
    fullRangeTarget = anyFull ? tf : null;
  }
  return finish(kpi, ctx.days, {
    actual,
    target,
    fullRangeTarget,
    mask,
    first,
    rangeDays,
    targetSource: t?.source ?? 'none',
    targetedDays,
    actualMask,
  });
}
