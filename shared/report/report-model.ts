/**
 * The report model: a plain, JSON-serialisable object holding every figure a renderer shows.
 * The Excel workbook, the email and `plan-monitor report --json` consume only this; none of
 * them recomputes a number. Numbers are raw (fractions for percents, CNY for currency);
 * formatting is the renderer's job. `null` means "not defined" (e.g. variancePct when the
 * target is 0) and renders as a dash.
 */

import type { BoundsFinding, OutlookFigures, TargetMismatchFinding } from '../domain/engine.ts';
import type {
  Aggregation,
  DateRange,
  DimensionValues,
  Direction,
  KpiUnit,
  LocalDate,
  LocalizedText,
  MilestoneState,
  MilestoneStatus,
  PeriodKey,
  RangeKind,
  VarianceFigures,
  VarianceStatus,
} from '../domain/types.ts';

export type { VarianceFigures };

export const REPORT_MODEL_SCHEMA_VERSION = 1 as const;

export type Language = 'zh' | 'en';

export interface ReportRange extends DateRange {
  readonly kind: RangeKind;
  /** The period key the range belongs to, e.g. `2026-W47`, `2026-11`, `FY2026-Q4`, `FY2026`. */
  readonly periodKey: PeriodKey;
  readonly label: LocalizedText;
  readonly days: number;
}

export interface ReportKpi {
  readonly id: string;
  readonly name: LocalizedText;
  readonly unit: KpiUnit;
  readonly currency: string;
  readonly aggregation: Aggregation;
  readonly direction: Direction;
  readonly weight: number;
  readonly benchmark: number | null;
  /** Shortfalls (fractions of target) at which the KPI turns at risk and then off track. */
  readonly tolerance: { readonly atRisk: number; readonly offTrack: number };
  readonly owner: string | null;
  readonly numerator: string | null;
  readonly denominator: string | null;
}

export interface KpiRangeRow extends VarianceFigures {
  readonly kpi: string;
  readonly range: RangeKind;
}

/** The outlook of one KPI (spec §7): by aggregation kind. */
export type Outlook = { readonly kpi: string } & OutlookFigures;

export interface ScorecardEntry {
  readonly kpi: string;
  readonly weight: number;
  /** clamp(attainment, 0, cap); null when the KPI has no attainment (listed, not counted). */
  readonly score: number | null;
  readonly reason: string | null;
}

export interface Scorecard {
  readonly range: RangeKind;
  readonly cap: number;
  /** Σ weight·score ÷ Σ weight over the KPIs with a score; null when none has one. */
  readonly score: number | null;
  readonly entries: readonly ScorecardEntry[];
  readonly byOwner: readonly { readonly owner: string; readonly score: number | null }[];
}

export interface Headline {
  readonly kpi: string;
  readonly range: RangeKind;
  readonly variancePct: number | null;
  readonly status: VarianceStatus;
}

export interface BreakdownRow extends VarianceFigures {
  readonly kpi: string;
  /** The value id; for a two-dimension breakdown the two ids joined by `|` (`tmall|pets`). */
  readonly value: string;
  /** The value's name; for a two-dimension breakdown both names joined by ` · `. */
  readonly label: LocalizedText;
  /** The dimension values of the row's cell, e.g. `{ channel: 'tmall', category: 'pets' }`. */
  readonly dims: DimensionValues;
  /** Where the target came from (spec §6). */
  readonly targetSource: 'explicit' | 'sum_of_finer' | 'none';
}

export interface Breakdown {
  /** The first (or only) dimension. */
  readonly dimension: string;
  /** The dimension's name; for a two-dimension breakdown both names joined by ` × `. */
  readonly dimensionName: LocalizedText;
  /** Every dimension of the breakdown: one, or two for a two-dimension breakdown. */
  readonly dimensions: readonly string[];
  readonly range: RangeKind;
  /** KPI-major: every cell (value, or pair of values) of the first KPI, then the next KPI. */
  readonly rows: readonly BreakdownRow[];
}

export interface TrendPeriod extends DateRange {
  readonly key: PeriodKey;
}

export interface TrendPoint {
  readonly period: PeriodKey;
  readonly actual: number | null;
  readonly target: number | null;
  readonly variancePct: number | null;
  readonly status: VarianceStatus;
}

/**
 * Every report KPI per week (or month) from the fiscal year's start through asOf: a KPI ×
 * period table (`series[k].points[i]` is KPI k in `periods[i]`). A compact table or chart
 * shows the last `recentPeriods` of them (13 weeks, 12 months; fewer early in the year).
 */
export interface Trend {
  readonly grain: 'week' | 'month';
  readonly periods: readonly TrendPeriod[];
  /** How many of the latest periods a compact trend shows. */
  readonly recentPeriods?: number;
  readonly series: readonly { readonly kpi: string; readonly points: readonly TrendPoint[] }[];
}

export interface MilestoneRow {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly start: LocalDate | null;
  readonly due: LocalDate;
  readonly weight: number;
  readonly progress: number | null;
  /** Expected progress on asOf (spec §8 rule 5), when the milestone is inside its window. */
  readonly expectedProgress: number | null;
  readonly status: MilestoneStatus;
  readonly state: MilestoneState;
  readonly daysLate: number | null;
  readonly daysOverdue: number | null;
  readonly dueSoon: boolean;
  readonly completedOn: LocalDate | null;
  readonly kpi: string | null;
}

export interface MilestoneSummary {
  readonly items: readonly MilestoneRow[];
  /** How many milestones are due on or before asOf, cancelled left out (a count). */
  readonly dueCount: number;
  /** Σ weight of those milestones: the denominator of both rates. */
  readonly dueWeight: number;
  /** Weighted by milestone weight: Σ weight done (on time or late) ÷ dueWeight (spec §8). */
  readonly completion: number | null;
  /** Weighted by milestone weight: Σ weight done on time ÷ dueWeight (spec §8). */
  readonly onTime: number | null;
}

export interface KpiDataQuality {
  readonly kpi: string;
  readonly dataThrough: LocalDate | null;
  readonly stale: boolean;
  /** Runs of days inside the widest shown range with no data. */
  readonly gaps: readonly DateRange[];
  /** The gaps of every shown range, in the order of `ranges`. */
  readonly gapsByRange: readonly { readonly range: RangeKind; readonly gaps: readonly DateRange[] }[];
  /**
   * False when the KPI is uploaded, but never at this report's scope dimensions (e.g.
   * conversion rate in a category report while sessions come only by channel): "not reported
   * at this level", neither stale nor gappy.
   */
  readonly reportedAtLevel: boolean;
}

/** Targets that do not add up (spec §6; docs/variance-decisions.md D6, D11). */
export type TargetMismatch = TargetMismatchFinding;

/** Actuals outside their KPI's declared bounds (docs/variance-decisions.md D18). */
export type BoundsViolation = BoundsFinding;

export interface DataQuality {
  readonly kpis: readonly KpiDataQuality[];
  readonly targetMismatches: readonly TargetMismatch[];
  readonly boundsViolations: readonly BoundsViolation[];
  /** Free-text findings, already localised to the report language. */
  readonly notes: readonly string[];
}

/** One slice (a dimension value, or a two-dimension cell) and its part of a KPI's variance. */
export interface AttributionSlice {
  /** e.g. `{ category: 'pets' }` or `{ channel: 'tmall', category: 'pets' }`. */
  readonly dims: DimensionValues;
  /** The slice's name; for a cell both names joined by ` · `. */
  readonly label: LocalizedText;
  /** Owner id of the slice (its dimension value's owner, else the KPI's); names in `ReportModel.owners`. */
  readonly owner: string | null;
  readonly actual: number | null;
  readonly target: number | null;
  /** The slice's contribution to the KPI's variance, in the KPI's unit (CNY for money). */
  readonly contribution: number;
  /** contribution ÷ totalVariance; null when the total variance is 0. */
  readonly share: number | null;
  /** Ratio KPIs: the slice's rate effect (w_target·(r_actual − r_target)); rate + mix = contribution. */
  readonly rate?: number;
  /** Ratio KPIs: the slice's mix effect ((w_actual − w_target)·(r_actual − total target ratio)). */
  readonly mix?: number;
}

/**
 * Where a KPI's variance over one range comes from (docs/variance-decisions.md, attribution).
 * Σ slices' contributions + rest = totalVariance, exactly (up to float rounding).
 *
 * Built for the headline KPI and each KPI at risk or off track over the report's own period
 * (`lead.ranges[0]`), once per configured breakdown (so one KPI may have several: by channel,
 * by category, by channel × category). Renderers: "宠物 −¥5.8M and 健康食品 −¥3.3M explain
 * 95 % of the GMV shortfall" = the first slices whose `share`s add up, in `slices` order.
 */
export interface Attribution {
  readonly kpi: string;
  readonly range: RangeKind;
  /** The dimensions the slices are cut by (one, or two for a two-dimension breakdown). */
  readonly dimensions: readonly string[];
  /** actual − target of the KPI at the report's scope over the range, in the KPI's unit. */
  readonly totalVariance: number;
  /** `additive` for sum KPIs; `rate_mix` for ratio KPIs split into rate and mix effects. */
  readonly method: 'additive' | 'rate_mix';
  /** The largest contributors, the ones that push the variance its way first. */
  readonly slices: readonly AttributionSlice[];
  /** What the slices not listed contribute together, plus `unreconciled`. */
  readonly rest: number;
  /**
   * The part of `rest` no slice explains: the total's target (or, for a ratio, its target
   * ratio) differs from what its slices' targets add up to, or the slices' days with data
   * differ from the total's. 0 when targets and data are consistent.
   */
  readonly unreconciled?: number;
  /**
   * Ratio KPIs: the variance as rate effect + mix effect; rate + mix + unreconciled =
   * totalVariance (rate + mix alone when the slices' targets add up to the total's).
   */
  readonly effects: { readonly rate: number; readonly mix: number } | null;
}

/** A KPI's value in an earlier comparable period. */
export interface ComparedPeriod {
  readonly periodKey: PeriodKey;
  /** The days compared: the whole earlier period, or as many days from its start as the current range has. */
  readonly start?: LocalDate;
  readonly end?: LocalDate;
  readonly actual: number | null;
  /** current − this period's actual, in the KPI's unit. */
  readonly change: number | null;
  /** change ÷ |this period's actual|; null when that is 0 or missing. */
  readonly changePct: number | null;
  /** That period against its own plan (target version of the report), e.g. "last week −3.1 %". */
  readonly target?: number | null;
  readonly variancePct?: number | null;
  readonly status?: VarianceStatus;
}

/**
 * This period against the previous one and the same period last year (when the store has it).
 * One per report KPI (and the headline KPI) × lead range shorter than a year (a weekly
 * report: LAST_WEEK and MTD; the year has its outlook instead). `previous` or `lastYear` is
 * null when the store has no actual for that period.
 */
export interface PeriodComparison {
  readonly kpi: string;
  /** The range compared, e.g. `LAST_WEEK` (the report's own week) or `MTD`. */
  readonly range: RangeKind;
  /** The actual of `range` as the table shows it (days with data, like-for-like with the target). */
  readonly current: number | null;
  readonly previous: ComparedPeriod | null;
  readonly lastYear: ComparedPeriod | null;
}

/**
 * What the report opens with (issue 15 point 1). Renderers lead with, in this order, for each
 * of `ranges`: `rows[i]` (actual, target, variance in the KPI's unit, variancePct, status),
 * beside the matching `comparisons` entry (kpi, range): the week before, the same week last
 * year; the year to date with `outlook` (forecast, gap, required pace).
 */
export interface Lead {
  readonly kpi: string;
  /** The report's own period first (a weekly report: LAST_WEEK), then MTD, then YTD (config `lead`). */
  readonly ranges: readonly ReportRange[];
  /** The lead KPI over each of `ranges`, same order. */
  readonly rows: readonly KpiRangeRow[];
  readonly outlook: Outlook | null;
}

export interface ReportAbout {
  readonly asOf: LocalDate;
  readonly timeZone: string;
  readonly fiscalYear: PeriodKey;
  readonly fiscalYearStartMonth: number;
  readonly targetVersion: string;
  readonly compareVersion: string | null;
  readonly configVersion: string;
  /** ISO instant, passed in by the caller (the builder reads no clock). */
  readonly generatedAt: string;
  readonly sources: readonly string[];
}

export interface ReportScope {
  readonly dims: DimensionValues;
  /** e.g. `category = pets`. */
  readonly label: LocalizedText;
  /** Filesystem/S3-safe key, e.g. `category=pets`; `all` when unscoped. */
  readonly key: string;
}

export interface ReportModel {
  readonly schemaVersion: typeof REPORT_MODEL_SCHEMA_VERSION;
  readonly report: { readonly id: string; readonly name: LocalizedText; readonly language: Language };
  readonly asOf: LocalDate;
  /** The headline period of this run, e.g. `2026-W47` for a weekly report. */
  readonly periodKey: PeriodKey;
  readonly scope: ReportScope | null;
  readonly ranges: readonly ReportRange[];
  readonly kpis: readonly ReportKpi[];
  readonly headline: Headline | null;
  readonly scorecard: Scorecard;
  readonly table: readonly KpiRangeRow[];
  /** Figures against `compareVersion` (e.g. a re-forecast), same shape as `table`. */
  readonly compareTable: readonly KpiRangeRow[];
  readonly outlook: readonly Outlook[];
  readonly breakdowns: readonly Breakdown[];
  readonly trend: Trend;
  readonly milestones: MilestoneSummary;
  readonly dataQuality: DataQuality;
  /** The period the report is for, then MTD and the year: read this first (see {@link Lead}). */
  readonly lead?: Lead;
  /** Where each headline and off-track KPI's variance comes from. */
  readonly attribution: readonly Attribution[];
  /** Each KPI against the previous period and the same period last year. */
  readonly comparisons: readonly PeriodComparison[];
  /** Display names of owners and teams from the configuration, by id. */
  readonly owners: Readonly<Record<string, LocalizedText>>;
  readonly about: ReportAbout;
}
