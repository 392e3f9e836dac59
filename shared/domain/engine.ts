/**
 * The variance engine (spec §3–§7): indexes targets and actuals ONCE into typed arrays per
 * (KPI, dimension combination) over a window of day offsets, then evaluates any (KPI, range,
 * group, target version) as sums over day slices — never a scan over all facts.
 *
 * Decisions where the spec is silent (the full record: docs/variance-decisions.md):
 * - Scope isolation: with `scope`, facts whose dimension values do not match the scope are
 *   dropped while indexing, so no figure can include another scope's data.
 * - Coverage of a group (spec §4) is taken over the actuals matching that group (for the
 *   total that is "any dimension values"); ratio KPIs need both components on a day.
 * - A ratio's actual components are summed over the ratio's covered days only.
 * - `target` is null when no day of the range is covered (nothing to compare like-for-like);
 *   `fullRangeTarget` still carries the whole range's target.
 * - Roll-up from finer targets uses ONE extra dimension: the first, in configuration order,
 *   that has finer targets refining the group (summing two different splits would double).
 * - Two target rows for the same (version, KPI, period, dims): the later one wins; targets of
 *   mixed grains for one series are added up (an ingest error, never a crash).
 * - Duplicate actuals (same KPI, period, dims): the later one in the input wins (replace).
 * - Target coverage: when a series has a target on some day of a range, actual and target are
 *   both taken over the days with an actual AND a target (a zero target is a target).
 */
import {
  addDays,
  compareDates,
  fromEpochDay,
  type ParsedPeriod,
  parsePeriodKey,
  periodOf,
  reportRange,
  toEpochDay,
} from './calendar.ts';
import { CALENDAR_DAYS, dayWeight } from './phasing.ts';
import type {
  ActualFact,
  DateRange,
  DimensionDefinition,
  DimensionValues,
  KpiDefinition,
  LocalDate,
  PeriodGrain,
  PeriodKey,
  PhasingProfile,
  TargetFact,
  VarianceFigures,
} from './types.ts';
import { varianceOf } from './variance.ts';

/** Raised for a query the engine cannot answer (unknown KPI); says what to fix. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface EngineInput {
  readonly kpis: readonly KpiDefinition[];
  readonly phasing?: readonly PhasingProfile[] | undefined;
  /** Declared dimensions, in configuration order (decides the roll-up split, see above). */
  readonly dimensions?: readonly DimensionDefinition[] | undefined;
  readonly targets: readonly TargetFact[];
  readonly actuals: readonly ActualFact[];
  readonly fiscalYearStartMonth: number;
  /** Days to index; every evaluated range should lie inside it (days outside count as empty). */
  readonly window: DateRange;
  /** When set, only facts matching these dimension values are indexed. */
  readonly scope?: DimensionValues | undefined;
}

export type TargetSource = 'explicit' | 'sum_of_finer' | 'none';

export interface EvaluateQuery {
  readonly kpi: string;
  readonly range: DateRange;
  /** Needed for `snapshot` KPIs: the period whose value is compared (e.g. `2026-10`). */
  readonly periodKey?: PeriodKey | undefined;
  /** Dimension values fixed for the series; {} (default) is the total (within the scope). */
  readonly group?: DimensionValues | undefined;
  /** Target version; default `budget`. */
  readonly version?: string | undefined;
}

export interface Evaluation extends VarianceFigures {
  readonly targetSource: TargetSource;
  readonly targetedDays: number;
  readonly comparedFrom: LocalDate | null;
  readonly comparedTo: LocalDate | null;
}

export interface SumOutlook {
  readonly kind: 'sum';
  readonly annualTarget: number | null;
  readonly ytdActual: number | null;
  readonly ytdTarget: number | null;
  readonly forecast: number | null;
  readonly gapToAnnual: number | null;
  readonly requiredPace: number | null;
}
export type OutlookFigures =
  | SumOutlook
  | { readonly kind: 'ratio'; readonly ytdRatio: number | null }
  | {
      readonly kind: 'snapshot';
      readonly latestValue: number | null;
      readonly latestPeriod: PeriodKey | null;
    };

export interface TargetMismatchFinding {
  readonly kpi: string;
  readonly version: string;
  readonly period: PeriodKey;
  readonly group: DimensionValues;
  readonly explicitTarget: number;
  readonly sumOfFinerTargets: number;
  readonly differencePct: number;
}

export interface KpiCoverageFindings {
  readonly dataThrough: LocalDate | null;
  readonly stale: boolean;
  readonly gaps: DateRange[];
}

/** Explicit group target and sum of finer ones may differ by this share before it is reported. */
export const MISMATCH_THRESHOLD = 0.005;

/** Canonical key of dimension values: `dim=value` pairs sorted by dimension, joined by `,`. */
export function dimsKey(dims: DimensionValues): string {
  const keys = Object.keys(dims);
  if (keys.length === 0) return '';
  if (keys.length === 1) return `${keys[0]}=${dims[keys[0]!]}`;
  return keys
    .sort()
    .map((k) => `${k}=${dims[k]}`)
    .join(',');
}

/** Same dimension values (shallow), without building keys. */
function sameDims(a: DimensionValues, b: DimensionValues): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function matches(dims: DimensionValues, group: DimensionValues): boolean {
  for (const k in group) if (dims[k] !== group[k]) return false;
  return true;
}

interface CoarseActual {
  readonly first: number;
  readonly last: number;
  value: number;
}

interface ActualSeries {
  readonly dims: DimensionValues;
  readonly values: Float64Array;
  readonly cov: Uint8Array;
  /** Actuals for periods coarser than a day, by period key (offsets clipped to the window). */
  readonly coarse: Map<PeriodKey, CoarseActual & { readonly inWindow: boolean }>;
}

interface GroupActual {
  readonly values: Float64Array;
  readonly cov: Uint8Array;
  readonly coarse: CoarseActual[];
}

interface TargetSeries {
  readonly dims: DimensionValues;
  /** Last value per period key. */
  readonly facts: Map<PeriodKey, number>;
  daily?: Float64Array;
  has?: Uint8Array;
}

interface GroupSumTarget {
  readonly daily: Float64Array;
  readonly has: Uint8Array;
  readonly source: TargetSource;
}

interface GroupRatioTarget {
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

/**
 * Build the engine over one run's facts. Cost: one pass over the facts; memory: two typed
 * arrays of the window's length per (KPI, dimension combination).
 */
export function createEngine(input: EngineInput) {
  const startMonth = input.fiscalYearStartMonth;
  const windowStart = toEpochDay(input.window.start);
  const windowEnd = toEpochDay(input.window.end);
  if (windowEnd < windowStart) throw new EngineError(`engine window ends before it starts`);
  const length = windowEnd - windowStart + 1;
  const scope = input.scope ?? {};
  const hasScope = Object.keys(scope).length > 0;
  const kpis = new Map(input.kpis.map((k) => [k.id, k]));
  const profiles = new Map<string, PhasingProfile>([['calendar_days', CALENDAR_DAYS]]);
  for (const p of input.phasing ?? []) profiles.set(p.id, p);
  const dimensionOrder = (input.dimensions ?? []).map((d) => d.id);

  const kpiOf = (id: string): KpiDefinition => {
    const kpi = kpis.get(id);
    if (!kpi) throw new EngineError(`unknown KPI "${id}": declare it under kpis in plan.config.ts`);
    return kpi;
  };

  // Period keys repeat across millions of facts: parse each once.
  type IndexedPeriod = ParsedPeriod & { readonly firstDay: number; readonly lastDay: number };
  const periodCache = new Map<string, IndexedPeriod | null>();
  const parsePeriod = (key: string): IndexedPeriod | null => {
    let p = periodCache.get(key);
    if (p === undefined) {
      const parsed = parsePeriodKey(key, startMonth);
      p = parsed ? { ...parsed, firstDay: toEpochDay(parsed.start), lastDay: toEpochDay(parsed.end) } : null;
      periodCache.set(key, p);
    }
    return p;
  };
  // Facts often share one dims object (per upload row group): remember its key by identity.
  const dimsKeyCache = new WeakMap<DimensionValues, string>();
  const keyOf = (dims: DimensionValues) => {
    let k = dimsKeyCache.get(dims);
    if (k === undefined) {
      k = dimsKey(dims);
      dimsKeyCache.set(dims, k);
    }
    return k;
  };

  // ---- actuals --------------------------------------------------------------------------
  // Series arrays are views into large blocks: tens of thousands of small typed arrays
  // allocate (and are collected) far more slowly than a few big ones.
  const slab = (() => {
    const perBlock = Math.max(1, Math.floor(262_144 / length));
    let values = new Float64Array(0);
    let cov = new Uint8Array(0);
    let used = perBlock;
    return {
      take(): { values: Float64Array; cov: Uint8Array } {
        if (used === perBlock) {
          values = new Float64Array(perBlock * length);
          cov = new Uint8Array(perBlock * length);
          used = 0;
        }
        const at = used++ * length;
        return { values: values.subarray(at, at + length), cov: cov.subarray(at, at + length) };
      },
    };
  })();
  const actualSeries = new Map<string, Map<string, ActualSeries>>();
  /** Snapshot actuals: kpi → dimsKey → period → value. */
  const snapshotActuals = new Map<string, Map<string, Map<PeriodKey, { value: number; end: LocalDate }>>>();
  // Facts usually arrive grouped by (KPI, dims): remember the last series to skip look-ups.
  let lastKpi = '';
  let lastDims: DimensionValues | null = null;
  let lastSeries: ActualSeries | null = null;
  for (const fact of input.actuals) {
    if (lastSeries && fact.kpi === lastKpi && (fact.dims === lastDims || sameDims(fact.dims, lastDims!))) {
      // Period strings repeat: a map hit on a string with a cached hash beats parsing it.
      const period = parsePeriod(fact.period);
      if (period !== null && period.grain === 'day') {
        const offset = period.firstDay - windowStart;
        if (offset >= 0 && offset < length) {
          lastSeries.values[offset] = fact.value;
          lastSeries.cov[offset] = 1;
        }
        continue;
      }
    }
    if (hasScope && !matches(fact.dims, scope)) continue;
    const kpi = kpis.get(fact.kpi);
    if (!kpi || kpi.aggregation === 'ratio') continue;
    const period = parsePeriod(fact.period);
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
      }
      byPeriod.set(period.key, { value: fact.value, end: period.end });
      continue;
    }
    let byDims = actualSeries.get(kpi.id);
    if (!byDims) {
      byDims = new Map();
      actualSeries.set(kpi.id, byDims);
    }
    let series = byDims.get(key);
    if (!series) {
      series = { dims: fact.dims, ...slab.take(), coarse: new Map() };
      byDims.set(key, series);
    }
    lastKpi = fact.kpi;
    lastDims = fact.dims;
    lastSeries = series;
    if (period.grain === 'day') {
      const offset = period.firstDay - windowStart;
      if (offset < 0 || offset >= length) continue;
      series.values[offset] = fact.value;
      series.cov[offset] = 1;
    } else {
      const first = period.firstDay - windowStart;
      const last = period.lastDay - windowStart;
      const inWindow = first >= 0 && last < length;
      series.coarse.set(period.key, {
        first: Math.max(first, 0),
        last: Math.min(last, length - 1),
        value: fact.value,
        inWindow,
      });
    }
  }

  // ---- targets --------------------------------------------------------------------------
  /** version → kpi → dimsKey → series. */
  const targetSeries = new Map<string, Map<string, Map<string, TargetSeries>>>();
  for (const fact of input.targets) {
    // A target refining the scope (or equal to it) belongs to the scope; coarser ones do not.
    if (hasScope && !matches(fact.dims, scope)) continue;
    if (!kpis.has(fact.kpi)) continue;
    if (!parsePeriod(fact.period)) continue;
    let byKpi = targetSeries.get(fact.version);
    if (!byKpi) {
      byKpi = new Map();
      targetSeries.set(fact.version, byKpi);
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

  // Normalised weights per (profile, period): many series share the same periods.
  const weightCache = new Map<string, { first: number; weights: Float64Array }>();
  const normalisedWeights = (profileId: string, period: ParsedPeriod) => {
    const cacheKey = `${profileId}|${period.key}`;
    let cached = weightCache.get(cacheKey);
    if (!cached) {
      const profile = profiles.get(profileId) ?? CALENDAR_DAYS;
      const first = toEpochDay(period.start);
      const last = toEpochDay(period.end);
      const weights = new Float64Array(last - first + 1);
      let total = 0;
      for (let n = first; n <= last; n++) {
        const w = dayWeight(profile, fromEpochDay(n));
        weights[n - first] = w;
        total += w;
      }
      for (let i = 0; i < weights.length; i++)
        weights[i] = total > 0 ? weights[i]! / total : 1 / weights.length;
      cached = { first, weights };
      weightCache.set(cacheKey, cached);
    }
    return cached;
  };

  /** Daily arrays of a target series: phased values (sum) or the ratio itself (ratio). */
  const materialise = (kpi: KpiDefinition, series: TargetSeries) => {
    if (series.daily && series.has) return { daily: series.daily, has: series.has };
    const daily = new Float64Array(length);
    const has = new Uint8Array(length);
    for (const [key, value] of series.facts) {
      const period = parsePeriod(key)!;
      if (kpi.aggregation === 'sum') {
        const { first, weights } = normalisedWeights(kpi.phasing, period);
        for (let i = 0; i < weights.length; i++) {
          const offset = first + i - windowStart;
          if (offset < 0 || offset >= length) continue;
          daily[offset] = daily[offset]! + value * weights[i]!;
          has[offset] = 1;
        }
      } else {
        const first = Math.max(toEpochDay(period.start) - windowStart, 0);
        const last = Math.min(toEpochDay(period.end) - windowStart, length - 1);
        for (let o = first; o <= last; o++) {
          daily[o] = value;
          has[o] = 1;
        }
      }
    }
    series.daily = daily;
    series.has = has;
    return { daily, has };
  };

  const seriesOf = (version: string, kpi: string) => targetSeries.get(version)?.get(kpi);

  /**
   * Children index per (version, KPI): parent dims key → extra dimension → series one level
   * finer. Built once, so roll-ups and mismatch checks never scan all series per group.
   */
  const childrenIndex = new Map<string, Map<string, Map<string, TargetSeries[]>>>();
  const childrenOf = (
    version: string,
    kpi: string,
    parentKey: string,
  ): Map<string, TargetSeries[]> | undefined => {
    const indexKey = `${version}\u0000${kpi}`;
    let index = childrenIndex.get(indexKey);
    if (!index) {
      index = new Map();
      for (const s of seriesOf(version, kpi)?.values() ?? []) {
        const keys = Object.keys(s.dims);
        for (const extra of keys) {
          const parent: Record<string, string> = {};
          for (const k of keys) if (k !== extra) parent[k] = s.dims[k]!;
          const pk = dimsKey(parent);
          let byExtra = index.get(pk);
          if (!byExtra) {
            byExtra = new Map();
            index.set(pk, byExtra);
          }
          let list = byExtra.get(extra);
          if (!list) {
            list = [];
            byExtra.set(extra, list);
          }
          list.push(s);
        }
      }
      childrenIndex.set(indexKey, index);
    }
    return index.get(parentKey);
  };

  const dimensionRank = (d: string) => {
    const i = dimensionOrder.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };

  /** Exact series for the group, else the one-level-finer series of the first dimension that has some. */
  const resolveTargetSeries = (
    version: string,
    kpi: string,
    group: DimensionValues,
  ): { series: TargetSeries[]; source: TargetSource } => {
    const byDims = seriesOf(version, kpi);
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

  const sumTargetCache = new Map<string, GroupSumTarget | null>();
  const groupSumTarget = (
    version: string,
    kpi: KpiDefinition,
    group: DimensionValues,
  ): GroupSumTarget | null => {
    const cacheKey = `${version}\u0000${kpi.id}\u0000${dimsKey(group)}`;
    if (sumTargetCache.has(cacheKey)) return sumTargetCache.get(cacheKey)!;
    const { series, source } = resolveTargetSeries(version, kpi.id, group);
    let result: GroupSumTarget | null = null;
    if (series.length === 1) {
      result = { ...materialise(kpi, series[0]!), source };
    } else if (series.length > 1) {
      const daily = new Float64Array(length);
      const has = new Uint8Array(length);
      for (const s of series) {
        const m = materialise(kpi, s);
        for (let o = 0; o < length; o++) {
          daily[o] = daily[o]! + m.daily[o]!;
          has[o] = has[o]! | m.has[o]!;
        }
      }
      result = { daily, has, source };
    }
    sumTargetCache.set(cacheKey, result);
    return result;
  };

  const ratioTargetCache = new Map<string, GroupRatioTarget | null>();
  const groupRatioTarget = (
    version: string,
    kpi: KpiDefinition,
    group: DimensionValues,
  ): GroupRatioTarget | null => {
    const cacheKey = `${version}\u0000${kpi.id}\u0000${dimsKey(group)}`;
    if (ratioTargetCache.has(cacheKey)) return ratioTargetCache.get(cacheKey)!;
    const { series, source } = resolveTargetSeries(version, kpi.id, group);
    let result: GroupRatioTarget | null = null;
    if (series.length > 0) {
      const rw = new Float64Array(length);
      const w = new Float64Array(length);
      const r1 = new Float64Array(length);
      const n1 = new Float64Array(length);
      const has = new Uint8Array(length);
      const denominator = kpi.denominator ? kpis.get(kpi.denominator) : undefined;
      for (const s of series) {
        const m = materialise(kpi, s);
        // Weighted by the denominator's daily target of the same group when it has targets.
        const weights = denominator ? groupSumTarget(version, denominator, s.dims) : null;
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
    ratioTargetCache.set(cacheKey, result);
    return result;
  };

  // ---- group actuals ----------------------------------------------------------------------
  const groupActualCache = new Map<string, GroupActual>();
  /**
   * Actuals of a group. The first request for a set of dimensions (say `channel`) computes
   * the groups of EVERY value combination of that set in one pass over the series, so a
   * breakdown by a 50-value dimension costs one pass, not fifty.
   */
  const groupActual = (kpi: string, group: DimensionValues): GroupActual => {
    const cacheKey = `${kpi}\u0000${dimsKey(group)}`;
    const cached = groupActualCache.get(cacheKey);
    if (cached) return cached;
    const groupKeys = Object.keys(group).sort();
    const fresh = new Map<string, GroupActual>();
    for (const s of actualSeries.get(kpi)?.values() ?? []) {
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
      if (groupActualCache.has(fullKey)) continue;
      let g = fresh.get(fullKey);
      if (!g) {
        g = { values: new Float64Array(length), cov: new Uint8Array(length), coarse: [] };
        fresh.set(fullKey, g);
      }
      const { values, cov } = g;
      const sv = s.values;
      const sc = s.cov;
      // Uncovered days hold 0, so a branch-free sum is exact.
      for (let o = 0; o < length; o++) {
        values[o] = values[o]! + sv[o]!;
        cov[o] = cov[o]! | sc[o]!;
      }
      for (const c of s.coarse.values()) if (c.inWindow) g.coarse.push(c);
    }
    for (const [k, g] of fresh) groupActualCache.set(k, g);
    let result = groupActualCache.get(cacheKey);
    if (!result) {
      result = { values: new Float64Array(length), cov: new Uint8Array(length), coarse: [] };
      groupActualCache.set(cacheKey, result);
    }
    return result;
  };

  const clip = (range: DateRange) => {
    const first = Math.max(toEpochDay(range.start) - windowStart, 0);
    const last = Math.min(toEpochDay(range.end) - windowStart, length - 1);
    return { first, last, rangeDays: Math.max(toEpochDay(range.end) - toEpochDay(range.start) + 1, 0) };
  };

  /**
   * Whether a coarse actual counts in [first, last]: its whole period lies inside (spec §4)
   * and, when comparing like-for-like against targets, every one of its days has a target
   * (a month's actual cannot be split to match a partly targeted month).
   */
  const coarseCounts = (c: CoarseActual, first: number, last: number, targeted: Uint8Array | null) => {
    if (c.first < first || c.last > last) return false;
    if (targeted) for (let o = c.first; o <= c.last; o++) if (!targeted[o]) return false;
    return true;
  };

  /**
   * Coverage mask over [first, last] (index 0 = first). With `targeted` (a window-indexed
   * day mask of the series' targets) only days that also have a target are kept.
   */
  const coverage = (g: GroupActual, first: number, last: number, targeted: Uint8Array | null = null) => {
    const n = Math.max(last - first + 1, 0);
    const mask = new Uint8Array(n);
    if (targeted) for (let i = 0; i < n; i++) mask[i] = g.cov[first + i]! & targeted[first + i]!;
    else for (let i = 0; i < n; i++) mask[i] = g.cov[first + i]!;
    for (const c of g.coarse) {
      if (!coarseCounts(c, first, last, targeted)) continue;
      for (let o = c.first; o <= c.last; o++) mask[o - first] = 1;
    }
    return mask;
  };
  /** The actual over the days of `mask` (built by {@link coverage} with the same `targeted`). */
  const sumOver = (
    g: GroupActual,
    first: number,
    mask: Uint8Array,
    last: number,
    targeted: Uint8Array | null = null,
  ) => {
    let total = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) total += g.values[first + i]!;
    for (const c of g.coarse) if (coarseCounts(c, first, last, targeted)) total += c.value;
    return total;
  };

  /** Days of [first, last] whose bit is set in a window-indexed day mask. */
  const countDays = (has: Uint8Array, first: number, last: number) => {
    let n = 0;
    for (let o = first; o <= last; o++) n += has[o]!;
    return n;
  };

  const finish = (
    kpi: KpiDefinition,
    actual: number | null,
    target: number | null,
    fullRangeTarget: number | null,
    mask: Uint8Array,
    first: number,
    rangeDays: number,
    targetSource: TargetSource,
    targetedDays: number,
    /** Coverage by actuals alone (for dataThrough), when it differs from the compared mask. */
    actualMask: Uint8Array = mask,
  ): Evaluation => {
    let coveredDays = 0;
    let firstCompared = -1;
    let lastCompared = -1;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) {
        coveredDays++;
        if (firstCompared < 0) firstCompared = i;
        lastCompared = i;
      }
    }
    let lastCovered = lastCompared;
    if (actualMask !== mask) {
      lastCovered = -1;
      for (let i = actualMask.length - 1; i >= 0; i--) {
        if (actualMask[i]) {
          lastCovered = i;
          break;
        }
      }
    }
    const day = (i: number) => (i >= 0 ? fromEpochDay(windowStart + first + i) : null);
    const core = varianceOf(actual, target, kpi.direction, kpi.tolerance);
    return {
      actual,
      target,
      ...core,
      coveredDays,
      targetedDays,
      comparedFrom: day(firstCompared),
      comparedTo: day(lastCompared),
      rangeDays,
      dataThrough: day(lastCovered),
      fullRangeTarget: fullRangeTarget !== null && fullRangeTarget !== target ? fullRangeTarget : null,
      targetSource,
    };
  };

  /**
   * The compared days of a series (docs/variance-decisions.md, target coverage): when a
   * target covers some day of [first, last], the days covered by both actuals and targets;
   * otherwise (or when no covered day has a target) every covered day, compared with nothing.
   */
  const comparedDays = (
    actualCoverage: (targeted: Uint8Array | null) => Uint8Array,
    has: Uint8Array | null,
    first: number,
    last: number,
  ) => {
    const targetedDays = has ? countDays(has, first, last) : 0;
    const actualMask = actualCoverage(null);
    if (targetedDays === 0) return { mask: actualMask, actualMask, targeted: null, targetedDays };
    const mask = actualCoverage(has);
    if (!mask.includes(1)) return { mask: actualMask, actualMask, targeted: null, targetedDays };
    return { mask, actualMask, targeted: has, targetedDays };
  };

  const evaluateSum = (kpi: KpiDefinition, q: EvaluateQuery, group: DimensionValues): Evaluation => {
    const { first, last, rangeDays } = clip(q.range);
    const g = groupActual(kpi.id, group);
    const t = groupSumTarget(q.version ?? 'budget', kpi, group);
    const { mask, actualMask, targeted, targetedDays } = comparedDays(
      (has) => coverage(g, first, last, has),
      t?.has ?? null,
      first,
      last,
    );
    const covered = mask.includes(1);
    const actual = covered ? sumOver(g, first, mask, last, targeted) : null;
    let target: number | null = null;
    let full: number | null = null;
    if (t) {
      let tc = 0;
      let tf = 0;
      let anyCovered = false;
      let anyFull = false;
      for (let i = 0; i < mask.length; i++) {
        const o = first + i;
        if (!t.has[o]) continue;
        tf += t.daily[o]!;
        anyFull = true;
        if (mask[i]) {
          tc += t.daily[o]!;
          anyCovered = true;
        }
      }
      // Covered days without any target (the fallback above) compare with nothing.
      target = anyCovered && targeted ? tc : null;
      full = anyFull ? tf : null;
    }
    return finish(
      kpi,
      actual,
      target,
      full,
      mask,
      first,
      rangeDays,
      t?.source ?? 'none',
      targetedDays,
      actualMask,
    );
  };

  const ratioTargetOver = (t: GroupRatioTarget, first: number, mask: Uint8Array | null, n: number) => {
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
  };

  const evaluateRatio = (kpi: KpiDefinition, q: EvaluateQuery, group: DimensionValues): Evaluation => {
    const { first, last, rangeDays } = clip(q.range);
    const num = groupActual(kpi.numerator!, group);
    const den = groupActual(kpi.denominator!, group);
    const t = groupRatioTarget(q.version ?? 'budget', kpi, group);
    const both = (has: Uint8Array | null) => {
      const a = coverage(num, first, last, has);
      const b = coverage(den, first, last, has);
      for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!;
      return a;
    };
    const { mask, actualMask, targeted, targetedDays } = comparedDays(both, t?.has ?? null, first, last);
    let actual: number | null = null;
    if (mask.includes(1)) {
      const n = sumOver(num, first, mask, last, targeted);
      const d = sumOver(den, first, mask, last, targeted);
      actual = d !== 0 ? n / d : null;
    }
    const target = t && targeted ? ratioTargetOver(t, first, mask, mask.length) : null;
    const full = t ? ratioTargetOver(t, first, null, mask.length) : null;
    return finish(
      kpi,
      actual,
      target,
      full,
      mask,
      first,
      rangeDays,
      t?.source ?? 'none',
      targetedDays,
      actualMask,
    );
  };

  /** The period key whose range is exactly `range`, if any (for snapshot KPIs). */
  const exactPeriodKey = (range: DateRange): PeriodKey | null => {
    for (const grain of ['day', 'week', 'month', 'quarter', 'year'] as PeriodGrain[]) {
      const key = periodOf(range.start, grain, startMonth);
      const p = parsePeriod(key);
      if (p && p.start === range.start && p.end === range.end) return key;
    }
    return null;
  };

  const evaluateSnapshot = (kpi: KpiDefinition, q: EvaluateQuery, group: DimensionValues): Evaluation => {
    const { first, last, rangeDays } = clip(q.range);
    const key = q.periodKey ?? exactPeriodKey(q.range);
    const gk = dimsKey(group);
    const period = key ? parsePeriod(key) : null;
    let actual: number | null = null;
    const mask = new Uint8Array(Math.max(last - first + 1, 0));
    if (
      period &&
      compareDates(period.start, q.range.start) >= 0 &&
      compareDates(period.end, q.range.end) <= 0
    ) {
      const fact = snapshotActuals.get(kpi.id)?.get(gk)?.get(period.key);
      if (fact) {
        actual = fact.value;
        const pf = toEpochDay(period.start) - windowStart - first;
        const pl = toEpochDay(period.end) - windowStart - first;
        for (let i = Math.max(pf, 0); i <= Math.min(pl, mask.length - 1); i++) mask[i] = 1;
      }
    }
    const series = seriesOf(q.version ?? 'budget', kpi.id)?.get(gk);
    const targetValue = key ? series?.facts.get(key) : undefined;
    const target = targetValue ?? null;
    // A snapshot target holds for its period alone: those days (inside the range) are targeted.
    let targetedDays = 0;
    if (target !== null && period) {
      const pf = Math.max(toEpochDay(period.start) - windowStart, first);
      const pl = Math.min(toEpochDay(period.end) - windowStart, last);
      targetedDays = Math.max(pl - pf + 1, 0);
    }
    return finish(
      kpi,
      actual,
      target,
      null,
      mask,
      first,
      rangeDays,
      target === null ? 'none' : 'explicit',
      targetedDays,
    );
  };

  /** Figures of one series over one range (spec §4–§6). */
  const evaluate = (q: EvaluateQuery): Evaluation => {
    const kpi = kpiOf(q.kpi);
    const group = { ...(q.group ?? {}), ...scope };
    switch (kpi.aggregation) {
      case 'sum':
        return evaluateSum(kpi, q, group);
      case 'ratio':
        return evaluateRatio(kpi, q, group);
      case 'snapshot':
        return evaluateSnapshot(kpi, q, group);
    }
  };

  /** Covered-day mask of a KPI over [first, last] (ratio: both components). */
  const kpiMask = (kpi: KpiDefinition, group: DimensionValues, first: number, last: number): Uint8Array => {
    if (kpi.aggregation === 'ratio') {
      const a = coverage(groupActual(kpi.numerator!, group), first, last);
      const b = coverage(groupActual(kpi.denominator!, group), first, last);
      for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!;
      return a;
    }
    if (kpi.aggregation === 'snapshot') {
      const mask = new Uint8Array(Math.max(last - first + 1, 0));
      for (const [key] of snapshotActuals.get(kpi.id)?.get(dimsKey(group)) ?? []) {
        const p = parsePeriod(key)!;
        const pf = toEpochDay(p.start) - windowStart;
        const pl = toEpochDay(p.end) - windowStart;
        if (pf < first || pl > last) continue;
        for (let o = pf; o <= pl; o++) mask[o - first] = 1;
      }
      return mask;
    }
    return coverage(groupActual(kpi.id, group), first, last);
  };

  /** Finest grain of a KPI's actuals (its components' for a ratio); `day` when unknown. */
  const actualGrain = (kpi: KpiDefinition): PeriodGrain => {
    const order: PeriodGrain[] = ['day', 'week', 'month', 'quarter', 'year'];
    let best = 4;
    let seen = false;
    const visitKey = (key: string) => {
      const p = parsePeriod(key);
      if (!p) return;
      seen = true;
      best = Math.min(best, order.indexOf(p.grain));
    };
    const ids = kpi.aggregation === 'ratio' ? [kpi.numerator!, kpi.denominator!] : [kpi.id];
    for (const id of ids) {
      for (const s of actualSeries.get(id)?.values() ?? []) {
        if (s.cov.some((c) => c === 1)) {
          seen = true;
          best = 0;
        }
        for (const key of s.coarse.keys()) visitKey(key);
      }
      for (const byPeriod of snapshotActuals.get(id)?.values() ?? [])
        for (const key of byPeriod.keys()) visitKey(key);
    }
    return seen ? order[best]! : 'day';
  };

  /**
   * Data-quality findings of a KPI (spec §4): dataThrough (last covered day ≤ asOf in the
   * window), stale, and gaps (runs of uncovered days inside `range`, up to asOf). Decision:
   * for a KPI reported per week/month/quarter (snapshots, coarse uploads) "stale" means the
   * last complete period of that grain as of (asOf − graceDays) is missing, since a monthly
   * figure cannot exist mid-month; daily KPIs use dataThrough < asOf − graceDays.
   */
  const coverageFindings = (
    kpiId: string,
    range: DateRange,
    asOf: LocalDate,
    graceDays = 0,
    groupIn: DimensionValues = {},
  ): KpiCoverageFindings => {
    const kpi = kpiOf(kpiId);
    const group = { ...groupIn, ...scope };
    const asOfOffset = Math.min(toEpochDay(asOf) - windowStart, length - 1);
    const whole = asOfOffset >= 0 ? kpiMask(kpi, group, 0, asOfOffset) : new Uint8Array(0);
    let lastCovered = -1;
    for (let i = whole.length - 1; i >= 0; i--) {
      if (whole[i]) {
        lastCovered = i;
        break;
      }
    }
    const dataThrough = lastCovered >= 0 ? fromEpochDay(windowStart + lastCovered) : null;
    const grain = actualGrain(kpi);
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
    const { first, last } = clip({ start: range.start, end });
    if (last >= first && compareDates(range.start, end) <= 0) {
      const mask = kpiMask(kpi, group, 0, length - 1);
      let runStart = -1;
      for (let o = first; o <= last + 1; o++) {
        const empty = o <= last && !mask[o];
        if (empty && runStart < 0) runStart = o;
        if (!empty && runStart >= 0) {
          gaps.push({ start: fromEpochDay(windowStart + runStart), end: fromEpochDay(windowStart + o - 1) });
          runStart = -1;
        }
      }
    }
    return { dataThrough, stale, gaps };
  };

  /** YTD outlook (spec §7) over the fiscal year holding asOf. */
  const outlook = (
    kpiId: string,
    asOf: LocalDate,
    version = 'budget',
    groupIn: DimensionValues = {},
  ): OutlookFigures => {
    const kpi = kpiOf(kpiId);
    const group = { ...groupIn, ...scope };
    const ytd = reportRange('YTD', asOf, startMonth);
    if (kpi.aggregation === 'ratio') {
      return { kind: 'ratio', ytdRatio: evaluate({ kpi: kpiId, range: ytd, group, version }).actual };
    }
    if (kpi.aggregation === 'snapshot') {
      let latest: { key: PeriodKey; value: number; end: LocalDate } | null = null;
      for (const [key, fact] of snapshotActuals.get(kpi.id)?.get(dimsKey(group)) ?? []) {
        if (compareDates(fact.end, asOf) > 0) continue;
        if (!latest || compareDates(fact.end, latest.end) > 0) latest = { key, ...fact };
      }
      return { kind: 'snapshot', latestValue: latest?.value ?? null, latestPeriod: latest?.key ?? null };
    }
    const fy = parsePeriod(ytd.periodKey)!;
    const e = evaluate({ kpi: kpiId, range: ytd, group, version });
    const t = groupSumTarget(version, kpi, group);
    let annualTarget: number | null = null;
    if (t) {
      const { first, last } = clip(fy);
      let sum = 0;
      let any = false;
      for (let o = first; o <= last; o++) {
        if (!t.has[o]) continue;
        sum += t.daily[o]!;
        any = true;
      }
      annualTarget = any ? sum : null;
    }
    const a = e.actual;
    const ty = e.target;
    const forecast =
      a !== null && ty !== null && ty !== 0 && annualTarget !== null ? (a * annualTarget) / ty : null;
    const paceDen = annualTarget !== null && ty !== null ? annualTarget - ty : null;
    return {
      kind: 'sum',
      annualTarget,
      ytdActual: a,
      ytdTarget: ty,
      forecast,
      gapToAnnual: forecast !== null && annualTarget !== null ? forecast - annualTarget : null,
      requiredPace:
        paceDen !== null && paceDen !== 0 && a !== null && annualTarget !== null
          ? (annualTarget - a) / paceDen
          : null,
    };
  };

  /**
   * Explicit group targets that differ from the sum of their one-level-finer targets by more
   * than 0.5 % (spec §6), per explicit target row; `sum` KPIs only (decision: ratio and
   * snapshot targets are not additive). Compared over the period's days inside the window.
   */
  const targetMismatches = (versions?: readonly string[]): TargetMismatchFinding[] => {
    const out: TargetMismatchFinding[] = [];
    for (const [version, byKpi] of targetSeries) {
      if (versions && !versions.includes(version)) continue;
      for (const [kpiId, byDims] of byKpi) {
        const kpi = kpis.get(kpiId)!;
        if (kpi.aggregation !== 'sum') continue;
        for (const [seriesKey, series] of byDims) {
          const finerByDim = childrenOf(version, kpiId, seriesKey);
          if (!finerByDim || finerByDim.size === 0) continue;
          const own = materialise(kpi, series);
          for (const periodKey of series.facts.keys()) {
            const p = parsePeriod(periodKey)!;
            const { first, last } = clip(p);
            if (last < first) continue;
            let explicit = 0;
            for (let o = first; o <= last; o++) explicit += own.daily[o]!;
            for (const finer of finerByDim.values()) {
              let sum = 0;
              for (const s of finer) {
                const m = materialise(kpi, s);
                for (let o = first; o <= last; o++) sum += m.daily[o]!;
              }
              const diff =
                explicit === 0
                  ? sum === 0
                    ? 0
                    : Number.POSITIVE_INFINITY
                  : (sum - explicit) / Math.abs(explicit);
              if (Math.abs(diff) > MISMATCH_THRESHOLD) {
                out.push({
                  kpi: kpiId,
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
  };

  return {
    window: input.window,
    fiscalYearStartMonth: startMonth,
    scope,
    kpi: kpiOf,
    evaluate,
    outlook,
    coverageFindings,
    targetMismatches,
  };
}

export type Engine = ReturnType<typeof createEngine>;
