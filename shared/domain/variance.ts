/**
 * Variance of one series over one range (spec §5): variance, variancePct, favourablePct,
 * attainment and status.
 */
import type { Direction, Tolerance, VarianceStatus } from './types.ts';

/** A value within this distance of a tolerance boundary counts as on it (spec §5). */
export const BOUNDARY_EPSILON = 1e-9;

export interface VarianceCore {
  readonly variance: number | null;
  readonly variancePct: number | null;
  readonly favourablePct: number | null;
  readonly attainment: number | null;
  readonly status: VarianceStatus;
}

/** favourablePct from variancePct by direction (spec §5). */
export function favourableOf(variancePct: number, direction: Direction): number {
  switch (direction) {
    case 'higher_is_better':
      return variancePct;
    case 'lower_is_better':
      return -variancePct;
    case 'closer_is_better':
      return -Math.abs(variancePct);
  }
}

/** A / T (higher), T / A (lower; none when A = 0), 1 − |A − T| / |T| (closer). */
export function attainmentOf(actual: number, target: number, direction: Direction): number | null {
  if (target === 0) return null;
  switch (direction) {
    case 'higher_is_better':
      return actual / target;
    case 'lower_is_better':
      return actual === 0 ? null : target / actual;
    case 'closer_is_better':
      return 1 - Math.abs(actual - target) / Math.abs(target);
  }
}

/** Status from favourablePct; boundaries inclusive with a 1e-9 allowance. */
export function statusOf(favourablePct: number, tolerance: Tolerance): VarianceStatus {
  if (favourablePct >= -tolerance.atRisk - BOUNDARY_EPSILON) return 'on_track';
  if (favourablePct >= -tolerance.offTrack - BOUNDARY_EPSILON) return 'at_risk';
  return 'off_track';
}

/**
 * Every §5 figure for actual A and target T. `no_data` when A is null; `no_target` when T is
 * null or 0 (variance is still given when T = 0, the percentages are not).
 */
export function varianceOf(
  actual: number | null,
  target: number | null,
  direction: Direction,
  tolerance: Tolerance,
): VarianceCore {
  if (actual === null) {
    return { variance: null, variancePct: null, favourablePct: null, attainment: null, status: 'no_data' };
  }
  if (target === null) {
    return { variance: null, variancePct: null, favourablePct: null, attainment: null, status: 'no_target' };
  }
  const variance = actual - target;
  if (target === 0) {
    return { variance, variancePct: null, favourablePct: null, attainment: null, status: 'no_target' };
  }
  const variancePct = variance / Math.abs(target);
  const favourablePct = favourableOf(variancePct, direction);
  return {
    variance,
    variancePct,
    favourablePct,
    attainment: attainmentOf(actual, target, direction),
    status: statusOf(favourablePct, tolerance),
  };
}
