/**
 * The trend: every report KPI per week (or month) of the fiscal year through asOf, one point
 * per KPI and period (a KPI × period table). A January report's trend starts on the fiscal
 * year's first day (decided before issue 15; test/unit/report/build-report-model.test.ts).
 */
import { fiscalYearRange, periodsBetween } from '../../domain/calendar.ts';
import type { Trend } from '../report-model.ts';
import type { ModelContext } from './context.ts';

/** How many of the latest periods a compact trend shows: a quarter of weeks, a year of months. */
export const RECENT_TREND_PERIODS = { week: 13, month: 12 } as const;

export function trendOf(ctx: ModelContext): Trend {
  const { report, asOf, startMonth } = ctx;
  const fy = fiscalYearRange(asOf, startMonth);
  const periods = periodsBetween({ start: fy.start, end: asOf }, report.trend, startMonth);
  return {
    grain: report.trend,
    periods,
    recentPeriods: Math.min(periods.length, RECENT_TREND_PERIODS[report.trend]),
    series: ctx.reportKpis.map((kpi) => ({
      kpi: kpi.id,
      points: periods.map((p) => {
        const e = ctx.evaluate({
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
