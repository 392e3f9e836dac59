/**
 * A `snapshot` KPI over a range (spec §3, §6): only the value reported for exactly the
 * period (and dimension values) compares, with the target of that same period.
 */
import { compareDates } from '../calendar.ts';
import type { DimensionValues, SnapshotKpi } from '../types.ts';
import type { EngineContext } from './context.ts';
import { dimsKey } from './dims.ts';
import { type EvaluateQuery, type Evaluation, finish } from './evaluation.ts';

export function evaluateSnapshot(
  ctx: EngineContext,
  kpi: SnapshotKpi,
  q: EvaluateQuery,
  group: DimensionValues,
): Evaluation {
  const { days, periods } = ctx;
  const { first, last, rangeDays } = days.clip(q.range);
  const key = q.periodKey ?? periods.exactKey(q.range);
  const gk = dimsKey(group);
  const period = key ? periods.parse(key) : null;
  let actual: number | null = null;
  const mask = new Uint8Array(Math.max(last - first + 1, 0));
  if (
    period &&
    compareDates(period.start, q.range.start) >= 0 &&
    compareDates(period.end, q.range.end) <= 0
  ) {
    const fact = ctx.actuals.snapshots(kpi.id)?.get(gk)?.get(period.key);
    if (fact) {
      actual = fact.value;
      const pf = period.firstDay - days.start - first;
      const pl = period.lastDay - days.start - first;
      for (let i = Math.max(pf, 0); i <= Math.min(pl, mask.length - 1); i++) mask[i] = 1;
    }
  }
  const series = ctx.targets.series(q.version ?? 'budget', kpi.id)?.get(gk);
  const target = (key ? series?.facts.get(key) : undefined) ?? null;
  // A snapshot target holds for its period alone: those days (inside the range) are targeted.
  let targetedDays = 0;
  if (target !== null && period) {
    const pf = Math.max(period.firstDay - days.start, first);
    const pl = Math.min(period.lastDay - days.start, last);
    targetedDays = Math.max(pl - pf + 1, 0);
  }
  return finish(kpi, days, {
    actual,
    target,
    fullRangeTarget: null,
    mask,
    first,
    rangeDays,
    targetSource: target === null ? 'none' : 'explicit',
    targetedDays,
  });
}
