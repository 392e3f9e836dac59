/**
 * The variance picture: one horizontal bar per slice, from zero to the slice's contribution
 * (red where it hurts the KPI, blue where it helps), the slice's name on the left and its
 * contribution in the KPI's unit on the right, largest first.
 */
import type { VarianceChartData } from './chart-data.ts';
import { compactKpiValue, linearScale } from './scale.ts';
import { el, fitText, PALETTE, svgDocument, text } from './svg.ts';
import type { ChartSize } from './trend-svg.ts';

const WIDTH = 480;
const ROW = 30;
const TOP = 54;
const BOTTOM = 12;

export function varianceChartSize(bars: number): ChartSize {
  return { width: WIDTH, height: TOP + bars * ROW + BOTTOM };
}

/** Columns: names up to `labelRight`, bars between `barLeft` and `barRight`, values after. */
export function varianceColumns(width: number) {
  return { labelRight: 128, barLeft: 136, barRight: width - 78, valueRight: width - 8 };
}

export function varianceChartSvg(data: VarianceChartData): string {
  const size = varianceChartSize(data.bars.length);
  const cols = varianceColumns(size.width);
  const x = linearScale(
    data.bars.map((b) => b.value),
    [cols.barLeft, cols.barRight],
    { includeZero: true, tickCount: 3 },
  );
  const parts: string[] = [];
  parts.push(text(12, 20, fitText(data.title, size.width - 24, 14), { size: 14, weight: 'bold' }));
  if (data.total !== null) {
    const total = `${data.valueName} ${compactKpiValue(data.total, data.kpi, data.language, true)}`;
    parts.push(text(12, 40, total, { size: 12, fill: PALETTE.muted }));
  }
  const zero = x(0);
  data.bars.forEach((bar, i) => {
    const top = TOP + i * ROW;
    const mid = top + ROW / 2;
    const end = x(bar.value);
    const fill =
      bar.favourable === null ? PALETTE.neutral : bar.favourable ? PALETTE.favourable : PALETTE.unfavourable;
    parts.push(
      text(cols.labelRight, mid + 4, fitText(bar.label, cols.labelRight - 8, 12), {
        size: 12,
        anchor: 'end',
      }),
      el('rect', {
        x: Math.min(zero, end),
        y: top + 6,
        width: Math.max(1, Math.abs(end - zero)),
        height: ROW - 12,
        fill,
      }),
      text(cols.valueRight, mid + 4, compactKpiValue(bar.value, data.kpi, data.language, true), {
        size: 12,
        anchor: 'end',
        fill,
      }),
    );
  });
  parts.push(
    el('line', {
      x1: zero,
      y1: TOP,
      x2: zero,
      y2: TOP + data.bars.length * ROW,
      stroke: PALETTE.axis,
      'stroke-width': 1,
    }),
  );
  return svgDocument(size.width, size.height, parts.join(''));
}
