/**
 * Builds the {@link ReportModel} of one report run: every figure every renderer shows,
 * computed once by the domain engine. Pure: the caller passes the data, asOf and the
 * generation time; nothing here reads a clock or does I/O. Each section is one module under
 * `model/`; this file sets up the engine and composes them.
 *
 * Scope isolation: with `options.scope` the engine indexes only facts matching the scope, so
 * every section (table, breakdowns, trend, outlook, scorecard, data quality, attribution,
 * comparisons) is computed over the scope's facts alone; milestones are filtered by their `dims`.
 */
import type { PlanConfig, ReportConfig } from '../config/schema.ts';
import { fiscalYearRange, grainOfAsOfRule, isValidLocalDate, periodOf } from '../domain/calendar.ts';
import { createEngine, type Engine } from '../domain/engine.ts';
import type { KpiDeclaration, LocalDate, PlanData } from '../domain/types.ts';
import { attributionsOf } from './model/attribution.ts';
import { breakdownsOf } from './model/breakdowns.ts';
import { comparisonsOf, comparisonWindow } from './model/comparisons.ts';
import { evaluatorAt, type ModelContext, ReportModelError } from './model/context.ts';
import { dataQualityOf } from './model/data-quality.ts';
import { leadOf } from './model/lead.ts';
import { milestonesOf } from './model/milestones.ts';
import type { BuildReportModelOptions } from './model/options.ts';
import { engineWindow, leadRanges, reportRangeOf, scopeOf } from './model/ranges.ts';
import { headlineOf, scorecardOf } from './model/scorecard.ts';
import { kpiRangeTable, reportKpi } from './model/table.ts';
import { trendOf } from './model/trend.ts';
import {
  type Language,
  type Outlook,
  REPORT_MODEL_SCHEMA_VERSION,
  type ReportModel,
} from './report-model.ts';

export { ReportModelError } from './model/context.ts';
export type { BuildReportModelOptions } from './model/options.ts';
export { RANGE_LABELS } from './model/ranges.ts';

/**
 * The report model of `reportId` for `asOf` (spec §1–§9). Throws {@link ReportModelError}
 * for an unknown report, KPI or scope value.
 */
export function buildReportModel(
  config: PlanConfig,
  data: PlanData,
  reportId: string,
  asOf: LocalDate,
  options: BuildReportModelOptions,
): ReportModel {
  const report: ReportConfig | undefined = config.reports.find((r) => r.id === reportId);
  if (!report) {
    throw new ReportModelError(
      `unknown report "${reportId}": use one of ${config.reports.map((r) => r.id).join(', ')} (declared under reports in plan.config.ts)`,
    );
  }
  if (!isValidLocalDate(asOf)) {
    throw new ReportModelError(`asOf "${asOf}" is not a local date: write it as YYYY-MM-DD, e.g. 2026-11-22`);
  }
  const kpiById = new Map<string, KpiDeclaration>(config.kpis.map((k) => [k.id, k]));
  const kpiOf = (id: string) => {
    const kpi = kpiById.get(id);
    if (!kpi) {
      throw new ReportModelError(
        `report "${report.id}" names unknown KPI "${id}": declare it under kpis in plan.config.ts`,
      );
    }
    return kpi;
  };
  const reportKpis = report.kpis.map(kpiOf);
  const startMonth = config.calendar.fiscalYearStartMonth;
  const language: Language = report.language;
  const scope = scopeOf(config, options.scope ?? {});
  const headlineKpi = kpiOf(report.headline?.kpi ?? report.kpis[0]!);

  // Index only the KPIs this report shows (and the components of its ratios): a report on
  // 3 KPIs should not pay for a year of 30.
  const needed = new Set<string>();
  for (const kpi of [...reportKpis, ...(report.scorecard.kpis ?? []).map(kpiOf), headlineKpi]) {
    needed.add(kpi.id);
    if (kpi.numerator) needed.add(kpi.numerator);
    if (kpi.denominator) needed.add(kpi.denominator);
  }
  const engineOver = (window: { start: LocalDate; end: LocalDate }): Engine =>
    createEngine({
      kpis: config.kpis.filter((k) => needed.has(k.id)),
      phasing: config.phasing,
      dimensions: config.dimensions,
      targets: data.targets,
      actuals: data.actuals,
      fiscalYearStartMonth: startMonth,
      window,
      scope: scope.dims,
    });
  const engine = engineOver(engineWindow(report, asOf, startMonth));
  const ctx: ModelContext = {
    config,
    report,
    asOf,
    startMonth,
    language,
    scope,
    reportKpis,
    kpiOf,
    engine,
    evaluateAt: evaluatorAt(engine, asOf, startMonth),
  };
  // Last year's periods (and any other compared days outside the window): their own engine.
  const historyWindow = comparisonWindow(report, asOf, startMonth, engine.window);
  const history = historyWindow ? engineOver(historyWindow) : null;

  const ranges = report.ranges.map((kind) => reportRangeOf(kind, asOf, startMonth));
  const table = kpiRangeTable(ctx, report.targetVersion);
  const outlook: Outlook[] = reportKpis.map((kpi) => ({
    kpi: kpi.id,
    ...engine.outlook(kpi.id, asOf, report.targetVersion),
  }));
  const comparedKpis = reportKpis.includes(headlineKpi) ? reportKpis : [headlineKpi, ...reportKpis];

  return {
    schemaVersion: REPORT_MODEL_SCHEMA_VERSION,
    report: { id: report.id, name: report.name, language },
    asOf,
    periodKey: periodOf(asOf, grainOfAsOfRule(report.asOfRule), startMonth),
    scope,
    ranges,
    kpis: reportKpis.map(reportKpi),
    headline: headlineOf(ctx),
    scorecard: scorecardOf(ctx),
    table,
    compareTable: report.compareVersion ? kpiRangeTable(ctx, report.compareVersion) : [],
    outlook,
    breakdowns: breakdownsOf(ctx),
    trend: trendOf(ctx),
    milestones: milestonesOf(ctx, data.milestones),
    dataQuality: dataQualityOf(ctx, ranges, table, options),
    lead: leadOf(ctx, headlineKpi.id, outlook),
    attribution: attributionsOf(ctx, headlineKpi.id, leadRanges(report)[0]!, options.attributionSlices),
    comparisons: comparisonsOf(ctx, comparedKpis, history),
    owners: Object.fromEntries(config.owners.map((o) => [o.id, o.name])),
    about: {
      asOf,
      timeZone: config.calendar.timeZone,
      fiscalYear: fiscalYearRange(asOf, startMonth).key,
      fiscalYearStartMonth: startMonth,
      targetVersion: report.targetVersion,
      compareVersion: report.compareVersion ?? null,
      configVersion: config.version,
      generatedAt: options.generatedAt,
      sources: [...(options.sources ?? [])],
    },
  };
}
