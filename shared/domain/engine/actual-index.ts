/**
 * Actuals indexed ONCE into typed arrays per (KPI, dimension combination) over the window's
 * days, so any group and range is a sum over day slices — never a scan over all facts.
 */
import type { ActualFact, DimensionValues, KpiDefinition, LocalDate, PeriodKey } from '../types.ts';
import type { DayWindow, PeriodIndex } from './days.ts';
import { cachedDimsKey, dimsKey, matches, sameDims } from './dims.ts';

export interface CoarseActual {
  readonly first: number;
  readonly last: number;
  value: number;
}

/** One (KPI, dims) series of a `sum` KPI: daily values and their coverage. */
export interface ActualSeries {
  readonly dims: DimensionValues;
  readonly values: Float64Array;
  readonly cov: Uint8Array;
  /** Actuals for periods coarser than a day, by period key (offsets clipped to the window). */
  readonly coarse: Map<PeriodKey, CoarseActual & { readonly inWindow: boolean }>;
}

/** The actuals of a group: the sum of the series inside it. */
export interface GroupActual {
  readonly values: Float64Array;
  readonly cov: Uint8Array;
  readonly coarse: CoarseActual[];
}

export interface SnapshotActual {
  readonly value: number;
  readonly end: LocalDate;
}

export interface ActualIndex {
  /** Series of a `sum` KPI. */
  series(kpi: string): Iterable<ActualSeries>;
  /** Snapshot actuals of a KPI by dims key, then period key. */
  snapshots(kpi: string): ReadonlyMap<string, ReadonlyMap<PeriodKey, SnapshotActual>> | undefined;
  /** Snapshot actuals of a KPI per dimension values. */
  snapshotSeries(
    kpi: string,
  ): Iterable<{ readonly dims: DimensionValues; readonly periods: ReadonlyMap<PeriodKey, SnapshotActual> }>;
  /** The actuals of a group of a `sum` KPI (cached). */
  group(kpi: string, group: DimensionValues): GroupActual;
  /**
   * Whether the KPI was uploaded at the scope's level: some actual carries every dimension the
   * scope fixes (any value). False when its actuals exist only without them (e.g. sessions
   * uploaded by channel, asked for a category scope); null when it has no actual at all.
   * Unscoped: true as soon as it has an actual.
   */
  reportedAtScopeLevel(kpi: string): boolean | null;
}

export interface ActualIndexInput {
  readonly facts: readonly ActualFact[];
  readonly kpis: ReadonlyMap<string, KpiDefinition>;
  readonly days: DayWindow;
  readonly periods: PeriodIndex;
  /** Only facts matching these values are indexed (scope isolation). */
  readonly scope: DimensionValues;
}

/**
 * Index the actuals. Duplicate keys: the later fact wins (replace, spec §4). Facts of ratio
 * KPIs, of unknown KPIs and with unreadable periods are skipped. Cost: one pass over the
 * facts; memory: two typed arrays of the window's length per (KPI, dims).
 */
export function indexActuals({ facts, kpis, days, periods, scope }: ActualIndexInput): ActualIndex {
  const length = days.length;
  const hasScope = Object.keys(scope).length > 0;
  const keyOf = cachedDimsKey();
  // Series arrays are views into large blocks: tens of thousands of small typed arrays
  // allocate (and are collected) far more slowly than a few big ones.
  const perBlock = Math.max(1, Math.floor(262_144 / length));
  let valuesBlock = new Float64Array(0);
  let covBlock = new Uint8Array(0);
  let used = perBlock;
  const take = () => {
    if (used === perBlock) {
      valuesBlock = new Float64Array(perBlock * length);
      covBlock = new Uint8Array(perBlock * length);
      used = 0;
    }
    const at = used++ * length;
    return { values: valuesBlock.subarray(at, at + length), cov: covBlock.subarray(at, at + length) };
  };

  const scopeKeys = Object.keys(scope);
  /** KPI → whether some actual carries every scope dimension (see reportedAtScopeLevel). */
  const atScopeLevel = new Map<string, boolean>();
  const noteLevel = (fact: ActualFact) => {
    if (atScopeLevel.get(fact.kpi)) return;
    let atLevel = true;
    for (const k of scopeKeys) if (fact.dims[k] === undefined) atLevel = false;
    atScopeLevel.set(fact.kpi, atLevel);
  };
  const sumSeries = new Map<string, Map<string, ActualSeries>>();
  const snapshotActuals = new Map<string, Map<string, Map<PeriodKey, SnapshotActual>>>();
  const snapshotDims = new Map<Map<PeriodKey, SnapshotActual>, DimensionValues>();
  // Facts usually arrive grouped by (KPI, dims): remember the last series to skip look-ups.
  let lastKpi = '';
  let lastDims: DimensionValues | null = null;
  let lastSeries: ActualSeries | null = null;
  for (const fact of facts) {
    if (lastSeries && fact.kpi === lastKpi && (fact.dims === lastDims || sameDims(fact.dims, lastDims!))) {
      const period = periods.parse(fact.period);
      if (period !== null && period.grain === 'day') {
        const offset = period.firstDay - days.start;
        if (offset >= 0 && offset < length) {
          lastSeries.values[offset] = fact.value;
          lastSeries.cov[offset] = 1;
        }
        continue;
      }
    }
    noteLevel(fact);
    if (hasScope && !matches(fact.dims, scope)) continue;
    const kpi = kpis.get(fact.kpi);
    if (!kpi || kpi.aggregation === 'ratio') continue;
    const period = periods.parse(fact.period);
    if (!period) continue;
    const key = keyOf(fact.dims);
    if (kpi.aggregation === 'snapshot') {
      let byDims = snapshotActuals.get(kpi.id);
      if (!byDims) {
        byDims = new Map();
        snapshotActuals.set(kpi.id, byDims);
      }
      let byPeriod = byDims.get(key);
      if (!byPeriod) {
        byPeriod = new Map();
        byDims.set(key, byPeriod);
        snapshotDims.set(byPeriod, fact.dims);
      }
      byPeriod.set(period.key, { value: fact.value, end: period.end });
      continue;
    }
    let byDims = sumSeries.get(kpi.id);
    if (!byDims) {
      byDims = new Map();
      sumSeries.set(kpi.id, byDims);
    }
    let series = byDims.get(key);
    if (!series) {
      series = { dims: fact.dims, ...take(), coarse: new Map() };
      byDims.set(key, series);
    }
    lastKpi = fact.kpi;
    lastDims = fact.dims;
    lastSeries = series;
    if (period.grain === 'day') {
      const offset = period.firstDay - days.start;
      if (offset < 0 || offset >= length) continue;
      series.values[offset] = fact.value;
      series.cov[offset] = 1;
    } else {
      const first = period.firstDay - days.start;
      const last = period.lastDay - days.start;
      series.coarse.set(period.key, {
        first: Math.max(first, 0),
        last: Math.min(last, length - 1),
        value: fact.value,
        inWindow: first >= 0 && last < length,
      });
    }
  }

  const groupCache = new Map<string, GroupActual>();
  /**
   * The first request for a set of dimensions (say `channel`) computes the groups of EVERY
   * value combination of that set in one pass over the series, so a breakdown by a 50-value
   * dimension costs one pass, not fifty.
   */
  const group = (kpi: string, g: DimensionValues): GroupActual => {
    const cacheKey = `${kpi}\u0000${dimsKey(g)}`;
    const cached = groupCache.get(cacheKey);
    if (cached) return cached;
    const groupKeys = Object.keys(g).sort();
    const fresh = new Map<string, GroupActual>();
    for (const s of sumSeries.get(kpi)?.values() ?? []) {
      let key = '';
      let complete = true;
      for (const k of groupKeys) {
        const v = s.dims[k];
        if (v === undefined) {
          complete = false;
          break;
        }
        key += key ? `,${k}=${v}` : `${k}=${v}`;
      }
      if (!complete) continue;
      const fullKey = `${kpi}\u0000${key}`;
      if (groupCache.has(fullKey)) continue;
      let acc = fresh.get(fullKey);
      if (!acc) {
        acc = { values: new Float64Array(length), cov: new Uint8Array(length), coarse: [] };
        fresh.set(fullKey, acc);
      }
      const { values, cov } = acc;
      const sv = s.values;
      const sc = s.cov;
      // Uncovered days hold 0, so a branch-free sum is exact.
      for (let o = 0; o < length; o++) {
        values[o] = values[o]! + sv[o]!;
        cov[o] = cov[o]! | sc[o]!;
      }
      for (const c of s.coarse.values()) if (c.inWindow) acc.coarse.push(c);
    }
    for (const [k, acc] of fresh) groupCache.set(k, acc);
    let result = groupCache.get(cacheKey);
    if (!result) {
      result = { values: new Float64Array(length), cov: new Uint8Array(length), coarse: [] };
      groupCache.set(cacheKey, result);
    }
    return result;
  };

  return {
    series: (kpi) => sumSeries.get(kpi)?.values() ?? [],
    snapshots: (kpi) => snapshotActuals.get(kpi),
    snapshotSeries: (kpi) =>
      [...(snapshotActuals.get(kpi)?.values() ?? [])].map((periods) => ({
        dims: snapshotDims.get(periods)!,
        periods,
      })),
    group,
    reportedAtScopeLevel: (kpi) => atScopeLevel.get(kpi) ?? null,
  };
}
