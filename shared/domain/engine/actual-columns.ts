/**
 * Daily actuals written straight into typed-array columns (issue 16): a loader or generator
 * feeds them fact by fact and no object per fact is ever made. A year of one (KPI, dims)
 * costs 366 × 9 bytes where 366 fact objects cost ~50 KB, and the engine adopts a column
 * that spans its window without copying it.
 */
import { fromEpochDay, isValidLocalDate, toEpochDay } from '../calendar.ts';
import type { ActualColumns, DailyActualSeries, DateRange, DimensionValues } from '../types.ts';
import { cachedDimsKey, sameDims } from './dims.ts';

export interface ActualColumnsBuilder {
  /**
   * One daily actual; for the same (KPI, day, dims) the later value wins. Returns false, and
   * stores nothing, when `day` is not a `YYYY-MM-DD` date (the caller keeps such a fact,
   * e.g. a month, as an object).
   */
  add(kpi: string, day: string, dims: DimensionValues, value: number): boolean;
  /**
   * Days `first` + i for every bit i set in `mask` (bits 0–30), valued `values[i]`: a month of
   * a roll-up added without an object or a date string per day. Returns false, and stores
   * nothing, when `first` is not a `YYYY-MM-DD` date.
   */
  addDays(
    kpi: string,
    first: string,
    dims: DimensionValues,
    mask: number,
    values: ArrayLike<number>,
  ): boolean;
  /** The columns so far (the builder keeps writing into the same arrays if fed on). */
  build(): ActualColumns;
}

interface Column {
  readonly kpi: string;
  readonly dims: DimensionValues;
  /** Epoch day of index 0. */
  start: number;
  values: Float64Array;
  covered: Uint8Array;
}

/** Columns per block: a few large allocations instead of tens of thousands of small ones. */
const BLOCK_DAYS = 262_144;

/**
 * A builder of daily columns. `days` (usually the fiscal year a report reads) sizes every
 * column up front; a day outside it widens that column alone.
 */
export function actualColumnsBuilder(days?: DateRange): ActualColumnsBuilder {
  const hintStart = days ? toEpochDay(days.start) : 0;
  const hintLength = days ? Math.max(toEpochDay(days.end) - hintStart + 1, 1) : 0;
  const perBlock = Math.max(1, Math.floor(BLOCK_DAYS / Math.max(hintLength, 1)));
  let valuesBlock = new Float64Array(0);
  let coveredBlock = new Uint8Array(0);
  let used = perBlock;
  const fresh = (kpi: string, dims: DimensionValues, day: number): Column => {
    if (!days) return { kpi, dims, start: day, values: new Float64Array(366), covered: new Uint8Array(366) };
    if (used === perBlock) {
      valuesBlock = new Float64Array(perBlock * hintLength);
      coveredBlock = new Uint8Array(perBlock * hintLength);
      used = 0;
    }
    const at = used++ * hintLength;
    return {
      kpi,
      dims,
      start: hintStart,
      values: valuesBlock.subarray(at, at + hintLength),
      covered: coveredBlock.subarray(at, at + hintLength),
    };
  };
  /** Widen a column to hold `day`, at least doubling it so a run of such days copies rarely. */
  const widen = (c: Column, day: number) => {
    const length = c.values.length;
    const start = day < c.start ? Math.min(day, c.start - length) : c.start;
    const end = day < c.start ? c.start + length - 1 : Math.max(day, c.start + 2 * length - 1);
    const values = new Float64Array(end - start + 1);
    const covered = new Uint8Array(end - start + 1);
    values.set(c.values, c.start - start);
    covered.set(c.covered, c.start - start);
    c.start = start;
    c.values = values;
    c.covered = covered;
  };

  const epochDays = new Map<string, number>();
  const epochDayOf = (day: string): number => {
    let n = epochDays.get(day);
    if (n === undefined) {
      n = isValidLocalDate(day) ? toEpochDay(day) : Number.NaN;
      epochDays.set(day, n);
    }
    return n;
  };
  const keyOf = cachedDimsKey();
  const columns = new Map<string, Column>();
  // Facts usually arrive grouped by (KPI, dims): remember the last column to skip look-ups.
  let last: Column | null = null;

  /** The column of (kpi, dims), made to hold epoch day `n`. */
  const columnOf = (kpi: string, dims: DimensionValues, n: number): Column => {
    let c = last;
    if (!c || c.kpi !== kpi || (c.dims !== dims && !sameDims(c.dims, dims))) {
      const key = `${kpi}\u0000${keyOf(dims)}`;
      c = columns.get(key) ?? null;
      if (!c) {
        c = fresh(kpi, dims, n);
        columns.set(key, c);
      }
      last = c;
    }
    return c;
  };
  const put = (c: Column, n: number, value: number) => {
    let o = n - c.start;
    if (o < 0 || o >= c.values.length) {
      widen(c, n);
      o = n - c.start;
    }
    c.values[o] = value;
    c.covered[o] = 1;
  };

  return {
    add(kpi, day, dims, value) {
      const n = epochDayOf(day);
      if (Number.isNaN(n)) return false;
      put(columnOf(kpi, dims, n), n, value);
      return true;
    },
    addDays(kpi, first, dims, mask, values) {
      const n = epochDayOf(first);
      if (Number.isNaN(n)) return false;
      if (mask === 0) return true;
      const c = columnOf(kpi, dims, n + 31 - Math.clz32(mask & -mask));
      for (let m = mask; m !== 0; m &= m - 1) {
        const i = 31 - Math.clz32(m & -m);
        put(c, n + i, values[i]!);
      }
      return true;
    },
    build: () => ({
      daily: [...columns.values()].map(
        (c): DailyActualSeries => ({
          kpi: c.kpi,
          dims: c.dims,
          start: fromEpochDay(c.start),
          values: c.values,
          covered: c.covered,
        }),
      ),
    }),
  };
}
