/**
 * Scorecard (spec §9): score = clamp(attainment, 0, cap); the scorecard is the weighted mean
 * over the KPIs that have a score (the others are listed, not counted as zero).
 */

export const DEFAULT_SCORE_CAP = 1.2;

export interface ScoreInput {
  readonly kpi: string;
  readonly weight: number;
  readonly attainment: number | null;
  readonly owner?: string | null | undefined;
}

export function scoreOf(attainment: number | null, cap: number = DEFAULT_SCORE_CAP): number | null {
  if (attainment === null || !Number.isFinite(attainment)) return null;
  return Math.min(Math.max(attainment, 0), cap);
}

/** Σ weight·score ÷ Σ weight over entries with a score; null when none has one. */
export function weightedScore(entries: readonly { weight: number; score: number | null }[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const e of entries) {
    if (e.score === null) continue;
    sum += e.weight * e.score;
    weights += e.weight;
  }
  return weights > 0 ? sum / weights : null;
}

/** Owner id used for KPIs without an owner when a scorecard is cut by owner. */
export const UNASSIGNED_OWNER = 'unassigned';

export function scorecard(inputs: readonly ScoreInput[], cap: number = DEFAULT_SCORE_CAP) {
  const entries = inputs.map((i) => ({
    kpi: i.kpi,
    weight: i.weight,
    owner: i.owner ?? UNASSIGNED_OWNER,
    score: scoreOf(i.attainment, cap),
  }));
  const owners = [...new Set(entries.map((e) => e.owner))];
  return {
    cap,
    score: weightedScore(entries),
    entries,
    byOwner: owners.map((owner) => ({
      owner,
      score: weightedScore(entries.filter((e) => e.owner === owner)),
    })),
  };
}
