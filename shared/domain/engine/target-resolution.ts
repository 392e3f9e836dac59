/**
 * Which target rows a group compares with (spec §6), and the group's daily targets: summed
 * for a `sum` KPI, weighted by the denominator's target for a `ratio` KPI (spec §3).
 */
import type { DimensionValues, KpiDefinition, RatioKpi, SumKpi } from '../types.ts';
import type { DayWindow } from './days.ts';
import { dimsKey, matches } from './dims.ts';
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
  /** For `sum_of_finer`: the dimension the group was split by. */
  readonly splitBy?: string | undefined;
}

export interface TargetResolver {
  /**
   * The group's target rows (spec §6, decision D6): its own explicit rows; else the roll-up
   * of ONE finer split — per value of the first dimension (configuration order) that finer
   * rows refine, that value's own target resolved the same way, level by level.
   */
  resolve(version: string, kpi: string, group: DimensionValues): ResolvedTargets;
  /**
   * Every way the group splits one level finer: per extra dimension that some target row
   * refines, the explicit series of each of its values resolved by {@link resolve}. In
   * configuration order of the dimensions.
   */
  splits(version: string, kpi: string, group: DimensionValues): ReadonlyMap<string, readonly TargetSeries[]>;
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

const NONE: ResolvedTargets = { series: [], source: 'none' };

export function targetResolver({ index, kpis, days, dimensionOrder }: TargetResolverInput): TargetResolver {
  const length = days.length;
  const dimensionRank = (d: string) => {
    const i = dimensionOrder.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const byRank = (a: string, b: string) =>
    dimensionRank(a) - dimensionRank(b) || (a < b ? -1 : a > b ? 1 : 0);

  /**
   * The values each finer dimension takes among the series strictly refining the group.
   * Cost: one pass over the (version, KPI)'s series per resolved group (cached), so a report
   * pays it for the total, its breakdown values and the levels between them and the rows.
   */
  const finerValues = (version: string, kpi: string, group: DimensionValues) => {
    const byDim = new Map<string, Set<string>>();
    const groupSize = Object.keys(group).length;
    for (const s of index.series(version, kpi)?.values() ?? []) {
      if (!matches(s.dims, group)) continue;
      const keys = Object.keys(s.dims);
      if (keys.length <= groupSize) continue;
      for (const k of keys) {
        if (group[k] !== undefined) continue;
        let values = byDim.get(k);
        if (!values) {
          values = new Set();
          byDim.set(k, values);
        }
        values.add(s.dims[k]!);
      }
    }
    return byDim;
  };

  const splitCache = new Map<string, ReadonlyMap<string, readonly TargetSeries[]>>();
  const splits = (version: string, kpi: string, group: DimensionValues) => {
    const cacheKey = `${version}\u0000${kpi}\u0000${dimsKey(group)}`;
    let result = splitCache.get(cacheKey);
    if (!result) {
      const out = new Map<string, readonly TargetSeries[]>();
      const byDim = finerValues(version, kpi, group);
      for (const dim of [...byDim.keys()].sort(byRank)) {
        const leaves: TargetSeries[] = [];
        for (const value of [...byDim.get(dim)!].sort()) {
          leaves.push(...resolve(version, kpi, { ...group, [dim]: value }).series);
        }
        out.set(dim, leaves);
      }
      result = out;
      splitCache.set(cacheKey, result);
    }
    return result;
  };

  const resolve = (version: string, kpi: string, group: DimensionValues): ResolvedTargets => {
    const byDims = index.series(version, kpi);
    if (!byDims) return NONE;
    const exact = byDims.get(dimsKey(group));
    if (exact) return { series: [exact], source: 'explicit' };
    // Only the first split is needed here; splits() caches all of them for the findings.
    const finer = splits(version, kpi, group);
    const first = finer.keys().next();
    if (first.done) return NONE;
    return { series: finer.get(first.value)!, source: 'sum_of_finer', splitBy: first.value };
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

  return { resolve, splits, sum, ratio };
}
