/**
 * Which target rows a group compares with (spec §6), and the group's daily targets: summed
 * for a `sum` KPI, weighted by the denominator's target for a `ratio` KPI (spec §3).
 */
import type { DimensionValues, KpiDefinition, RatioKpi, SumKpi } from '../types.ts';
import type { DayWindow } from './days.ts';
import { dimsKey } from './dims.ts';
import type { DailyTargets, TargetIndex, TargetSeries } from './target-index.ts';

export type TargetSource = 'explicit' | 'sum_of_finer' | 'none';

export interface GroupSumTarget extends DailyTargets {
  readonly source: TargetSource;
}

export interface GroupRatioTarget {
  /** Σ r·w per day. */
  readonly rw: Float64Array;
  /** Σ w per day. */
  readonly w: Float64Array;
  /** Σ r and count per day, for the equal-weight fallback. */
  readonly r1: Float64Array;
  readonly n1: Float64Array;
  readonly has: Uint8Array;
  readonly source: TargetSource;
}

export interface ResolvedTargets {
  /** The explicit series whose sum is the group's target. */
  readonly series: readonly TargetSeries[];
  readonly source: TargetSource;
}

export interface TargetResolver {
  resolve(version: string, kpi: string, group: DimensionValues): ResolvedTargets;
  /** Series one level finer than `parentKey`, by the extra dimension. */
  childrenOf(
    version: string,
    kpi: string,
    parentKey: string,
  ): ReadonlyMap<string, TargetSeries[]> | undefined;
  sum(version: string, kpi: SumKpi, group: DimensionValues): GroupSumTarget | null;
  ratio(version: string, kpi: RatioKpi, group: DimensionValues): GroupRatioTarget | null;
}

export interface TargetResolverInput {
  readonly index: TargetIndex;
  readonly kpis: ReadonlyMap<string, KpiDefinition>;
  readonly days: DayWindow;
  /** Declared dimensions, in configuration order (decides the roll-up split). */
  readonly dimensionOrder: readonly string[];
}

export function targetResolver({ index, kpis, days, dimensionOrder }: TargetResolverInput): TargetResolver {
  const length = days.length;
  /**
   * Children index per (version, KPI): parent dims key → extra dimension → series one level
   * finer. Built once, so roll-ups and mismatch checks never scan all series per group.
   */
  const childrenIndex = new Map<string, Map<string, Map<string, TargetSeries[]>>>();
  const childrenOf = (version: string, kpi: string, parentKey: string) => {
    const indexKey = `${version}\u0000${kpi}`;
    let children = childrenIndex.get(indexKey);
    if (!children) {
      children = new Map();
      for (const s of index.series(version, kpi)?.values() ?? []) {
        const keys = Object.keys(s.dims);
        for (const extra of keys) {
          const parent: Record<string, string> = {};
          for (const k of keys) if (k !== extra) parent[k] = s.dims[k]!;
          const pk = dimsKey(parent);
          let byExtra = children.get(pk);
          if (!byExtra) {
            byExtra = new Map();
            children.set(pk, byExtra);
          }
          let list = byExtra.get(extra);
          if (!list) {
            list = [];
            byExtra.set(extra, list);
          }
          list.push(s);
        }
      }
      childrenIndex.set(indexKey, children);
    }
    return children.get(parentKey);
  };

  const dimensionRank = (d: string) => {
    const i = dimensionOrder.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };

  /** Exact series for the group, else the one-level-finer series of the first dimension that has some. */
  const resolve = (version: string, kpi: string, group: DimensionValues): ResolvedTargets => {
    const byDims = index.series(version, kpi);
    if (!byDims) return { series: [], source: 'none' };
    const key = dimsKey(group);
    const exact = byDims.get(key);
    if (exact) return { series: [exact], source: 'explicit' };
    const finerByDim = childrenOf(version, kpi, key);
    if (!finerByDim || finerByDim.size === 0) return { series: [], source: 'none' };
    const ordered = [...finerByDim.keys()].sort(
      (a, b) => dimensionRank(a) - dimensionRank(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    return { series: finerByDim.get(ordered[0]!)!, source: 'sum_of_finer' };
  };

  const sumCache = new Map<string, GroupSumTarget | null>();
  const sum = (version: string, kpi: SumKpi, group: DimensionValues): GroupSumTarget | null => {
    const cacheKey = `${version}\u0000${kpi.id}\u0000${dimsKey(group)}`;
    if (sumCache.has(cacheKey)) return sumCache.get(cacheKey)!;
    const { series, source } = resolve(version, kpi.id, group);
    let result: GroupSumTarget | null = null;
    if (series.length === 1) {
      result = { ...index.daily(kpi, series[0]!), source };
    } else if (series.length > 1) {
      const daily = new Float64Array(length);
      const has = new Uint8Array(length);
      for (const s of series) {
        const m = index.daily(kpi, s);
        for (let o = 0; o < length; o++) {
          daily[o] = daily[o]! + m.daily[o]!;
          has[o] = has[o]! | m.has[o]!;
        }
      }
      result = { daily, has, source };
    }
    sumCache.set(cacheKey, result);
    return result;
  };

  const ratioCache = new Map<string, GroupRatioTarget | null>();
  const ratio = (version: string, kpi: RatioKpi, group: DimensionValues): GroupRatioTarget | null => {
    const cacheKey = `${version}\u0000${kpi.id}\u0000${dimsKey(group)}`;
    if (ratioCache.has(cacheKey)) return ratioCache.get(cacheKey)!;
    const { series, source } = resolve(version, kpi.id, group);
    let result: GroupRatioTarget | null = null;
    if (series.length > 0) {
      const rw = new Float64Array(length);
      const w = new Float64Array(length);
      const r1 = new Float64Array(length);
      const n1 = new Float64Array(length);
      const has = new Uint8Array(length);
      const denominator = kpis.get(kpi.denominator);
      for (const s of series) {
        const m = index.daily(kpi, s);
        // Weighted by the denominator's daily target of the same group when it has targets.
        const weights = denominator?.aggregation === 'sum' ? sum(version, denominator, s.dims) : null;
        for (let o = 0; o < length; o++) {
          if (!m.has[o]) continue;
          const weight = weights?.has[o] ? weights.daily[o]! : weights ? 0 : 1;
          rw[o] = rw[o]! + m.daily[o]! * weight;
          w[o] = w[o]! + weight;
          r1[o] = r1[o]! + m.daily[o]!;
          n1[o] = n1[o]! + 1;
          has[o] = 1;
        }
      }
      result = { rw, w, r1, n1, has, source };
    }
    ratioCache.set(cacheKey, result);
    return result;
  };

  return { resolve, childrenOf, sum, ratio };
}
