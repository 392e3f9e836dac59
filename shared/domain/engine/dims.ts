/**
 * Dimension values as keys and filters.
 */
import type { DimensionValues } from '../types.ts';

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
export function sameDims(a: DimensionValues, b: DimensionValues): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** Whether `dims` holds every value `group` fixes (a fact or series inside the group). */
export function matches(dims: DimensionValues, group: DimensionValues): boolean {
  for (const k in group) if (dims[k] !== group[k]) return false;
  return true;
}

/** Facts often share one dims object (per upload row group): their key, remembered by identity. */
export function cachedDimsKey(): (dims: DimensionValues) => string {
  const cache = new WeakMap<DimensionValues, string>();
  return (dims) => {
    let k = cache.get(dims);
    if (k === undefined) {
      k = dimsKey(dims);
      cache.set(dims, k);
    }
    return k;
  };
}
