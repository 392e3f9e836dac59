/**
 * Targets that do not add up (spec §6, decisions D6 and D11): an explicit group target that
 * differs from the roll-up of a finer split by more than 0.5 %, and a group without its own
 * target whose finer splits (say by channel and by category) roll up to different totals.
 */
import { addDays, compareDates, fiscalYearRange } from '../calendar.ts';
import type { DimensionValues, PeriodKey, SumKpi } from '../types.ts';
import type { EngineContext } from './context.ts';
import { dimsKey } from './dims.ts';
import type { TargetSeries } from './target-index.ts';

export interface TargetMismatchFinding {
  readonly kpi: string;
  readonly version: string;
  readonly period: PeriodKey;
  readonly group: DimensionValues;
  /**
   * The target the group compares with over the period: its explicit target, or — when it
   * has none (`usedDimension` set) — the roll-up of the split it uses.
   */
  readonly explicitTarget: number;
  /** The roll-up of the finer targets split by `finerDimension`. */
  readonly sumOfFinerTargets: number;
  /** (sumOfFinerTargets − explicitTarget) / |explicitTarget|. */
  readonly differencePct: number;
  readonly finerDimension: string;
  /** Null for an explicit target; else the dimension whose split the group's target uses. */
  readonly usedDimension: string | null;
}

/** Explicit group target and sum of finer ones may differ by this share before it is reported. */
export const MISMATCH_THRESHOLD = 0.005;

/** (other − reference) / |reference|; infinite when only the reference is 0. */
export function differencePct(reference: number, other: number): number {
  if (reference === 0) return other === 0 ? 0 : Number.POSITIVE_INFINITY;
  return (other - reference) / Math.abs(reference);
}

/** Every group coarser than some target row: each proper subset of each row's dimensions. */
function coarserGroups(series: Iterable<TargetSeries>): Map<string, DimensionValues> {
  const groups = new Map<string, DimensionValues>();
  for (const s of series) {
    const keys = Object.keys(s.dims);
    for (let subset = 0; subset < (1 << keys.length) - 1; subset++) {
      const group: Record<string, string> = {};
      keys.forEach((k, i) => {
        if (subset & (1 << i)) group[k] = s.dims[k]!;
      });
      groups.set(dimsKey(group), group);
    }
  }
  return groups;
}

/** `sum` KPIs only: ratio and snapshot targets do not add up. Compared inside the window. */
export function targetMismatches(ctx: EngineContext, versions?: readonly string[]): TargetMismatchFinding[] {
  const out: TargetMismatchFinding[] = [];
  const totalOver = (kpi: SumKpi, series: readonly TargetSeries[], first: number, last: number) => {
    let sum = 0;
    for (const s of series) {
      const m = ctx.targets.daily(kpi, s);
      for (let o = first; o <= last; o++) sum += m.daily[o]!;
    }
    return sum;
  };
  // Fiscal years inside the window: the periods a group without its own target is checked over.
  const fiscalYears: { key: PeriodKey; first: number; last: number }[] = [];
  for (let d = ctx.days.range.start; compareDates(d, ctx.days.range.end) <= 0; ) {
    const fy = fiscalYearRange(d, ctx.periods.startMonth);
    fiscalYears.push({ key: fy.key, ...ctx.days.clip(fy) });
    d = addDays(fy.end, 1);
  }
  for (const version of ctx.targets.versions()) {
    if (versions && !versions.includes(version)) continue;
    for (const kpiId of ctx.targets.kpisOf(version)) {
      const kpi = ctx.kpi(kpiId);
      if (kpi.aggregation !== 'sum') continue;
      const byDims = ctx.targets.series(version, kpi.id)!;
      // Explicit rows against each finer split, per row period (decision D11).
      for (const series of byDims.values()) {
        const finer = ctx.resolver.splits(version, kpi.id, series.dims);
        if (finer.size === 0) continue;
        for (const periodKey of series.facts.keys()) {
          const { first, last } = ctx.days.clip(ctx.periods.parse(periodKey)!);
          if (last < first) continue;
          const explicit = totalOver(kpi, [series], first, last);
          for (const [dim, leaves] of finer) {
            const sum = totalOver(kpi, leaves, first, last);
            const diff = differencePct(explicit, sum);
            if (Math.abs(diff) <= MISMATCH_THRESHOLD) continue;
            out.push({
              kpi: kpi.id,
              version,
              period: periodKey,
              group: series.dims,
              explicitTarget: explicit,
              sumOfFinerTargets: sum,
              differencePct: diff,
              finerDimension: dim,
              usedDimension: null,
            });
          }
        }
      }
      // Groups without their own target: the split used against every other split (D6).
      for (const [key, group] of coarserGroups(byDims.values())) {
        if (byDims.has(key)) continue;
        const finer = [...ctx.resolver.splits(version, kpi.id, group)];
        if (finer.length < 2) continue;
        const [usedDimension, used] = finer[0]!;
        for (const fy of fiscalYears) {
          if (fy.last < fy.first) continue;
          const reference = totalOver(kpi, used, fy.first, fy.last);
          for (const [dim, leaves] of finer.slice(1)) {
            const sum = totalOver(kpi, leaves, fy.first, fy.last);
            const diff = differencePct(reference, sum);
            if (Math.abs(diff) <= MISMATCH_THRESHOLD) continue;
            out.push({
              kpi: kpi.id,
              version,
              period: fy.key,
              group,
              explicitTarget: reference,
              sumOfFinerTargets: sum,
              differencePct: diff,
              finerDimension: dim,
              usedDimension,
            });
          }
        }
      }
    }
  }
  return out;
}
