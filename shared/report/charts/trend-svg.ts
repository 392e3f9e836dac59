/**
 * The trend picture: the headline KPI's actual (solid line, each point in its status colour)
 * against its phased target (dashed) over the last periods, on a y axis in the KPI's unit.
 */
import type { TrendChartData } from './chart-data.ts';
import { compactKpiValue, linearScale } from './scale.ts';
import { el, fitText, PALETTE, svgDocument, text } from './svg.ts';

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export const TREND_SIZE: ChartSize = { width: 480, height: 240 };

/** Where the plot sits inside the picture (left leaves room for the y labels). */
export function trendPlotArea({ width, height }: ChartSize) {
  return { left: 62, right: width - 14, top: 58, bottom: height - 26 };
}

/** x of the i-th of n periods: the centre of its slot. */
export function periodX(i: number, n: number, area: { left: number; right: number }): number {
  return area.left + ((i + 0.5) * (area.right - area.left)) / n;
}

/** The non-null runs of a series as polyline point lists (a gap breaks the line). */
function runs(
  values: readonly (number | null)[],
  x: (i: number) => number,
  y: (v: number) => number,
): string[] {
  const out: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) out.push(current.join(' '));
      current = [];
    } else current.push(`${Math.round(x(i) * 100) / 100},${Math.round(y(v) * 100) / 100}`);
  });
  if (current.length) out.push(current.join(' '));
  return out;
}

export function trendChartSvg(data: TrendChartData, size: ChartSize = TREND_SIZE): string {
  const area = trendPlotArea(size);
  const n = data.periods.length;
  const values = [...data.actual, ...data.target].filter((v): v is number => v !== null);
  const y = linearScale(values, [area.bottom, area.top], { includeZero: false, tickCount: 4 });
  const x = (i: number) => periodX(i, n, area);
  const parts: string[] = [];

  parts.push(text(12, 20, fitText(data.title, size.width - 24, 14), { size: 14, weight: 'bold' }));
  // Legend: a swatch of each line and its name.
  const legendY = 40;
  parts.push(
    el('line', {
      x1: 12,
      y1: legendY - 4,
      x2: 34,
      y2: legendY - 4,
      stroke: PALETTE.actual,
      'stroke-width': 2.5,
    }),
    text(40, legendY, data.seriesNames.actual, { size: 12, fill: PALETTE.muted }),
    el('line', {
      x1: 100,
      y1: legendY - 4,
      x2: 122,
      y2: legendY - 4,
      stroke: PALETTE.target,
      'stroke-width': 2,
      'stroke-dasharray': '5 3',
    }),
    text(128, legendY, data.seriesNames.target, { size: 12, fill: PALETTE.muted }),
  );

  for (const tick of y.ticks) {
    parts.push(
      el('line', {
        x1: area.left,
        y1: y(tick),
        x2: area.right,
        y2: y(tick),
        stroke: PALETTE.grid,
        'stroke-width': 1,
      }),
      text(area.left - 6, y(tick) + 4, compactKpiValue(tick, data.kpi, data.language), {
        size: 11,
        anchor: 'end',
        fill: PALETTE.muted,
      }),
    );
  }
  // Every k-th period label, so labels about 34 px wide never overlap; the last is always shown.
  const every = Math.max(1, Math.ceil((n * 34) / (area.right - area.left)));
  data.periodLabels.forEach((label, i) => {
    if ((n - 1 - i) % every !== 0) return;
    parts.push(text(x(i), area.bottom + 16, label, { size: 11, anchor: 'middle', fill: PALETTE.muted }));
  });

  for (const points of runs(data.target, x, y)) {
    parts.push(
      el('polyline', {
        points,
        fill: 'none',
        stroke: PALETTE.target,
        'stroke-width': 2,
        'stroke-dasharray': '5 3',
      }),
    );
  }
  for (const points of runs(data.actual, x, y)) {
    parts.push(el('polyline', { points, fill: 'none', stroke: PALETTE.actual, 'stroke-width': 2.5 }));
  }
  data.actual.forEach((v, i) => {
    if (v === null) return;
    const colour = PALETTE.status(data.status[i] ?? 'no_target');
    parts.push(
      el('circle', {
        cx: x(i),
        cy: y(v),
        r: 3.5,
        fill: colour.fill,
        stroke: colour.stroke,
        'stroke-width': 1.5,
      }),
    );
  });
  return svgDocument(size.width, size.height, parts.join(''));
}
