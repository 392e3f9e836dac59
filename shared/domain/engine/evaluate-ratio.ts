/**
 * A `ratio` KPI over a range (spec §2–§3): Σnumerator ÷ Σdenominator over the days both
 * components cover, against the denominator-weighted target ratio (decision D7).
 */
import type { DimensionValues, RatioKpi } from '../types.ts';
import type { EngineContext } from './context.ts';
import { bothCovered, comparedDays, sumOver } from './coverage.ts';
import { type EvaluateQuery, type Evaluation, finish } from './evaluation.ts';
import type { GroupRatioTarget } from './target-resolution.ts';

/** The target ratio over the days of `mask` (all days with a target when mask is null). */
function ratioTargetOver(t: GroupRatioTarget, first: number, mask: Uint8Array | null, n: number) {
  let rw = 0;
  let w = 0;
  let r1 = 0;
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const o = first + i;
    if (!t.has[o] || (mask && !mask[i])) continue;
    rw += t.rw[o]!;
    w += t.w[o]!;
    r1 += t.r1[o]!;
    n1 += t.n1[o]!;
  }
  if (n1 === 0) return null;
  return w > 0 ? rw / w : r1 / n1;
}

export function evaluateRatio(
  ctx: EngineContext,
  kpi: RatioKpi,
  q: EvaluateQuery,
  group: DimensionValues,
): Evaluation {
  const { first, last, rangeDays } = ctx.days.clip(q.range);
  const num = ctx.actuals.group(kpi.numerator, group);
  const den = ctx.actuals.group(kpi.denominator, group);
  const t = ctx.resolver.ratio(q.version ?? 'budget', kpi, group);
  const { mask, actualMask, targeted, targetedDays } = comparedDays(
    (has) => bothCovered(num, den, first, last, has),
    t?.has ?? null,
    first,
    last,
  );
  let actual: number | null = null;
  if (mask.includes(1)) {
    const n = sumOver(num, first, mask, last, targeted);
    const d = sumOver(den, first, mask, last, targeted);
    // A zero denominator has no ratio (decision D13).
    actual = d !== 0 ? n / d : null;
  }
  return finish(kpi, ctx.days, {
    actual,
    target: t && targeted ? ratioTargetOver(t, first, mask, mask.length) : null,
    fullRangeTarget: t ? ratioTargetOver(t, first, null, mask.length) : null,
    mask,
    first,
    rangeDays,
    targetSource: t?.source ?? 'none',
    targetedDays,
    actualMask,
  });
}
