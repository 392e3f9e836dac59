/**
 * Narrowing a configured KPI to its aggregation kind, and the bounds check of one value.
 */
import type { KpiBounds, KpiDeclaration, KpiDefinition } from './types.ts';

/** Raised for a KPI declaration the engine cannot use; says what to fix. */
export class KpiDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KpiDefinitionError';
  }
}

/**
 * The {@link KpiDefinition} of a declaration: a ratio must name both components (the
 * configuration schema says so first; this guards hand-built inputs).
 */
export function kpiDefinition(kpi: KpiDeclaration): KpiDefinition {
  if (kpi.aggregation === 'ratio') {
    if (!kpi.numerator || !kpi.denominator) {
      throw new KpiDefinitionError(
        `ratio KPI "${kpi.id}" needs a numerator and a denominator: set both to ids of sum KPIs`,
      );
    }
    return { ...kpi, aggregation: 'ratio', numerator: kpi.numerator, denominator: kpi.denominator };
  }
  const { numerator: _n, denominator: _d, ...rest } = kpi;
  return { ...rest, aggregation: kpi.aggregation };
}

/** Which bound a value breaks, if any (inclusive bounds). */
export function boundBroken(bounds: KpiBounds | undefined, value: number): 'min' | 'max' | null {
  if (!bounds) return null;
  if (bounds.min !== undefined && value < bounds.min) return 'min';
  if (bounds.max !== undefined && value > bounds.max) return 'max';
  return null;
}

/**
 * The problem with one uploaded actual, if the KPI's bounds rule it out: a message naming the
 * value and the bound, for an upload row error. Ratio bounds need both components and are
 * checked on the report (the components may arrive in different uploads).
 */
export function outOfBoundsMessage(kpi: KpiDeclaration, value: number): string | null {
  if (kpi.aggregation === 'ratio') return null;
  const broken = boundBroken(kpi.bounds, value);
  if (broken === null) return null;
  const bound = broken === 'min' ? kpi.bounds!.min! : kpi.bounds!.max!;
  return `${kpi.id} ${value} is ${broken === 'min' ? 'below its minimum' : 'above its maximum'} ${bound} (bounds in plan.config.ts): check the value${kpi.unit === 'percent' ? ' (percent KPIs are fractions: 95 % = 0.95)' : ''}`;
}
