/**
 * Variance engine: generates `kpis × combos × 366` daily actuals plus monthly targets, then
 * builds one weekly report model with buildReportModel. Generation and the engine are timed
 * apart; the peak RSS is sampled after generation and at the end so both are reported.
 */
import { buildReportModel } from '../../shared/report/build-report-model.ts';
import { params, peakRssMb, report, timed } from '../lib/child.ts';
import { AS_OF, benchConfig, generateActuals, generateTargets, KPI_COUNT } from '../lib/plan.ts';

interface Params {
  readonly kpis?: number;
  readonly combos: number;
}

const { kpis = KPI_COUNT, combos } = params<Params>();
const config = benchConfig();
const gen = await timed(() => ({
  targets: generateTargets(kpis, combos),
  actuals: generateActuals(kpis, combos),
}));
const rssAfterGenerationMb = peakRssMb();
const heapAfterGenerationMb = process.memoryUsage().heapUsed / 1024 / 1024;
const data = { ...gen.value, milestones: [] };
const built = await timed(() =>
  buildReportModel(config, data, 'weekly', AS_OF, { generatedAt: '2029-01-01T01:00:00.000Z' }),
);
const model = built.value;
if (model.table.length === 0 || model.table.every((r) => r.actual === null)) {
  throw new Error('the report model has no actuals: the generated data did not reach the engine');
}
report({
  facts: data.actuals.length,
  targets: data.targets.length,
  generationMs: gen.ms,
  ms: built.ms,
  cpuMs: built.cpuMs,
  rssAfterGenerationMb,
  heapAfterGenerationMb,
  tableRows: model.table.length,
  breakdownRows: model.breakdowns.reduce((n, b) => n + b.rows.length, 0),
  trendPoints: model.trend.series.reduce((n, s) => n + s.points.length, 0),
});
