/**
 * Explicit group targets that differ from the sum of their one-level-finer targets by more
 * than 0.5 % (spec §6, decision D11).
 */
import type { DimensionValues, PeriodKey } from '../types.ts';
import type { EngineContext } from './context.ts';

export interface TargetMismatchFinding {
  readonly kpi: string;
  readonly version: string;
  readonly period: PeriodKey;
  readonly group: DimensionValues;
  readonly explicitTarget: number;
  readonly sumOfFinerTargets: number;
  readonly differencePct: number;
}

/** Explicit group target and sum of finer ones may differ by this share before it is reported. */
export const MISMATCH_THRESHOLD = 0.005;

/** (other − reference) / |reference|; infinite when only the reference is 0. */
export function differencePct(reference: number, other: number): number {
  if (reference === 0) return other === 0 ? 0 : Number.POSITIVE_INFINITY;
  return (other - reference) / Math.abs(reference);
}

/**
 * Per explicit target row, `sum` KPIs only (ratio and snapshot targets are not additive);
 * compared over the period's days inside the window.
 */
export function targetMismatches(ctx: EngineContext, versions?: readonly string[]): TargetMismatchFinding[] {
  const out: TargetMismatchFinding[] = [];
  for (const version of ctx.targets.versions()) {
    if (versions && !versions.includes(version)) continue;
    for (const kpiId of ctx.targets.kpisOf(version)) {
      const kpi = ctx.kpi(kpiId);
      if (kpi.aggregation !== 'sum') continue;
      for (const [seriesKey, series] of ctx.targets.series(version, kpi.id) ?? []) {
        const finerByDim = ctx.resolver.childrenOf(version, kpi.id, seriesKey);
        if (!finerByDim || finerByDim.size === 0) continue;
        const own = ctx.targets.daily(kpi, series);
        for (const periodKey of series.facts.keys()) {
          const { first, last } = ctx.days.clip(ctx.periods.parse(periodKey)!);
          if (last < first) continue;
          let explicit = 0;
          for (let o = first; o <= last; o++) explicit += own.daily[o]!;
          for (const finer of finerByDim.values()) {
            let sum = 0;
            for (const s of finer) {
              const m = ctx.targets.daily(kpi, s);
              for (let o = first; o <= last; o++) sum += m.daily[o]!;
            }
            const diff = differencePct(explicit, sum);
            if (Math.abs(diff) > MISMATCH_THRESHOLD) {
              out.push({
                kpi: kpi.id,
                version,
                period: periodKey,
                group: series.dims,
                explicitTarget: explicit,
                sumOfFinerTargets: sum,
                differencePct: diff,
              });
            }
          }
        }
      }
    }
  }
  return out;
}
