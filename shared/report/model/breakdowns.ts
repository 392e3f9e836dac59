/** The breakdown sheets: every KPI by each configured dimension (or pair of dimensions). */
import type { DimensionConfig } from '../../config/schema.ts';
import type { DimensionValues, LocalizedText } from '../../domain/types.ts';
import type { Breakdown, BreakdownRow } from '../report-model.ts';
import { type ModelContext, ReportModelError } from './context.ts';
import { figures } from './table.ts';

/** One slice of a breakdown: a value of each of its dimensions. */
export interface Cell {
  readonly dims: DimensionValues;
  /** The value ids, in the breakdown's dimension order. */
  readonly ids: readonly string[];
  /** Names joined by ` · `. */
  readonly label: LocalizedText;
  /** The values themselves, in the breakdown's dimension order (for owners). */
  readonly values: readonly DimensionConfig['values'][number][];
}

export interface BreakdownCells {
  readonly dimensions: readonly DimensionConfig[];
  readonly cells: readonly Cell[];
}

/**
 * The cells of a configured breakdown (a dimension id, or two): every value, or every pair of
 * values (the cross product). A scope fixing a dimension leaves only its own value.
 */
export function breakdownCells(ctx: ModelContext, breakdown: string | readonly string[]): BreakdownCells {
  const dimIds = typeof breakdown === 'string' ? [breakdown] : breakdown;
  const scope = ctx.scope.dims;
  const parts = dimIds.map((dimId) => {
    const dimension = ctx.config.dimensions.find((d) => d.id === dimId);
    if (!dimension) {
      throw new ReportModelError(
        `report "${ctx.report.id}" breaks down by unknown dimension "${dimId}": declare it under dimensions in plan.config.ts`,
      );
    }
    // A scope fixing this dimension leaves only its own value: other values are other scopes.
    const values = dimension.values.filter((v) => scope[dimId] === undefined || scope[dimId] === v.id);
    return { dimension, values };
  });
  let cells: Cell[] = [{ dims: {}, ids: [], label: { en: '', zh: '' }, values: [] }];
  for (const { dimension, values } of parts) {
    cells = cells.flatMap((c) =>
      values.map((v) => ({
        dims: { ...c.dims, [dimension.id]: v.id },
        ids: [...c.ids, v.id],
        label:
          c.ids.length === 0
            ? { en: v.name.en, zh: v.name.zh }
            : { en: `${c.label.en} · ${v.name.en}`, zh: `${c.label.zh} · ${v.name.zh}` },
        values: [...c.values, v],
      })),
    );
  }
  return { dimensions: parts.map((p) => p.dimension), cells };
}

export function breakdownsOf(ctx: ModelContext): Breakdown[] {
  const { report } = ctx;
  const range = report.breakdownRange ?? report.ranges[0]!;
  return report.breakdowns.map((breakdown) => {
    const { dimensions, cells } = breakdownCells(ctx, breakdown);
    const rows: BreakdownRow[] = ctx.reportKpis.flatMap((kpi) =>
      cells.map((cell) => {
        const e = ctx.evaluateAt(kpi.id, range, report.targetVersion, cell.dims);
        return {
          kpi: kpi.id,
          value: cell.ids.join('|'),
          label: cell.label,
          dims: cell.dims,
          targetSource: e.targetSource,
          ...figures(e),
        };
      }),
    );
    return {
      dimension: dimensions[0]!.id,
      dimensionName: {
        en: dimensions.map((d) => d.name.en).join(' × '),
        zh: dimensions.map((d) => d.name.zh).join(' × '),
      },
      dimensions: dimensions.map((d) => d.id),
      range,
      rows,
    };
  });
}
