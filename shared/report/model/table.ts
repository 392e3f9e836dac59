/** The KPI × range tables and the KPI list of the report model. */
import type { Evaluation } from '../../domain/engine.ts';
import type { KpiDeclaration, VarianceFigures } from '../../domain/types.ts';
import type { KpiRangeRow, ReportKpi } from '../report-model.ts';
import type { ModelContext } from './context.ts';

/** The §5 figures of an evaluation, as the model holds them. */
export function figures(e: Evaluation): VarianceFigures {
  return {
    actual: e.actual,
    target: e.target,
    variance: e.variance,
    variancePct: e.variancePct,
    favourablePct: e.favourablePct,
    attainment: e.attainment,
    status: e.status,
    coveredDays: e.coveredDays,
    targetedDays: e.targetedDays,
    comparedFrom: e.comparedFrom,
    comparedTo: e.comparedTo,
    rangeDays: e.rangeDays,
    dataThrough: e.dataThrough,
    fullRangeTarget: e.fullRangeTarget,
    ...(e.valuePeriod !== undefined ? { valuePeriod: e.valuePeriod } : {}),
  };
}

/** Every report KPI over every report range, against one target version. */
export function kpiRangeTable(ctx: ModelContext, version: string): KpiRangeRow[] {
  return ctx.reportKpis.flatMap((kpi) =>
    ctx.report.ranges.map((kind) => ({
      kpi: kpi.id,
      range: kind,
      ...figures(ctx.evaluateAt(kpi.id, kind, version)),
    })),
  );
}

export function reportKpi(k: KpiDeclaration): ReportKpi {
  return {
    id: k.id,
    name: k.name,
    unit: k.unit,
    currency: k.currency,
    aggregation: k.aggregation,
    direction: k.direction,
    weight: k.weight,
    benchmark: k.benchmark ?? null,
    tolerance: { atRisk: k.tolerance.atRisk, offTrack: k.tolerance.offTrack },
    owner: k.owner ?? null,
    numerator: k.numerator ?? null,
    denominator: k.denominator ?? null,
  };
}
