/**
 * The variance engine (spec §3–§7): indexes targets and actuals ONCE into typed arrays per
 * (KPI, dimension combination) over a window of day offsets, then evaluates any (KPI, range,
 * group, target version) as sums over day slices — never a scan over all facts.
 *
 * The parts (shared/domain/engine/): `days` (window, periods), `actual-columns` (daily actuals
 * as typed arrays, fed by loaders), `actual-index`, `actual-groups` (lazy group roll-ups),
 * `target-index`, `target-resolution` (spec §6 roll-ups), `coverage` (like-for-like days),
 * one evaluator per aggregation (`evaluate-sum`, `evaluate-ratio`, `evaluate-snapshot`),
 * `outlook`, and the findings (`coverage-findings`, `target-findings`). They share one
 * {@link EngineContext}. Decisions where the spec is silent: docs/variance-decisions.md.
 */

import { indexActuals } from './engine/actual-index.ts';
import { type BoundsFinding, boundsFindings } from './engine/bounds-findings.ts';
import type { EngineContext } from './engine/context.ts';
import { coverageFindings, type KpiCoverageFindings } from './engine/coverage-findings.ts';
import { dayWindow, EngineError, periodIndex } from './engine/days.ts';
import { evaluateRatio } from './engine/evaluate-ratio.ts';
import { evaluateSnapshot } from './engine/evaluate-snapshot.ts';
import { evaluateSum } from './engine/evaluate-sum.ts';
import type { EvaluateQuery, Evaluation } from './engine/evaluation.ts';
import { type OutlookFigures, outlookOf } from './engine/outlook.ts';
import { type TargetMismatchFinding, targetMismatches } from './engine/target-findings.ts';
import { indexTargets } from './engine/target-index.ts';
import { targetResolver } from './engine/target-resolution.ts';
import { kpiDefinition } from './kpi.ts';
import type {
  ActualColumns,
  ActualFact,
  DateRange,
  DimensionDefinition,
  DimensionValues,
  KpiDeclaration,
  KpiDefinition,
  LocalDate,
  PhasingProfile,
  TargetFact,
} from './types.ts';

export { type ActualColumnsBuilder, actualColumnsBuilder } from './engine/actual-columns.ts';
export type { BoundsFinding } from './engine/bounds-findings.ts';
export type { KpiCoverageFindings } from './engine/coverage-findings.ts';
export { EngineError } from './engine/days.ts';
export { dimsKey } from './engine/dims.ts';
export type { EvaluateQuery, Evaluation } from './engine/evaluation.ts';
export type { OutlookFigures, SumOutlook } from './engine/outlook.ts';
export { MISMATCH_THRESHOLD, type TargetMismatchFinding } from './engine/target-findings.ts';
export type { TargetSource } from './engine/target-resolution.ts';

export interface EngineInput {
  readonly kpis: readonly KpiDeclaration[];
  readonly phasing?: readonly PhasingProfile[] | undefined;
  /** Declared dimensions, in configuration order (decides the roll-up split). */
  readonly dimensions?: readonly DimensionDefinition[] | undefined;
  readonly targets: readonly TargetFact[];
  readonly actuals: readonly ActualFact[];
  /** Daily actuals as columns (see {@link actualColumnsBuilder}), indexed before `actuals`. */
  readonly actualColumns?: ActualColumns | undefined;
  readonly fiscalYearStartMonth: number;
  /** Days to index; every evaluated range should lie inside it (days outside count as empty). */
  readonly window: DateRange;
  /** When set, only facts matching these dimension values are indexed (scope isolation). */
  readonly scope?: DimensionValues | undefined;
}

/**
 * Build the engine over one run's facts. Cost: one pass over the facts; memory: two typed
 * arrays of the window's length per (KPI, dimension combination) — none for a column of
 * `actualColumns` that spans the window, which the engine reads in place.
 */
export function createEngine(input: EngineInput) {
  const days = dayWindow(input.window);
  const periods = periodIndex(input.fiscalYearStartMonth);
  const scope = input.scope ?? {};
  const kpis = new Map<string, KpiDefinition>(input.kpis.map((k) => [k.id, kpiDefinition(k)]));
  const kpi = (id: string): KpiDefinition => {
    const found = kpis.get(id);
    if (!found) throw new EngineError(`unknown KPI "${id}": declare it under kpis in plan.config.ts`);
    return found;
  };
  const actuals = indexActuals({
    facts: input.actuals,
    columns: input.actualColumns,
    kpis,
    days,
    periods,
    scope,
  });
  const targets = indexTargets({
    facts: input.targets,
    kpis,
    phasing: input.phasing ?? [],
    days,
    periods,
    scope,
  });
  const resolver = targetResolver({
    index: targets,
    kpis,
    days,
    dimensionOrder: (input.dimensions ?? []).map((d) => d.id),
  });
  const ctx: EngineContext = { kpis, kpi, days, periods, actuals, targets, resolver, scope };
  const within = (group: DimensionValues | undefined): DimensionValues => ({ ...(group ?? {}), ...scope });

  /** Figures of one series over one range (spec §4–§6). */
  const evaluate = (q: EvaluateQuery): Evaluation => {
    const k = kpi(q.kpi);
    const group = within(q.group);
    switch (k.aggregation) {
      case 'sum':
        return evaluateSum(ctx, k, q, group);
      case 'ratio':
        return evaluateRatio(ctx, k, q, group);
      case 'snapshot':
        return evaluateSnapshot(ctx, k, q, group);
    }
  };

  return {
    window: input.window,
    fiscalYearStartMonth: input.fiscalYearStartMonth,
    scope,
    kpi,
    evaluate,
    /** YTD outlook (spec §7) over the fiscal year holding asOf. */
    outlook: (
      kpiId: string,
      asOf: LocalDate,
      version = 'budget',
      group: DimensionValues = {},
    ): OutlookFigures => outlookOf(ctx, evaluate, kpiId, asOf, version, within(group)),
    /** dataThrough, stale and gaps of a KPI (spec §4, decision D10). */
    coverageFindings: (
      kpiId: string,
      range: DateRange,
      asOf: LocalDate,
      graceDays = 0,
      group: DimensionValues = {},
    ): KpiCoverageFindings => coverageFindings(ctx, kpi(kpiId), range, asOf, graceDays, within(group)),
    /** Explicit targets that differ from the sum of their finer targets (spec §6). */
    targetMismatches: (versions?: readonly string[]): TargetMismatchFinding[] =>
      targetMismatches(ctx, versions),
    /** Actuals outside their KPI's bounds (decision D18). */
    boundsFindings: (): BoundsFinding[] => boundsFindings(ctx),
  };
}

export type Engine = ReturnType<typeof createEngine>;
