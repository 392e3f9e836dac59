/** The trend: every report KPI per week (or month) of the fiscal year through asOf. */
import { fiscalYearRange, periodsBetween } from '../../domain/calendar.ts';
import type { Trend } from '../report-model.ts';
import type { ModelContext } from './context.ts';

export function trendOf(ctx: ModelContext): Trend {
  const { report, asOf, startMonth, engine } = ctx;
  const fy = fiscalYearRange(asOf, startMonth);
  const periods = periodsBetween({ start: fy.start, end: asOf }, report.trend, startMonth);
  return {
    grain: report.trend,
    periods,
    series: ctx.reportKpis.map((kpi) => ({
      kpi: kpi.id,
      points: periods.map((p) => {
        const e = engine.evaluate({
          kpi: kpi.id,
          range: { start: p.start, end: p.end },
          periodKey: p.key,
          version: report.targetVersion,
        });
        return {
          period: p.key,
          actual: e.actual,
          target: e.target,
          variancePct: e.variancePct,
          status: e.status,
        };
      }),
    })),
  };
}
