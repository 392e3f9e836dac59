/**
 * Actuals indexed ONCE into typed arrays per (KPI, dimension combination) over the window's
 * days, so any group and range is a sum over day slices — never a scan over all facts.
 */
import { toEpochDay } from '../calendar.ts';
import type {
  ActualColumns,
  ActualFact,
  DailyActualSeries,
  DimensionValues,
  KpiDefinition,
  LocalDate,
  PeriodKey,
} from '../types.ts';
import { groupRollups } from './actual-groups.ts';
import type { DayWindow, PeriodIndex } from './days.ts';
import { cachedDimsKey, matches, sameDims } from './dims.ts';

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
  /** Daily actuals as columns, indexed before `facts` (so a fact for the same key wins). */
  readonly columns?: ActualColumns | undefined;
  readonly kpis: ReadonlyMap<string, KpiDefinition>;
  readonly days: DayWindow;
  readonly periods: PeriodIndex;
  /** Only facts matching these values are indexed (scope isolation). */
  readonly scope: DimensionValues;
}

/**
 * Index the actuals. Duplicate keys: the later fact wins (replace, spec §4). Facts of ratio
 * KPIs, of unknown KPIs and with unreadable periods are skipped. Cost: one pass over the
 * facts; memory: two typed arrays of the window's length per (KPI, dims). A column that spans
 * the window becomes its series as it is (no copy); see {@link writable}.
 */
export function indexActuals({ facts, columns, kpis, days, periods, scope }: ActualIndexInput): ActualIndex {
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
  const noteLevel = (fact: { readonly kpi: string; readonly dims: DimensionValues }) => {
    if (atScopeLevel.get(fact.kpi)) return;
    let atLevel = true;
    for (const k of scopeKeys) if (fact.dims[k] === undefined) atLevel = false;
    atScopeLevel.set(fact.kpi, atLevel);
  };
  const sumSeries = new Map<string, Map<string, ActualSeries>>();
  const snapshotActuals = new Map<string, Map<string, Map<PeriodKey, SnapshotActual>>>();
  const snapshotDims = new Map<Map<PeriodKey, SnapshotActual>, DimensionValues>();
  const snapshotPeriods = (kpi: string, key: string, dims: DimensionValues) => {
    let byDims = snapshotActuals.get(kpi);
    if (!byDims) {
      byDims = new Map();
      snapshotActuals.set(kpi, byDims);
    }
    let byPeriod = byDims.get(key);
    if (!byPeriod) {
      byPeriod = new Map();
      byDims.set(key, byPeriod);
      snapshotDims.set(byPeriod, dims);
    }
    return byPeriod;
  };
  const sumSeriesOf = (kpi: string) => {
    let byDims = sumSeries.get(kpi);
    if (!byDims) {
      byDims = new Map();
      sumSeries.set(kpi, byDims);
    }
    return byDims;
  };
  /** Series whose arrays are the caller's columns: copied before a fact writes into them. */
  const borrowed = new Set<ActualSeries>();
  const writable = (byDims: Map<string, ActualSeries>, key: string, series: ActualSeries): ActualSeries => {
    if (!borrowed.has(series)) return series;
    const own = { ...series, ...take() };
    own.values.set(series.values);
    own.cov.set(series.cov);
    byDims.set(key, own);
    return own;
  };
  for (const column of columns?.daily ?? []) {
    noteLevel(column);
    if (hasScope && !matches(column.dims, scope)) continue;
    const kpi = kpis.get(column.kpi);
    if (!kpi || kpi.aggregation === 'ratio') continue;
    const key = keyOf(column.dims);
    const offset = toEpochDay(column.start) - days.start;
    if (kpi.aggregation === 'snapshot') {
      const byPeriod = snapshotPeriods(kpi.id, key, column.dims);
      for (let i = 0; i < column.values.length; i++) {
        if (!column.covered[i]) continue;
        const period = periods.parse(days.day(offset + i))!;
        byPeriod.set(period.key, { value: column.values[i]!, end: period.end });
      }
      continue;
    }
    const byDims = sumSeriesOf(kpi.id);
    const series = byDims.get(key);
    if (!series && offset <= 0 && offset + column.values.length >= length) {
      const adopted = {
        dims: column.dims,
        values: column.values.subarray(-offset, length - offset),
        cov: column.covered.subarray(-offset, length - offset),
        coarse: new Map(),
      };
      borrowed.add(adopted);
      byDims.set(key, adopted);
      continue;
    }
    const into = series ? writable(byDims, key, series) : { dims: column.dims, ...take(), coarse: new Map() };
    if (!series) byDims.set(key, into);
    copyColumn(column, offset, into);
  }
  // Facts usually arrive grouped by (KPI, dims): remember the last series to skip look-ups.
  let lastKpi = '';
  let lastDims: DimensionValues | null = null;
  let lastSeries: ActualSeries | null = null;
  for (const fact of facts) {
    // lastSeries is never borrowed: it is set from writable() below.
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
      snapshotPeriods(kpi.id, key, fact.dims).set(period.key, { value: fact.value, end: period.end });
      continue;
    }
    const byDims = sumSeriesOf(kpi.id);
    let series = byDims.get(key);
    if (!series) {
      series = { dims: fact.dims, ...take(), coarse: new Map() };
      byDims.set(key, series);
    } else series = writable(byDims, key, series);
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

  const group = groupRollups(sumSeries, length);

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

/** The covered days of a column that fall inside the window, written into a series. */
function copyColumn(column: DailyActualSeries, offset: number, into: ActualSeries): void {
  const from = Math.max(0, -offset);
  const to = Math.min(column.values.length, into.values.length - offset);
  const { values, covered } = column;
  for (let i = from; i < to; i++) {
    if (!covered[i]) continue;
    into.values[offset + i] = values[i]!;
    into.cov[offset + i] = 1;
  }
}
