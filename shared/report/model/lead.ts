/** What the report opens with (issue 15 point 1): the lead KPI over its lead ranges. */
import type { Lead, Outlook } from '../report-model.ts';
import type { ModelContext } from './context.ts';
import { leadRanges, reportRangeOf } from './ranges.ts';
import { figures } from './table.ts';

export function leadOf(ctx: ModelContext, kpi: string, outlook: readonly Outlook[]): Lead {
  const { report, asOf, startMonth } = ctx;
  const kinds = leadRanges(report);
  return {
    kpi,
    ranges: kinds.map((kind) => reportRangeOf(kind, asOf, startMonth)),
    rows: kinds.map((kind) => ({
      kpi,
      range: kind,
      ...figures(ctx.evaluateAt(kpi, kind, report.targetVersion)),
    })),
    outlook: outlook.find((o) => o.kpi === kpi) ?? {
      kpi,
      ...ctx.engine.outlook(kpi, asOf, report.targetVersion),
    },
  };
}
