/**
 * Milestone states on an asOf date (spec §8), completion and on-time rates.
 */
import { toEpochDay } from './calendar.ts';
import type { LocalDate, Milestone, MilestoneState } from './types.ts';

export interface MilestoneEvaluation {
  readonly id: string;
  readonly state: MilestoneState;
  readonly daysLate: number | null;
  readonly daysOverdue: number | null;
  /** (D − start + 1) / (due − start + 1) when start ≤ D ≤ due, else null. */
  readonly expectedProgress: number | null;
  readonly dueSoon: boolean;
}

/** Progress may fall short of the expected progress by this much before `behind` (spec §8). */
export const BEHIND_MARGIN = 0.1;

/**
 * The state of one milestone on asOf (spec §8 rules 1–6, first that applies), as it stood on
 * asOf (decision D12, D16):
 * - a completion after asOf has not happened yet: the milestone is evaluated as in progress
 *   (with its recorded progress), so re-running an earlier date gives that date's answer;
 * - a cancelled milestone has no expected progress and is never `dueSoon`;
 * - a `done` milestone without completedOn counts as done on time; a missing progress as 0.
 */
export function evaluateMilestone(m: Milestone, asOf: LocalDate): MilestoneEvaluation {
  const d = toEpochDay(asOf);
  const due = toEpochDay(m.due);
  const start = m.start ? toEpochDay(m.start) : null;
  const completedLater = m.status === 'done' && m.completedOn !== undefined && toEpochDay(m.completedOn) > d;
  const status = completedLater ? 'in_progress' : m.status;
  const inWindow = status !== 'cancelled' && start !== null && start <= d && d <= due;
  const expectedProgress = inWindow ? (d - start + 1) / (due - start + 1) : null;
  const dueSoon = status !== 'done' && status !== 'cancelled' && due - d >= 0 && due - d <= 7;
  const base = { id: m.id, daysLate: null, daysOverdue: null, expectedProgress, dueSoon };
  if (status === 'cancelled') return { ...base, state: 'cancelled' };
  if (status === 'done') {
    const late = m.completedOn ? toEpochDay(m.completedOn) - due : 0;
    return late > 0 ? { ...base, state: 'done_late', daysLate: late } : { ...base, state: 'done' };
  }
  if (due < d) return { ...base, state: 'overdue', daysOverdue: d - due };
  if (status === 'blocked') return { ...base, state: 'blocked' };
  if (expectedProgress !== null) {
    const progress = m.progress ?? 0;
    // The 1e-9 allowance keeps a progress exactly on the margin from flipping on float noise.
    return { ...base, state: progress < expectedProgress - BEHIND_MARGIN - 1e-9 ? 'behind' : 'on_track' };
  }
  return { ...base, state: status === 'not_started' ? 'not_started' : 'on_track' };
}

export interface MilestoneRates {
  /** How many milestones are due on or before asOf, cancelled left out (a count). */
  readonly dueCount: number;
  /** Σ weight of those milestones: the denominator of both rates. */
  readonly dueWeight: number;
  /** Weighted: Σ weight of done + done_late ÷ dueWeight; null when nothing is due. */
  readonly completion: number | null;
  /** Weighted: Σ weight of done ÷ dueWeight; null when nothing is due. */
  readonly onTime: number | null;
}

/** Completion and on-time rates over the milestones due on or before asOf (spec §8). */
export function milestoneRates(milestones: readonly Milestone[], asOf: LocalDate): MilestoneRates {
  let total = 0;
  let completed = 0;
  let onTime = 0;
  let count = 0;
  for (const m of milestones) {
    if (m.status === 'cancelled' || m.due > asOf) continue;
    const { state } = evaluateMilestone(m, asOf);
    count++;
    total += m.weight;
    if (state === 'done' || state === 'done_late') completed += m.weight;
    if (state === 'done') onTime += m.weight;
  }
  return {
    dueCount: count,
    dueWeight: total,
    completion: total > 0 ? completed / total : null,
    onTime: total > 0 ? onTime / total : null,
  };
}
