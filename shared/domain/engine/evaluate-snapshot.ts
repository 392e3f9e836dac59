/**
 * A `snapshot` KPI over a range (spec §3, §6, §7): a value holds only for exactly the period
 * (and dimension values) it was reported for and compares with the target of that same
 * period. The range shows the range's own period's value when there is one, else the latest
 * value reported for a period inside the range — with that period (decision D15), so a
 * monthly NPS shows in the quarter and year to date instead of "no data".
 */
import { compareDates } from '../calendar.ts';
import type { DimensionValues, SnapshotKpi } from '../types.ts';
import type { EngineContext } from './context.ts';
import type { IndexedPeriod } from './days.ts';
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
  const byPeriod = ctx.actuals.snapshots(kpi.id)?.get(gk);
  let valuePeriod: IndexedPeriod | null = null;
  if (
    period &&
    compareDates(period.start, q.range.start) >= 0 &&
    compareDates(period.end, q.range.end) <= 0
  ) {
    if (byPeriod?.has(period.key)) valuePeriod = period;
  }
  if (!valuePeriod) {
    const rangeFirst = first + days.start;
    const rangeLast = rangeFirst + Math.max(last - first, -1);
    for (const periodKey of byPeriod?.keys() ?? []) {
      const p = periods.parse(periodKey)!;
      if (p.firstDay < rangeFirst || p.lastDay > rangeLast) continue;
      // The latest period; of two ending together, the longer one (a month over its last week).
      if (
        !valuePeriod ||
        p.lastDay > valuePeriod.lastDay ||
        (p.lastDay === valuePeriod.lastDay && p.firstDay < valuePeriod.firstDay)
      ) {
        valuePeriod = p;
      }
    }
  }
  const mask = new Uint8Array(Math.max(last - first + 1, 0));
  let actual: number | null = null;
  if (valuePeriod) {
    actual = byPeriod!.get(valuePeriod.key)!.value;
    const pf = valuePeriod.firstDay - days.start - first;
    const pl = valuePeriod.lastDay - days.start - first;
    for (let i = Math.max(pf, 0); i <= Math.min(pl, mask.length - 1); i++) mask[i] = 1;
  }
  // The target of the value's period; without a value, the range's own period's target (D5).
  const comparedPeriod = valuePeriod ?? period;
  const series = ctx.targets.series(q.version ?? 'budget', kpi.id)?.get(gk);
  const target = (comparedPeriod ? series?.facts.get(comparedPeriod.key) : undefined) ?? null;
  // A snapshot target holds for its period alone: those days (inside the range) are targeted.
  let targetedDays = 0;
  if (target !== null && comparedPeriod) {
    const pf = Math.max(comparedPeriod.firstDay - days.start, first);
    const pl = Math.min(comparedPeriod.lastDay - days.start, last);
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
    valuePeriod: valuePeriod?.key ?? null,
  });
}
