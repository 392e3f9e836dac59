/**
 * What every part of the report model reads: the report's configuration, its asOf and scope,
 * and one engine evaluating any (KPI, range, group). Built once per run by
 * `build-report-model.ts` and passed to each part.
 */
import type { PlanConfig, ReportConfig } from '../../config/schema.ts';
import { reportRange } from '../../domain/calendar.ts';
import type { Engine, Evaluation } from '../../domain/engine.ts';
import type { DimensionValues, KpiDeclaration, LocalDate, RangeKind } from '../../domain/types.ts';
import type { Language, ReportScope } from '../report-model.ts';

/** Raised when the report, a KPI or a scope is not in the configuration; says what to fix. */
export class ReportModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportModelError';
  }
}

export interface ModelContext {
  readonly config: PlanConfig;
  readonly report: ReportConfig;
  readonly asOf: LocalDate;
  readonly startMonth: number;
  readonly language: Language;
  readonly scope: ReportScope;
  /** The report's KPIs, in display order. */
  readonly reportKpis: readonly KpiDeclaration[];
  /** The declared KPI with this id; throws {@link ReportModelError} for an unknown one. */
  readonly kpiOf: (id: string) => KpiDeclaration;
  readonly engine: Engine;
  /** A KPI over a report range kind (at asOf) in a target version, for a group inside the scope. */
  readonly evaluateAt: (kpi: string, kind: RangeKind, version: string, group?: DimensionValues) => Evaluation;
}

/** {@link ModelContext.evaluateAt} over an engine. */
export function evaluatorAt(engine: Engine, asOf: LocalDate, startMonth: number): ModelContext['evaluateAt'] {
  return (kpi, kind, version, group = {}) => {
    const r = reportRange(kind, asOf, startMonth);
    return engine.evaluate({ kpi, range: r, periodKey: r.periodKey, group, version });
  };
}

/** The text of the report's language. */
export function text(language: Language, en: string, zh: string): string {
  return language === 'zh' ? zh : en;
}
