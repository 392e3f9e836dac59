/**
 * Ratio bounds within one upload (docs/variance-decisions.md D18): when an actuals file holds
 * both components of a bounded ratio KPI for the same period and dimension values, their ratio
 * must lie within the KPI's bounds (`{ min: 0, max: 1 }` on on-time fulfilment rate: on-time
 * orders never exceed shipped orders). The file shows the impossible value itself, so it is a
 * row error, on the row whose value completes the pair. Pairs split over several uploads are
 * left to the report's data-quality finding.
 */
import type { KpiConfig } from '../../config/schema.ts';
import { boundBroken } from '../../domain/kpi.ts';

/** A component's value and the row it came from, by period and dimension values. */
interface Seen {
  readonly value: number;
  readonly row: number;
}

/** A bounded ratio, from one of its components' side. */
interface Partner {
  readonly ratio: KpiConfig;
  readonly other: string;
  /** True when the component is the ratio's numerator. */
  readonly isNumerator: boolean;
}

function formatRatio(ratio: KpiConfig, value: number): string {
  if (!Number.isFinite(value)) return 'undefined (a division by zero)';
  return ratio.unit === 'percent'
    ? `${Math.round(value * 10_000) / 100} %`
    : String(Math.round(value * 1e4) / 1e4);
}

function formatBound(ratio: KpiConfig, bound: number): string {
  return ratio.unit === 'percent' ? `${Math.round(bound * 10_000) / 100} %` : String(bound);
}

/**
 * Most values remembered per component: bounds the memory of a file of millions of rows (about
 * 60 MB at the cap); pairs beyond it are left to the report's finding, like pairs over uploads.
 */
const MAX_REMEMBERED = 500_000;

export class ComponentBounds {
  private readonly partners = new Map<string, Partner[]>();
  private readonly seen = new Map<string, Map<number | string, Seen>>();

  constructor(kpis: readonly KpiConfig[]) {
    for (const ratio of kpis) {
      if (ratio.aggregation !== 'ratio' || !ratio.bounds || !ratio.numerator || !ratio.denominator) continue;
      const add = (id: string, partner: Partner) => {
        this.partners.set(id, [...(this.partners.get(id) ?? []), partner]);
        this.seen.set(id, new Map());
      };
      add(ratio.numerator, { ratio, other: ratio.denominator, isNumerator: true });
      add(ratio.denominator, { ratio, other: ratio.numerator, isNumerator: false });
    }
  }

  /** True when `kpi` feeds a bounded ratio (the only actuals this check keeps). */
  watches(kpi: string): boolean {
    return this.partners.has(kpi);
  }

  /**
   * Records an accepted actual of `kpi` at `key` (its period and dimension values) and returns
   * what to fix when, with a partner already in the file, the ratio breaks its bounds; `where`
   * names the period and dimension values for the message (called only then).
   */
  check(kpi: string, key: number | string, value: number, row: number, where: () => string): string | null {
    const partners = this.partners.get(kpi);
    if (!partners) return null;
    const seen = this.seen.get(kpi)!;
    if (seen.size < MAX_REMEMBERED) seen.set(key, { value, row });
    for (const { ratio, other, isNumerator } of partners) {
      const partner = this.seen.get(other)!.get(key);
      if (!partner) continue;
      const [num, den] = isNumerator ? [value, partner.value] : [partner.value, value];
      if (num === 0 && den === 0) continue; // nothing happened: no ratio to judge
      const share = num / den;
      // x ÷ 0 (x ≠ 0) is no number at all: impossible whenever the ratio has a maximum.
      const broken = Number.isFinite(share)
        ? boundBroken(ratio.bounds, share)
        : ratio.bounds!.max !== undefined
          ? 'max'
          : null;
      if (broken === null) continue;
      const bound = broken === 'min' ? ratio.bounds!.min! : ratio.bounds!.max!;
      return (
        `${kpi} ${value} with ${other} ${partner.value} (row ${partner.row}) for ${where()} makes ` +
        `${ratio.id} = ${ratio.numerator} ÷ ${ratio.denominator} ${formatRatio(ratio, share)}, ` +
        `${broken === 'min' ? 'below its minimum' : 'above its maximum'} ${formatBound(ratio, bound)} ` +
        `(bounds in plan.config.ts): correct this value or row ${partner.row}` +
        (ratio.bounds!.max === 1 && broken === 'max'
          ? ` (${ratio.numerator} can never exceed ${ratio.denominator}).`
          : '.')
      );
    }
    return null;
  }
}
