/**
 * Where the gap comes from (issue 15 point 2; docs/variance-decisions.md, "Attribution"): for
 * the headline KPI and every KPI at risk or off track over the report's own period, the
 * variance split by each configured breakdown into slices ranked by contribution.
 */
import {
  additiveAttribution,
  fsum,
  rankContributions,
  rateMixAttribution,
} from '../../domain/attribution.ts';
import type { KpiDeclaration, RangeKind } from '../../domain/types.ts';
import type { Attribution, AttributionSlice } from '../report-model.ts';
import { breakdownCells, type Cell } from './breakdowns.ts';
import type { ModelContext } from './context.ts';

const DEFAULT_SLICES = 8;

/** The slice's owner: the first of its values with an owner, else the KPI's. */
function ownerOf(cell: Cell, kpi: KpiDeclaration): string | null {
  return cell.values.find((v) => v.owner !== undefined)?.owner ?? kpi.owner ?? null;
}

function attributeOne(
  ctx: ModelContext,
  kpi: KpiDeclaration,
  range: RangeKind,
  breakdown: string | readonly string[],
  limit: number,
): Attribution | null {
  const version = ctx.report.targetVersion;
  const { dimensions, cells } = breakdownCells(ctx, breakdown);
  const total = ctx.evaluateAt(kpi.id, range, version);
  const perCell = cells.map((cell) => ctx.evaluateAt(kpi.id, range, version, cell.dims));
  let split: {
    totalVariance: number;
    contributions: readonly number[];
    unreconciled: number;
    effects: Attribution['effects'];
    bySlice?: { rate: readonly number[]; mix: readonly number[] };
  } | null = null;
  if (kpi.aggregation === 'sum') {
    // Without a target on any slice, every slice would "contribute" its whole actual: no split.
    if (!perCell.some((e) => e.target !== null)) return null;
    const a = additiveAttribution(total, perCell);
    split = a && { ...a, effects: null };
  } else if (kpi.aggregation === 'ratio' && kpi.denominator) {
    const denominator = kpi.denominator;
    const weights = cells.map((cell) => ctx.evaluateAt(denominator, range, version, cell.dims));
    const a = rateMixAttribution(
      total,
      perCell.map((e, i) => ({
        rateActual: e.actual,
        rateTarget: e.target,
        weightActual: weights[i]!.actual,
        weightTarget: weights[i]!.target,
      })),
    );
    split = a && {
      ...a,
      effects: { rate: a.rate, mix: a.mix },
      bySlice: { rate: a.rateBySlice, mix: a.mixBySlice },
    };
  }
  if (!split) return null;
  const { totalVariance, contributions, unreconciled } = split;
  const ranked = rankContributions(contributions, totalVariance, limit);
  const slices: AttributionSlice[] = ranked.listed.map((i) => {
    const cell = cells[i]!;
    return {
      dims: cell.dims,
      label: cell.label,
      owner: ownerOf(cell, kpi),
      actual: perCell[i]!.actual,
      target: perCell[i]!.target,
      contribution: contributions[i]!,
      share: totalVariance !== 0 ? contributions[i]! / totalVariance : null,
      ...(split.bySlice ? { rate: split.bySlice.rate[i]!, mix: split.bySlice.mix[i]! } : {}),
    };
  });
  return {
    kpi: kpi.id,
    range,
    dimensions: dimensions.map((d) => d.id),
    totalVariance,
    method: kpi.aggregation === 'sum' ? 'additive' : 'rate_mix',
    slices,
    rest: fsum([ranked.notListed, unreconciled]),
    unreconciled,
    effects: split.effects,
  };
}

/**
 * One attribution per (KPI, configured breakdown) over `range`, for the headline KPI and each
 * report KPI at risk or off track there. Snapshot KPIs (a balance, a score) do not add up over
 * slices and are left out, as are breakdowns where the split has nothing to weigh by (no slice
 * target; a ratio's denominator not uploaded by that dimension).
 */
export function attributionsOf(
  ctx: ModelContext,
  headlineKpi: string,
  range: RangeKind,
  limit = DEFAULT_SLICES,
): Attribution[] {
  const version = ctx.report.targetVersion;
  const chosen = [ctx.kpiOf(headlineKpi)];
  for (const kpi of ctx.reportKpis) {
    if (kpi.id === headlineKpi) continue;
    const status = ctx.evaluateAt(kpi.id, range, version).status;
    if (status === 'at_risk' || status === 'off_track') chosen.push(kpi);
  }
  return chosen
    .filter((kpi) => kpi.aggregation !== 'snapshot')
    .flatMap((kpi) =>
      ctx.report.breakdowns
        .map((b) => attributeOne(ctx, kpi, range, b, limit))
        .filter((a): a is Attribution => a !== null),
    );
}
