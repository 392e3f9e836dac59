/**
 * Variance attribution (docs/variance-decisions.md, "Attribution"): how much of a KPI's
 * variance each slice (a dimension value, or a two-dimension cell) explains. Pure numbers in,
 * numbers out; the report model picks the slices and names them.
 *
 * Both methods reconcile exactly: the slices' contributions plus an explicit `unreconciled`
 * part equal the total's variance, so a reader can always add the column up.
 */

/** A sum KPI's slice: its actual and target over the compared range. */
export interface SumSlice {
  readonly actual: number | null;
  readonly target: number | null;
}

export interface AdditiveAttribution {
  /** actual − target of the total. */
  readonly totalVariance: number;
  /** Per slice, in the order given: actual − target (a missing actual or target counts as 0). */
  readonly contributions: readonly number[];
  /**
   * totalVariance − Σ contributions: what the slices cannot explain because their targets (or
   * actuals) do not add up to the total's, e.g. a total target above the sum of the slices'.
   */
  readonly unreconciled: number;
}

/**
 * Additive split of a sum KPI's variance. A slice without a target contributes its whole
 * actual (sold against no plan); one without an actual contributes −target. `null` when the
 * total has no actual or no target (no variance to explain).
 */
export function additiveAttribution(
  total: SumSlice,
  slices: readonly SumSlice[],
): AdditiveAttribution | null {
  if (total.actual === null || total.target === null) return null;
  const totalVariance = total.actual - total.target;
  const contributions = slices.map((s) => (s.actual ?? 0) - (s.target ?? 0));
  return { totalVariance, contributions, unreconciled: totalVariance - fsum(contributions) };
}

/**
 * A ratio KPI's slice (e.g. AOV = GMV ÷ orders by category): its actual and target ratio and
 * the actual and target of the ratio's denominator, which weighs it.
 */
export interface RatioSlice {
  readonly rateActual: number | null;
  readonly rateTarget: number | null;
  readonly weightActual: number | null;
  readonly weightTarget: number | null;
}

export interface RateMixAttribution {
  /** actual ratio − target ratio of the total. */
  readonly totalVariance: number;
  /** Σ w_target·(r_actual − r_target): the slices' own ratios moving. */
  readonly rate: number;
  /** Σ (w_actual − w_target)·(r_actual − R_target): the denominator shifting between slices. */
  readonly mix: number;
  /** Per slice, in the order given: its rate effect + its mix effect. */
  readonly contributions: readonly number[];
  readonly rateBySlice: readonly number[];
  readonly mixBySlice: readonly number[];
  /** totalVariance − rate − mix: the total's target ratio not equal to its slices' weighted targets. */
  readonly unreconciled: number;
}

/**
 * Rate/mix split of a ratio KPI's variance over slices that partition the total. Weights are
 * each slice's share of the denominator (actual shares w_actual, target shares w_target).
 *
 *   Σ w_a·r_a − Σ w_t·r_t = Σ w_t·(r_a − r_t)  +  Σ (w_a − w_t)·(r_a − R_t)
 *                            rate effect           mix effect
 *
 * The mix term is centred on the total's target ratio R_t (Σ (w_a − w_t) = 0, so centring
 * changes no total, but a slice gaining share counts as good only when its ratio beats the
 * plan's). A slice without an actual ratio takes r_a = r_t (no rate effect, only its lost
 * weight); one without a target ratio takes r_t = r_a. `null` when the total has no actual or
 * target ratio, or no slice has a denominator actual or target to weigh by.
 */
export function rateMixAttribution(
  total: { readonly actual: number | null; readonly target: number | null },
  slices: readonly RatioSlice[],
): RateMixAttribution | null {
  if (total.actual === null || total.target === null) return null;
  const weightOf = (w: number | null, r: number | null) => (w !== null && r !== null && w > 0 ? w : 0);
  const sumActual = fsum(slices.map((s) => weightOf(s.weightActual, s.rateActual)));
  const sumTarget = fsum(slices.map((s) => weightOf(s.weightTarget, s.rateTarget ?? s.rateActual)));
  if (!(sumActual > 0) || !(sumTarget > 0)) return null;
  const rateBySlice: number[] = [];
  const mixBySlice: number[] = [];
  for (const s of slices) {
    const wa = weightOf(s.weightActual, s.rateActual) / sumActual;
    const wt = weightOf(s.weightTarget, s.rateTarget ?? s.rateActual) / sumTarget;
    const ra = s.rateActual ?? s.rateTarget ?? total.target;
    const rt = s.rateTarget ?? ra;
    rateBySlice.push(wt * (ra - rt));
    mixBySlice.push((wa - wt) * (ra - total.target));
  }
  const rate = fsum(rateBySlice);
  const mix = fsum(mixBySlice);
  const totalVariance = total.actual - total.target;
  return {
    totalVariance,
    rate,
    mix,
    contributions: rateBySlice.map((r, i) => r + mixBySlice[i]!),
    rateBySlice,
    mixBySlice,
    unreconciled: totalVariance - rate - mix,
  };
}

/**
 * The slices to list: the `limit` largest by |contribution| (zero ones never), ordered so
 * those pushing the variance its way come first, largest first, then the offsetting ones.
 */
export function rankContributions(
  contributions: readonly number[],
  totalVariance: number,
  limit: number,
): { readonly listed: readonly number[]; readonly notListed: number } {
  const sign = totalVariance < 0 ? -1 : 1;
  const byMagnitude = contributions
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c !== 0)
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c) || a.i - b.i);
  const kept = byMagnitude.slice(0, Math.max(0, limit));
  kept.sort((a, b) => sign * (b.c - a.c) || a.i - b.i);
  return {
    listed: kept.map((x) => x.i),
    notListed: fsum(byMagnitude.slice(kept.length).map((x) => x.c)),
  };
}

/** Neumaier-compensated sum: slices of ¥ millions and fen-sized residues add up exactly enough. */
export function fsum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}
