/**
 * Target rows indexed per (version, KPI, dims), and their daily arrays (spec §3): a `sum`
 * target phased over its days, a `ratio` target carried by each of its days.
 */
import { CALENDAR_DAYS, phaseTarget } from '../phasing.ts';
import type { DimensionValues, KpiDefinition, PeriodKey, PhasingProfile, TargetFact } from '../types.ts';
import type { DayWindow, IndexedPeriod, PeriodIndex } from './days.ts';
import { cachedDimsKey, matches } from './dims.ts';

/** The explicit target rows of one (version, KPI, dims). */
export interface TargetSeries {
  readonly dims: DimensionValues;
  /** Last value per period key (a repeated row replaces the earlier one). */
  readonly facts: Map<PeriodKey, number>;
}

/** Daily values over the window and which days have a target (a zero target is a target). */
export interface DailyTargets {
  readonly daily: Float64Array;
  readonly has: Uint8Array;
}

export interface TargetIndex {
  readonly versions: () => Iterable<string>;
  /** KPIs with targets of a version, in order of their first row. */
  kpisOf(version: string): Iterable<string>;
  /** Explicit series of a (version, KPI) by dims key. */
  series(version: string, kpi: string): ReadonlyMap<string, TargetSeries> | undefined;
  /** Daily arrays of one series (cached). */
  daily(kpi: KpiDefinition, series: TargetSeries): DailyTargets;
}

export interface TargetIndexInput {
  readonly facts: readonly TargetFact[];
  readonly kpis: ReadonlyMap<string, KpiDefinition>;
  readonly phasing: readonly PhasingProfile[];
  readonly days: DayWindow;
  readonly periods: PeriodIndex;
  readonly scope: DimensionValues;
}

export function indexTargets({ facts, kpis, phasing, days, periods, scope }: TargetIndexInput): TargetIndex {
  const hasScope = Object.keys(scope).length > 0;
  const keyOf = cachedDimsKey();
  const profiles = new Map<string, PhasingProfile>([['calendar_days', CALENDAR_DAYS]]);
  for (const p of phasing) profiles.set(p.id, p);

  /** version → kpi → dimsKey → series. */
  const byVersion = new Map<string, Map<string, Map<string, TargetSeries>>>();
  for (const fact of facts) {
    // A target refining the scope (or equal to it) belongs to the scope; coarser ones do not.
    if (hasScope && !matches(fact.dims, scope)) continue;
    if (!kpis.has(fact.kpi)) continue;
    if (!periods.parse(fact.period)) continue;
    let byKpi = byVersion.get(fact.version);
    if (!byKpi) {
      byKpi = new Map();
      byVersion.set(fact.version, byKpi);
    }
    let byDims = byKpi.get(fact.kpi);
    if (!byDims) {
      byDims = new Map();
      byKpi.set(fact.kpi, byDims);
    }
    const key = keyOf(fact.dims);
    let series = byDims.get(key);
    if (!series) {
      series = { dims: fact.dims, facts: new Map() };
      byDims.set(key, series);
    }
    series.facts.set(fact.period, fact.value);
  }

  // Phasing weights per (profile, period): many series share the same periods.
  const weightCache = new Map<string, readonly number[]>();
  const weightsOf = (profileId: string, period: IndexedPeriod) => {
    const cacheKey = `${profileId}|${period.key}`;
    let weights = weightCache.get(cacheKey);
    if (!weights) {
      weights = phaseTarget(1, period, profiles.get(profileId) ?? CALENDAR_DAYS);
      weightCache.set(cacheKey, weights);
    }
    return weights;
  };

  const dailyCache = new WeakMap<TargetSeries, DailyTargets>();
  const daily = (kpi: KpiDefinition, series: TargetSeries): DailyTargets => {
    const cached = dailyCache.get(series);
    if (cached) return cached;
    const length = days.length;
    const values = new Float64Array(length);
    const has = new Uint8Array(length);
    for (const [key, value] of series.facts) {
      const period = periods.parse(key)!;
      if (kpi.aggregation === 'sum') {
        const weights = weightsOf(kpi.phasing, period);
        for (let i = 0; i < weights.length; i++) {
          const offset = period.firstDay + i - days.start;
          if (offset < 0 || offset >= length) continue;
          values[offset] = values[offset]! + value * weights[i]!;
          has[offset] = 1;
        }
      } else {
        const first = Math.max(period.firstDay - days.start, 0);
        const last = Math.min(period.lastDay - days.start, length - 1);
        for (let o = first; o <= last; o++) {
          values[o] = value;
          has[o] = 1;
        }
      }
    }
    const result = { daily: values, has };
    dailyCache.set(series, result);
    return result;
  };

  return {
    versions: () => byVersion.keys(),
    kpisOf: (version) => byVersion.get(version)?.keys() ?? [],
    series: (version, kpi) => byVersion.get(version)?.get(kpi),
    daily,
  };
}
