/**
 * The engine's query and answer types, and the step every evaluator ends with: the §5
 * figures of an actual and a target over a mask of compared days.
 */
import type {
  DateRange,
  DimensionValues,
  KpiDefinition,
  LocalDate,
  PeriodKey,
  VarianceFigures,
} from '../types.ts';
import { varianceOf } from '../variance.ts';
import { lastSet } from './coverage.ts';
import type { DayWindow } from './days.ts';
import type { TargetSource } from './target-resolution.ts';

export interface EvaluateQuery {
  readonly kpi: string;
  readonly range: DateRange;
  /** Needed for `snapshot` KPIs: the period whose value is compared (e.g. `2026-10`). */
  readonly periodKey?: PeriodKey | undefined;
  /** Dimension values fixed for the series; {} (default) is the total (within the scope). */
  readonly group?: DimensionValues | undefined;
  /** Target version; default `budget`. */
  readonly version?: string | undefined;
}

export interface Evaluation extends VarianceFigures {
  readonly targetSource: TargetSource;
  readonly targetedDays: number;
  readonly comparedFrom: LocalDate | null;
  readonly comparedTo: LocalDate | null;
}

export interface Comparison {
  readonly actual: number | null;
  readonly target: number | null;
  /** Target over the whole range (shown only when it differs from `target`). */
  readonly fullRangeTarget: number | null;
  /** Compared days, indexed from `first`. */
  readonly mask: Uint8Array;
  readonly first: number;
  readonly rangeDays: number;
  readonly targetSource: TargetSource;
  readonly targetedDays: number;
  /** Coverage by actuals alone (for dataThrough), when it differs from the compared mask. */
  readonly actualMask?: Uint8Array | undefined;
  /** Snapshot KPIs: the period the actual was reported for. */
  readonly valuePeriod?: PeriodKey | null | undefined;
}

/** The {@link Evaluation} of a comparison. */
export function finish(kpi: KpiDefinition, days: DayWindow, c: Comparison): Evaluation {
  const { mask, first } = c;
  let coveredDays = 0;
  let firstCompared = -1;
  let lastCompared = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      coveredDays++;
      if (firstCompared < 0) firstCompared = i;
      lastCompared = i;
    }
  }
  const lastCovered = c.actualMask && c.actualMask !== mask ? lastSet(c.actualMask) : lastCompared;
  const day = (i: number) => (i >= 0 ? days.day(first + i) : null);
  const core = varianceOf(c.actual, c.target, kpi.direction, kpi.tolerance);
  return {
    actual: c.actual,
    target: c.target,
    ...core,
    coveredDays,
    targetedDays: c.targetedDays,
    comparedFrom: day(firstCompared),
    comparedTo: day(lastCompared),
    rangeDays: c.rangeDays,
    dataThrough: day(lastCovered),
    fullRangeTarget: c.fullRangeTarget !== null && c.fullRangeTarget !== c.target ? c.fullRangeTarget : null,
    targetSource: c.targetSource,
    ...(c.valuePeriod !== undefined ? { valuePeriod: c.valuePeriod } : {}),
  };
}
