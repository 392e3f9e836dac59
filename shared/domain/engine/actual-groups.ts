/**
 * Roll-ups of a `sum` KPI's actual series to the groups a report asks for, computed lazily and
 * cached: only the sets of dimensions a report shows (the total, a breakdown) are ever summed.
 */
import type { DimensionValues } from '../types.ts';
import type { ActualSeries, GroupActual } from './actual-index.ts';
import { dimsKey } from './dims.ts';

/**
 * The group function over series of `length` days, by KPI then dims key.
 */
export function groupRollups(
  sumSeries: ReadonlyMap<string, ReadonlyMap<string, ActualSeries>>,
  length: number,
): (kpi: string, group: DimensionValues) => GroupActual {
  const groupCache = new Map<string, GroupActual>();
  /**
   * The first request for a set of dimensions (say `channel`) computes the groups of EVERY
   * value combination of that set in one pass over the series, so a breakdown by a 50-value
   * dimension costs one pass, not fifty.
   */
  return (kpi: string, g: DimensionValues): GroupActual => {
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
}
