/**
 * What every part of the engine reads: the KPIs, the day axis, the indexed actuals and the
 * target resolution. Built once per run by createEngine; the parts never see raw facts.
 */
import type { DimensionValues, KpiDefinition } from '../types.ts';
import type { ActualIndex } from './actual-index.ts';
import type { DayWindow, PeriodIndex } from './days.ts';
import type { TargetIndex } from './target-index.ts';
import type { TargetResolver } from './target-resolution.ts';

export interface EngineContext {
  readonly kpis: ReadonlyMap<string, KpiDefinition>;
  /** The KPI, or an EngineError naming the fix. */
  kpi(id: string): KpiDefinition;
  readonly days: DayWindow;
  readonly periods: PeriodIndex;
  readonly actuals: ActualIndex;
  readonly targets: TargetIndex;
  readonly resolver: TargetResolver;
  /** Dimension values every figure is restricted to ({} when unscoped). */
  readonly scope: DimensionValues;
}
