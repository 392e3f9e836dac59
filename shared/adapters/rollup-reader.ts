/**
 * Turns the roll-up items a report reads into its daily actuals — straight into typed-array
 * columns (run-report) or as fact objects — within the report's days. Per item it decodes the
 * month once into a scratch array (fact-versions.ts `visibleMonth`, either layout) and adds it
 * with one `addDays`: no object or date string per day. Items of one dimension combination share
 * one dims object (by their sort key, the dimsKey), which the columns then keep.
 */
import type { ActualColumnsBuilder } from '../domain/engine/actual-columns.ts';
import type { ActualFact, DimensionValues } from '../domain/types.ts';
import type { Item } from './dynamo-batch.ts';
import { type Commits, visibleMonth } from './fact-versions.ts';
import { dayAt, MONTH_DAYS } from './rollup-days.ts';

export interface RollupReader {
  /** Adds the days of `item`, a roll-up of `month` (`yyyy-mm`), as `commits` make them visible. */
  add(item: Item, month: string, commits: Commits): void;
}

export function rollupReader(
  range: { readonly start: string; readonly end: string },
  out: { readonly actuals: ActualFact[]; readonly columns: ActualColumnsBuilder | undefined },
): RollupReader {
  const values = new Float64Array(MONTH_DAYS);
  const clips = new Map<string, number>();
  /** Days of `month` inside the range, as a mask. */
  const clipOf = (month: string): number => {
    let clip = clips.get(month);
    if (clip === undefined) {
      clip = 0;
      for (let i = 0; i < MONTH_DAYS; i++) {
        const day = dayAt(month, i);
        if (day >= range.start && day <= range.end) clip |= 1 << i;
      }
      clips.set(month, clip);
    }
    return clip;
  };
  const dimsBySk = new Map<string, DimensionValues>();
  const dimsOf = (item: Item): DimensionValues => {
    const stored = (item.dims ?? {}) as DimensionValues;
    if (typeof item.sk !== 'string') return stored;
    const shared = dimsBySk.get(item.sk);
    if (shared) return shared;
    dimsBySk.set(item.sk, stored);
    return stored;
  };

  return {
    add(item, month, commits) {
      const mask = visibleMonth(item, commits, values) & clipOf(month);
      if (mask === 0) return;
      const kpi = String(item.kpi);
      const dims = dimsOf(item);
      if (out.columns) {
        out.columns.addDays(kpi, `${month}-01`, dims, mask, values);
        return;
      }
      for (let i = 0; i < MONTH_DAYS; i++) {
        if (mask & (1 << i))
          out.actuals.push({ kpi, period: dayAt(month, i), dims: { ...dims }, value: values[i]! });
      }
    },
  };
}
