/**
 * Like-for-like coverage (spec §4, docs/variance-decisions.md B): which days of a range a
 * group's actuals cover, which of those also have a target, and the actual over them.
 * Masks are indexed from `first` (index 0 = window offset `first`).
 */
import type { CoarseActual, GroupActual } from './actual-index.ts';

/**
 * Whether a coarse actual counts in [first, last]: its whole period lies inside (spec §4)
 * and, when comparing like-for-like against targets, every one of its days has a target
 * (a month's actual cannot be split to match a partly targeted month).
 */
function coarseCounts(c: CoarseActual, first: number, last: number, targeted: Uint8Array | null): boolean {
  if (c.first < first || c.last > last) return false;
  if (targeted) for (let o = c.first; o <= c.last; o++) if (!targeted[o]) return false;
  return true;
}

/**
 * Covered-day mask of a group over [first, last]. With `targeted` (a window-indexed day mask
 * of the series' targets) only days that also have a target are kept.
 */
export function coverage(
  g: GroupActual,
  first: number,
  last: number,
  targeted: Uint8Array | null = null,
): Uint8Array {
  const n = Math.max(last - first + 1, 0);
  const mask = new Uint8Array(n);
  if (targeted) for (let i = 0; i < n; i++) mask[i] = g.cov[first + i]! & targeted[first + i]!;
  else for (let i = 0; i < n; i++) mask[i] = g.cov[first + i]!;
  for (const c of g.coarse) {
    if (!coarseCounts(c, first, last, targeted)) continue;
    for (let o = c.first; o <= c.last; o++) mask[o - first] = 1;
  }
  return mask;
}

/** Days covered by both groups (a ratio's numerator and denominator). */
export function bothCovered(
  a: GroupActual,
  b: GroupActual,
  first: number,
  last: number,
  targeted: Uint8Array | null = null,
): Uint8Array {
  const mask = coverage(a, first, last, targeted);
  const other = coverage(b, first, last, targeted);
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! & other[i]!;
  return mask;
}

/** The actual over the days of `mask` (built by {@link coverage} with the same `targeted`). */
export function sumOver(
  g: GroupActual,
  first: number,
  mask: Uint8Array,
  last: number,
  targeted: Uint8Array | null = null,
): number {
  let total = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) total += g.values[first + i]!;
  for (const c of g.coarse) if (coarseCounts(c, first, last, targeted)) total += c.value;
  return total;
}

/** Days of [first, last] whose bit is set in a window-indexed day mask. */
export function countDays(has: Uint8Array, first: number, last: number): number {
  let n = 0;
  for (let o = first; o <= last; o++) n += has[o]!;
  return n;
}

export interface ComparedDays {
  /** The compared days. */
  readonly mask: Uint8Array;
  /** Days covered by actuals alone (for dataThrough). */
  readonly actualMask: Uint8Array;
  /** The target mask the comparison used, or null when compared with nothing. */
  readonly targeted: Uint8Array | null;
  readonly targetedDays: number;
}

/**
 * The compared days of a series: when a target covers some day of [first, last], the days
 * covered by both actuals and targets; otherwise (or when no covered day has a target)
 * every covered day, compared with nothing.
 */
export function comparedDays(
  actualCoverage: (targeted: Uint8Array | null) => Uint8Array,
  has: Uint8Array | null,
  first: number,
  last: number,
): ComparedDays {
  const targetedDays = has ? countDays(has, first, last) : 0;
  const actualMask = actualCoverage(null);
  if (targetedDays === 0) return { mask: actualMask, actualMask, targeted: null, targetedDays };
  const mask = actualCoverage(has);
  if (!mask.includes(1)) return { mask: actualMask, actualMask, targeted: null, targetedDays };
  return { mask, actualMask, targeted: has, targetedDays };
}

/** Index of the last set day of a mask, or −1. */
export function lastSet(mask: Uint8Array): number {
  for (let i = mask.length - 1; i >= 0; i--) if (mask[i]) return i;
  return -1;
}
