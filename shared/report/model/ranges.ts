/**
 * The report's ranges and scope: labels, dates, the ranges it leads with, and the days the
 * engine must index for them.
 */
import { scopeKey, scopeLabel } from '../../config/lookup.ts';
import type { PlanConfig, ReportConfig } from '../../config/schema.ts';
import { compareDates, daysInclusive, fiscalYearRange, reportRange } from '../../domain/calendar.ts';
import type { DateRange, DimensionValues, LocalDate, LocalizedText, RangeKind } from '../../domain/types.ts';
import type { ReportRange, ReportScope } from '../report-model.ts';
import { ReportModelError } from './context.ts';

/** zh/en labels of the report ranges. */
export const RANGE_LABELS: Readonly<Record<RangeKind, LocalizedText>> = {
  WTD: { en: 'Week to date', zh: '本周累计' },
  MTD: { en: 'Month to date', zh: '本月累计' },
  QTD: { en: 'Quarter to date', zh: '本季累计' },
  YTD: { en: 'Year to date', zh: '本年累计' },
  LAST_WEEK: { en: 'Last complete week', zh: '上一完整周' },
  LAST_MONTH: { en: 'Last complete month', zh: '上一完整月' },
  LAST_QUARTER: { en: 'Last complete quarter', zh: '上一完整季度' },
};

/** A range kind at asOf, dated and labelled. */
export function reportRangeOf(kind: RangeKind, asOf: LocalDate, startMonth: number): ReportRange {
  const r = reportRange(kind, asOf, startMonth);
  return {
    kind,
    start: r.start,
    end: r.end,
    periodKey: r.periodKey,
    label: RANGE_LABELS[kind],
    days: daysInclusive(r.start, r.end),
  };
}

/** The report's scope; throws {@link ReportModelError} for a value the configuration does not declare. */
export function scopeOf(config: PlanConfig, dims: DimensionValues): ReportScope {
  const keys = Object.keys(dims).sort();
  for (const k of keys) {
    const dimension = config.dimensions.find((d) => d.id === k);
    if (!dimension?.values.some((v) => v.id === dims[k])) {
      throw new ReportModelError(
        `scope ${k} = ${dims[k]} is not a declared dimension value: declare it under dimensions in plan.config.ts or fix the recipient's scope`,
      );
    }
  }
  return {
    dims: Object.fromEntries(keys.map((k) => [k, dims[k]!])),
    label: scopeLabel(config, dims),
    key: scopeKey(dims),
  };
}

/**
 * The ranges a report leads with, in reading order (issue 15 point 1): its `lead` setting,
 * else the period its asOf rule reports on (the last complete week, month or quarter), then
 * the coarser to-date ranges up to the year (a weekly report: last week, MTD, YTD).
 */
export function leadRanges(report: ReportConfig): readonly RangeKind[] {
  if (report.lead) return report.lead;
  switch (report.asOfRule) {
    case 'last_complete_week':
      return ['LAST_WEEK', 'MTD', 'YTD'];
    case 'last_complete_month':
      return ['LAST_MONTH', 'YTD'];
    case 'last_complete_quarter':
      return ['LAST_QUARTER', 'YTD'];
    case 'previous_day':
      return ['WTD', 'MTD', 'YTD'];
  }
}

/**
 * The days the engine indexes: the fiscal year holding asOf, widened to every range the
 * report evaluates (a week to date that starts in the previous fiscal year, say).
 */
export function engineWindow(report: ReportConfig, asOf: LocalDate, startMonth: number): DateRange {
  const fy = fiscalYearRange(asOf, startMonth);
  let start = fy.start;
  let end = fy.end;
  const kinds = [
    ...report.ranges,
    ...leadRanges(report),
    ...[report.scorecard.range, report.breakdownRange, report.headline?.range].filter(
      (k): k is RangeKind => k !== undefined,
    ),
  ];
  for (const kind of kinds) {
    const r = reportRange(kind, asOf, startMonth);
    if (compareDates(r.start, start) < 0) start = r.start;
    if (compareDates(r.end, end) > 0) end = r.end;
  }
  if (compareDates(asOf, end) > 0) end = asOf;
  return { start, end };
}
