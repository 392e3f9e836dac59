/**
 * Impossible values (decision D18): actuals outside their KPI's declared bounds, and ratio
 * KPIs whose components, for the same period and dimension values, give a ratio outside the
 * ratio's bounds (e.g. more orders shipped on time than shipped). One finding per KPI and
 * dimension values, over the indexed (scoped, in-window) actuals.
 */
import { boundBroken } from '../kpi.ts';
import type { DimensionValues, KpiBounds, KpiDefinition, PeriodKey } from '../types.ts';
import type { ActualSeries } from './actual-index.ts';
import type { EngineContext } from './context.ts';
import { dimsKey } from './dims.ts';

export interface BoundsFinding {
  readonly kpi: string;
  readonly dims: DimensionValues;
  readonly bounds: KpiBounds;
  /** How many periods (days, or coarser uploaded periods) break the bounds. */
  readonly periods: number;
  readonly firstPeriod: PeriodKey;
  readonly lastPeriod: PeriodKey;
  /** The value furthest outside the bounds (for a ratio KPI: the ratio of its components). */
  readonly worstValue: number;
}

class Collector {
  private count = 0;
  private first: PeriodKey = '';
  private last: PeriodKey = '';
  private worst = 0;
  private worstExcess = -1;
  constructor(
    private readonly kpi: KpiDefinition,
    private readonly bounds: KpiBounds,
    private readonly dims: DimensionValues,
  ) {}
  add(period: PeriodKey, value: number): void {
    const broken = boundBroken(this.bounds, value);
    if (broken === null) return;
    this.count++;
    if (this.first === '' || period < this.first) this.first = period;
    if (period > this.last) this.last = period;
    const excess = broken === 'min' ? this.bounds.min! - value : value - this.bounds.max!;
    if (excess > this.worstExcess) {
      this.worstExcess = excess;
      this.worst = value;
    }
  }
  finding(): BoundsFinding | null {
    if (this.count === 0) return null;
    return {
      kpi: this.kpi.id,
      dims: this.dims,
      bounds: this.bounds,
      periods: this.count,
      firstPeriod: this.first,
      lastPeriod: this.last,
      worstValue: this.worst,
    };
  }
}

export function boundsFindings(ctx: EngineContext): BoundsFinding[] {
  const out: BoundsFinding[] = [];
  const { days } = ctx;
  for (const kpi of ctx.kpis.values()) {
    const bounds = kpi.bounds;
    if (!bounds || (bounds.min === undefined && bounds.max === undefined)) continue;
    if (kpi.aggregation === 'snapshot') {
      for (const { dims, periods } of ctx.actuals.snapshotSeries(kpi.id)) {
        const c = new Collector(kpi, bounds, dims);
        for (const [period, fact] of periods) c.add(period, fact.value);
        const f = c.finding();
        if (f) out.push(f);
      }
    } else if (kpi.aggregation === 'sum') {
      for (const s of ctx.actuals.series(kpi.id)) {
        const c = new Collector(kpi, bounds, s.dims);
        for (let o = 0; o < days.length; o++) if (s.cov[o]) c.add(days.day(o), s.values[o]!);
        for (const [period, coarse] of s.coarse) if (coarse.inWindow) c.add(period, coarse.value);
        const f = c.finding();
        if (f) out.push(f);
      }
    } else {
      // Ratio: the components of the same (period, dims), wherever both were uploaded.
      const denominators = new Map<string, ActualSeries>();
      for (const s of ctx.actuals.series(kpi.denominator)) denominators.set(dimsKey(s.dims), s);
      for (const n of ctx.actuals.series(kpi.numerator)) {
        const d = denominators.get(dimsKey(n.dims));
        if (!d) continue;
        const c = new Collector(kpi, bounds, n.dims);
        for (let o = 0; o < days.length; o++) {
          if (n.cov[o] && d.cov[o] && d.values[o] !== 0) c.add(days.day(o), n.values[o]! / d.values[o]!);
        }
        for (const [period, coarse] of n.coarse) {
          const other = d.coarse.get(period);
          if (coarse.inWindow && other && other.value !== 0) c.add(period, coarse.value / other.value);
        }
        const f = c.finding();
        if (f) out.push(f);
      }
    }
  }
  return out;
}
