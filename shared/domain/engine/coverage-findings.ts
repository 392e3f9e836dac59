/**
 * Data-quality findings of a KPI's actuals (spec §4, decision D10): dataThrough, stale, and
 * the gaps inside a range.
 */
import { addDays, compareDates, reportRange } from '../calendar.ts';
import type { DateRange, DimensionValues, KpiDefinition, LocalDate, PeriodGrain } from '../types.ts';
import type { EngineContext } from './context.ts';
import { bothCovered, coverage, lastSet } from './coverage.ts';
import { GRAINS } from './days.ts';
import { dimsKey } from './dims.ts';

export interface KpiCoverageFindings {
  readonly dataThrough: LocalDate | null;
  readonly stale: boolean;
  readonly gaps: DateRange[];
  /**
   * False when the KPI (for a ratio: either component) is uploaded, but never at the scope's
   * dimensions — e.g. sessions only by channel in a category report. Such a KPI is "not
   * reported at this level": neither stale nor gappy, since no data is expected (decision D17).
   */
  readonly reportedAtLevel: boolean;
}

/** Covered-day mask of a KPI over [first, last] (ratio: both components). */
function kpiMask(
  ctx: EngineContext,
  kpi: KpiDefinition,
  group: DimensionValues,
  first: number,
  last: number,
): Uint8Array {
  if (kpi.aggregation === 'ratio') {
    return bothCovered(
      ctx.actuals.group(kpi.numerator, group),
      ctx.actuals.group(kpi.denominator, group),
      first,
      last,
    );
  }
  if (kpi.aggregation === 'snapshot') {
    const mask = new Uint8Array(Math.max(last - first + 1, 0));
    for (const [key] of ctx.actuals.snapshots(kpi.id)?.get(dimsKey(group)) ?? []) {
      const p = ctx.periods.parse(key)!;
      const pf = p.firstDay - ctx.days.start;
      const pl = p.lastDay - ctx.days.start;
      if (pf < first || pl > last) continue;
      for (let o = pf; o <= pl; o++) mask[o - first] = 1;
    }
    return mask;
  }
  return coverage(ctx.actuals.group(kpi.id, group), first, last);
}

/** Finest grain of a KPI's actuals (its components' for a ratio); `day` when unknown. */
function actualGrain(ctx: EngineContext, kpi: KpiDefinition): PeriodGrain {
  let best = GRAINS.length - 1;
  let seen = false;
  const visitKey = (key: string) => {
    const p = ctx.periods.parse(key);
    if (!p) return;
    seen = true;
    best = Math.min(best, GRAINS.indexOf(p.grain));
  };
  const ids = kpi.aggregation === 'ratio' ? [kpi.numerator, kpi.denominator] : [kpi.id];
  for (const id of ids) {
    for (const s of ctx.actuals.series(id)) {
      if (s.cov.some((c) => c === 1)) {
        seen = true;
        best = 0;
      }
      for (const key of s.coarse.keys()) visitKey(key);
    }
    for (const byPeriod of ctx.actuals.snapshots(id)?.values() ?? [])
      for (const key of byPeriod.keys()) visitKey(key);
  }
  return seen ? GRAINS[best]! : 'day';
}

/**
 * dataThrough (last covered day ≤ asOf in the window), stale, and gaps (runs of uncovered
 * days inside `range`, up to asOf). For a KPI reported per week/month/quarter (snapshots,
 * coarse uploads) "stale" means the last complete period of that grain as of
 * (asOf − graceDays) is missing, since a monthly figure cannot exist mid-month; daily KPIs
 * use dataThrough < asOf − graceDays.
 */
export function coverageFindings(
  ctx: EngineContext,
  kpi: KpiDefinition,
  range: DateRange,
  asOf: LocalDate,
  graceDays: number,
  group: DimensionValues,
): KpiCoverageFindings {
  const { days } = ctx;
  const startMonth = ctx.periods.startMonth;
  const ids = kpi.aggregation === 'ratio' ? [kpi.numerator, kpi.denominator] : [kpi.id];
  if (ids.some((id) => ctx.actuals.reportedAtScopeLevel(id) === false)) {
    return { dataThrough: null, stale: false, gaps: [], reportedAtLevel: false };
  }
  const asOfOffset = Math.min(days.clip({ start: asOf, end: asOf }).last, days.length - 1);
  const whole = asOfOffset >= 0 ? kpiMask(ctx, kpi, group, 0, asOfOffset) : new Uint8Array(0);
  const lastCovered = lastSet(whole);
  const dataThrough = lastCovered >= 0 ? days.day(lastCovered) : null;
  const grain = actualGrain(ctx, kpi);
  const graceDay = addDays(asOf, -graceDays);
  const expected =
    grain === 'day'
      ? graceDay
      : grain === 'week'
        ? reportRange('LAST_WEEK', graceDay, startMonth).end
        : grain === 'month'
          ? reportRange('LAST_MONTH', graceDay, startMonth).end
          : reportRange('LAST_QUARTER', graceDay, startMonth).end;
  const stale = dataThrough === null || compareDates(dataThrough, expected) < 0;
  const gaps: DateRange[] = [];
  // Gaps are looked for up to the last day data can be expected (asOf for daily KPIs).
  let end = compareDates(range.end, asOf) < 0 ? range.end : asOf;
  if (compareDates(expected, end) < 0 && grain !== 'day') end = expected;
  const { first, last } = days.clip({ start: range.start, end });
  if (last >= first && compareDates(range.start, end) <= 0) {
    const mask = kpiMask(ctx, kpi, group, 0, days.length - 1);
    let runStart = -1;
    for (let o = first; o <= last + 1; o++) {
      const empty = o <= last && !mask[o];
      if (empty && runStart < 0) runStart = o;
      if (!empty && runStart >= 0) {
        gaps.push({ start: days.day(runStart), end: days.day(o - 1) });
        runStart = -1;
      }
    }
  }
  return { dataThrough, stale, gaps, reportedAtLevel: true };
}
