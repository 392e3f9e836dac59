/** The milestones section: each milestone's state on asOf and the weighted rates (spec §8). */
import { evaluateMilestone, milestoneRates } from '../../domain/milestones.ts';
import type { DimensionValues, Milestone } from '../../domain/types.ts';
import type { MilestoneRow, MilestoneSummary } from '../report-model.ts';
import type { ModelContext } from './context.ts';

function milestoneInScope(m: Milestone, scope: DimensionValues): boolean {
  const keys = Object.keys(scope);
  if (keys.length === 0) return true;
  // Decision: a scoped report shows only milestones tagged with the scope's values; untagged
  // (company-wide) milestones appear in unscoped reports only.
  return keys.every((k) => m.dims?.[k] === scope[k]);
}

export function milestonesOf(ctx: ModelContext, all: readonly Milestone[]): MilestoneSummary {
  const { asOf } = ctx;
  const scoped = ctx.report.includeMilestones ? all.filter((m) => milestoneInScope(m, ctx.scope.dims)) : [];
  const items: MilestoneRow[] = scoped.map((m) => {
    const e = evaluateMilestone(m, asOf);
    return {
      id: m.id,
      title: m.title,
      owner: m.owner,
      start: m.start ?? null,
      due: m.due,
      weight: m.weight,
      progress: m.progress ?? null,
      expectedProgress: e.expectedProgress,
      status: m.status,
      state: e.state,
      daysLate: e.daysLate,
      daysOverdue: e.daysOverdue,
      dueSoon: e.dueSoon,
      completedOn: m.completedOn ?? null,
      kpi: m.kpi ?? null,
    };
  });
  const rates = milestoneRates(scoped, asOf);
  return {
    items,
    dueCount: rates.dueCount,
    dueWeight: rates.dueWeight,
    completion: rates.completion,
    onTime: rates.onTime,
  };
}
