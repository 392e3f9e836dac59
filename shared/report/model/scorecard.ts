/** The headline figure and the weighted scorecard (spec §8) of the report model. */
import { scorecard as scoreKpis } from '../../domain/scorecard.ts';
import type { RangeKind } from '../../domain/types.ts';
import type { Headline, Scorecard } from '../report-model.ts';
import type { ModelContext } from './context.ts';

/** The configured headline (KPI, range); default the first KPI over MTD (else the first range). */
function headlineSpec(ctx: ModelContext): { kpi: string; range: RangeKind } {
  const { report } = ctx;
  return (
    report.headline ?? {
      kpi: report.kpis[0]!,
      range: report.ranges.includes('MTD') ? ('MTD' as const) : report.ranges[0]!,
    }
  );
}

export function headlineOf(ctx: ModelContext): Headline {
  const spec = headlineSpec(ctx);
  const e = ctx.evaluateAt(spec.kpi, spec.range, ctx.report.targetVersion);
  return { kpi: spec.kpi, range: spec.range, variancePct: e.variancePct, status: e.status };
}

export function scorecardOf(ctx: ModelContext): Scorecard {
  const { report } = ctx;
  const scorecardKpis = (report.scorecard.kpis ?? report.kpis).map(ctx.kpiOf);
  const range = report.scorecard.range ?? report.ranges[0]!;
  const scored = scorecardKpis.map((kpi) => ({
    kpi,
    figures: ctx.evaluateAt(kpi.id, range, report.targetVersion),
  }));
  const card = scoreKpis(
    scored.map((s) => ({
      kpi: s.kpi.id,
      weight: s.kpi.weight,
      attainment: s.figures.attainment,
      owner: s.kpi.owner ?? null,
    })),
    report.scorecard.cap,
  );
  return {
    range,
    cap: card.cap,
    score: card.score,
    entries: card.entries.map((e, i) => ({
      kpi: e.kpi,
      weight: e.weight,
      score: e.score,
      // Why a KPI is listed without a score: its status, or no attainment when actual is 0.
      reason:
        e.score === null ? (scored[i]!.figures.attainment === null ? scored[i]!.figures.status : null) : null,
    })),
    byOwner: card.byOwner,
  };
}
