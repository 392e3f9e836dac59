/**
 * Plain data types of the domain. Everything here is JSON-serialisable and free of I/O:
 * the configuration schema (shared/config) produces these shapes, uploads are parsed into
 * them, and the engine computes over them.
 */

/** A local calendar date in the business time zone, `YYYY-MM-DD`. */
export type LocalDate = string;

/**
 * A period key (spec §1): fiscal year `FY2026`, fiscal quarter `FY2026-Q3`, calendar month
 * `2026-11`, ISO week `2026-W47`, or day `2026-11-22`.
 */
export type PeriodKey = string;

export type PeriodGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface LocalizedText {
  readonly en: string;
  readonly zh: string;
}

export type Aggregation = 'sum' | 'ratio' | 'snapshot';
export type Direction = 'higher_is_better' | 'lower_is_better' | 'closer_is_better';
export type KpiUnit = 'currency' | 'count' | 'percent' | 'number' | 'minutes' | 'days';

export interface Tolerance {
  /** favourablePct below −atRisk is at least `at_risk`. Fraction of target. */
  readonly atRisk: number;
  /** favourablePct below −offTrack is `off_track`. Fraction of target. */
  readonly offTrack: number;
}

/**
 * Values a KPI can take (spec §2 is silent; docs/variance-decisions.md E). A value outside is
 * impossible (e.g. a rate above 100 %): a data-quality finding in reports and a row error at
 * upload. For a `ratio` KPI the bounds apply to the ratio of its components for the same
 * period and dimension values ({ min: 0, max: 1 } = the numerator never exceeds the denominator).
 */
export interface KpiBounds {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

/** Fields every KPI has, whatever its aggregation. */
interface KpiCommon {
  readonly id: string;
  readonly name: LocalizedText;
  readonly unit: KpiUnit;
  /** ISO 4217 code for `currency` KPIs. */
  readonly currency: string;
  readonly direction: Direction;
  readonly tolerance: Tolerance;
  readonly weight: number;
  readonly benchmark?: number | undefined;
  /** Id of a phasing profile; `calendar_days` is built in. */
  readonly phasing: string;
  readonly owner?: string | undefined;
  /** Extra names an uploader may write in the KPI column (e.g. `GMV`, `成交额`). */
  readonly aliases: readonly string[];
  readonly bounds?: KpiBounds | undefined;
}

/** Additive over days and dimensions. */
export interface SumKpi extends KpiCommon {
  readonly aggregation: 'sum';
  readonly numerator?: undefined;
  readonly denominator?: undefined;
}

/** numerator ÷ denominator, both `sum` KPIs, recomputed from the summed components. */
export interface RatioKpi extends KpiCommon {
  readonly aggregation: 'ratio';
  /** The id of the `sum` KPI on top. */
  readonly numerator: string;
  /** The id of the `sum` KPI below. */
  readonly denominator: string;
}

/** Non-additive: a value holds only for the exact period and dimension values reported. */
export interface SnapshotKpi extends KpiCommon {
  readonly aggregation: 'snapshot';
  readonly numerator?: undefined;
  readonly denominator?: undefined;
}

/** A KPI, discriminated by its aggregation (spec §2). */
export type KpiDefinition = SumKpi | RatioKpi | SnapshotKpi;

/**
 * A KPI as the configuration declares it: the aggregation is not yet tied to its fields (the
 * configuration schema checks that a ratio names both components). {@link kpiDefinition}
 * narrows it.
 */
export type KpiDeclaration = KpiCommon & {
  readonly aggregation: Aggregation;
  readonly numerator?: string | undefined;
  readonly denominator?: string | undefined;
};

/**
 * Spreads a coarse target over its days (spec §3). The weight of day d is
 * `months[month(d)] × days[MM-DD of d] / Σ days[...] over d's month`: a month weight is the
 * month's share (spread over its days), a day weight makes a day heavier than the other
 * days of its own month (e.g. 11-11 = 5). Missing entries weigh 1.
 */
export interface PhasingProfile {
  readonly id: string;
  readonly name?: LocalizedText | undefined;
  /** Keyed by calendar month number 1–12. */
  readonly months?: Readonly<Partial<Record<number, number>>> | undefined;
  /** Keyed by `MM-DD`. */
  readonly days?: Readonly<Record<string, number>> | undefined;
}

export interface DimensionValue {
  readonly id: string;
  readonly name: LocalizedText;
  readonly aliases: readonly string[];
}

export interface DimensionDefinition {
  readonly id: string;
  readonly name: LocalizedText;
  /** Column headers an uploader may use for this dimension (e.g. `渠道`, `Channel`). */
  readonly aliases: readonly string[];
  readonly values: readonly DimensionValue[];
}

/**
 * Dimension values a fact or a group is fixed to, keyed by dimension id. A dimension that
 * is absent is not fixed (a total over it).
 */
export type DimensionValues = Readonly<Record<string, string>>;

export interface TargetFact {
  /** `budget` unless a re-forecast. */
  readonly version: string;
  readonly kpi: string;
  readonly period: PeriodKey;
  readonly dims: DimensionValues;
  readonly value: number;
}

export interface ActualFact {
  readonly kpi: string;
  /** Usually a day; coarser periods count only in ranges that hold the whole period. */
  readonly period: PeriodKey;
  readonly dims: DimensionValues;
  readonly value: number;
}

export type MilestoneStatus = 'not_started' | 'in_progress' | 'done' | 'blocked' | 'cancelled';

export interface Milestone {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly start?: LocalDate | undefined;
  readonly due: LocalDate;
  readonly weight: number;
  /** 0–1. */
  readonly progress?: number | undefined;
  readonly status: MilestoneStatus;
  readonly completedOn?: LocalDate | undefined;
  readonly kpi?: string | undefined;
  /**
   * Dimension values the milestone belongs to (e.g. `{ category: 'pets' }`). A scoped report
   * shows only milestones whose dims match its scope; milestones without dims show only in
   * unscoped reports.
   */
  readonly dims?: DimensionValues | undefined;
}

/**
 * The daily actuals of one (KPI, dimension values) as columns (issue 16): day `start + i` holds
 * `values[i]` when `covered[i]` is 1 (a zero actual is covered); uncovered days hold 0. Nine
 * bytes a day instead of one ~140-byte object per fact.
 */
export interface DailyActualSeries {
  readonly kpi: string;
  readonly dims: DimensionValues;
  /** The day of index 0. */
  readonly start: LocalDate;
  readonly values: Float64Array;
  readonly covered: Uint8Array;
}

/** Actuals as typed-array series; built by `actualColumnsBuilder` (shared/domain/engine.ts). */
export interface ActualColumns {
  readonly daily: readonly DailyActualSeries[];
}

/** Everything the engine reads for one report run. */
export interface PlanData {
  readonly targets: readonly TargetFact[];
  /** Actuals as objects; with {@link actualColumns}, usually just the coarse periods. */
  readonly actuals: readonly ActualFact[];
  /**
   * Daily actuals as columns, read before {@link actuals} (so an object fact for the same key
   * wins). Loaders fill this instead of one object per daily fact when asked to.
   */
  readonly actualColumns?: ActualColumns | undefined;
  readonly milestones: readonly Milestone[];
}

export type RangeKind = 'WTD' | 'MTD' | 'QTD' | 'YTD' | 'LAST_WEEK' | 'LAST_MONTH' | 'LAST_QUARTER';

/** An inclusive range of local dates. */
export interface DateRange {
  readonly start: LocalDate;
  readonly end: LocalDate;
}

export type VarianceStatus = 'no_data' | 'no_target' | 'on_track' | 'at_risk' | 'off_track';

export type MilestoneState =
  | 'cancelled'
  | 'done'
  | 'done_late'
  | 'overdue'
  | 'blocked'
  | 'behind'
  | 'on_track'
  | 'not_started';

/** Figures of one series (a KPI, optionally within a group) over one range (spec §5). */
export interface VarianceFigures {
  readonly actual: number | null;
  /** Target over the covered days only (like-for-like, spec §4). */
  readonly target: number | null;
  /** actual − target, in the KPI's unit (a fraction for percent KPIs: 0.002 = 0.2 pp). */
  readonly variance: number | null;
  readonly variancePct: number | null;
  readonly favourablePct: number | null;
  readonly attainment: number | null;
  readonly status: VarianceStatus;
  /**
   * Days compared like-for-like: days of the range covered by at least one counted actual
   * and, when the series has a target on some day of the range, also covered by a target
   * (docs/variance-decisions.md). Actual and target are both taken over these days.
   */
  readonly coveredDays: number;
  /**
   * Days of the range that have a target (a zero target counts). Optional only so older
   * hand-built fixtures still type-check; the engine always sets it.
   */
  readonly targetedDays?: number | undefined;
  /** First compared day (see coveredDays), if any. Always set by the engine. */
  readonly comparedFrom?: LocalDate | null | undefined;
  /** Last compared day (see coveredDays), if any. Always set by the engine. */
  readonly comparedTo?: LocalDate | null | undefined;
  /** Days in the range. */
  readonly rangeDays: number;
  /** Last covered day ≤ asOf within the range, if any. */
  readonly dataThrough: LocalDate | null;
  /** Target over the whole range, when it differs from the like-for-like target. */
  readonly fullRangeTarget: number | null;
  /**
   * Snapshot KPIs only: the period the actual was reported for (a snapshot holds for exactly
   * one period, which may be shorter than the range, e.g. `2026-10` in a quarter to date).
   */
  readonly valuePeriod?: PeriodKey | null | undefined;
}
