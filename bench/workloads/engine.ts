/**
 * Variance engine: `kpis × combos × 366` daily actuals plus monthly targets, then one weekly
 * report model with buildReportModel. The actuals are written straight into typed-array
 * columns (`actualColumnsBuilder`, as a report's loader feeds them), or with
 * `objects: true` materialised as one ActualFact object each (the engine's input before
 * issue 16). Generation and the report are timed apart; the peak RSS is sampled after
 * generation and at the end so both are reported.
 */
import { actualColumnsBuilder } from '../../shared/domain/engine.ts';
import type { PlanData } from '../../shared/domain/types.ts';
import { buildReportModel } from '../../shared/report/build-report-model.ts';
import { params, peakRssMb, report, timed } from '../lib/child.ts';
import {
  AS_OF,
  benchConfig,
  forEachActual,
  generateActuals,
  generateTargets,
  KPI_COUNT,
  yearDays,
} from '../lib/plan.ts';

interface Params {
  readonly kpis?: number;
  readonly combos: number;
  /** One object per fact instead of columns (the old input, for comparison). */
  readonly objects?: boolean;
}

const { kpis = KPI_COUNT, combos, objects = false } = params<Params>();
const config = benchConfig();
const gen = await timed((): PlanData => {
  const targets = generateTargets(kpis, combos);
  if (objects) return { targets, actuals: generateActuals(kpis, combos), milestones: [] };
  const days = yearDays();
  const columns = actualColumnsBuilder({ start: days[0]!, end: days[days.length - 1]! });
  forEachActual(kpis, combos, (kpi, period, dims, value) => columns.add(kpi, period, dims, value));
  return { targets, actuals: [], actualColumns: columns.build(), milestones: [] };
});
const rssAfterGenerationMb = peakRssMb();
const heapAfterGenerationMb = process.memoryUsage().heapUsed / 1024 / 1024;
const data = gen.value;
const facts = objects
  ? data.actuals.length
  : (data.actualColumns?.daily ?? []).reduce((n, s) => n + s.covered.reduce((a, b) => a + b, 0), 0);
const built = await timed(() =>
  buildReportModel(config, data, 'weekly', AS_OF, { generatedAt: '2029-01-01T01:00:00.000Z' }),
);
const model = built.value;
if (model.table.length === 0 || model.table.every((r) => r.actual === null)) {
  throw new Error('the report model has no actuals: the generated data did not reach the engine');
}
report({
  input: objects ? 'objects' : 'columns',
  facts,
  targets: data.targets.length,
  generationMs: gen.ms,
  ms: built.ms,
  cpuMs: built.cpuMs,
  rssAfterGenerationMb,
  heapAfterGenerationMb,
  tableRows: model.table.length,
  breakdownRows: model.breakdowns.reduce((n, b) => n + b.rows.length, 0),
  trendPoints: model.trend.series.reduce((n, s) => n + s.points.length, 0),
  // Checksum of every figure: the columns and the objects must give the same report.
  tableActualSum: model.table.reduce((n, r) => n + (r.actual ?? 0), 0),
});
