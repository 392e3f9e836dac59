import { describe, expect, it } from 'vitest';
import type { TrendChartData, VarianceChartData } from '../../../../shared/report/charts/chart-data.ts';
import { compactKpiValue, linearScale } from '../../../../shared/report/charts/scale.ts';
import { PALETTE } from '../../../../shared/report/charts/svg.ts';
import {
  periodX,
  TREND_SIZE,
  trendChartSvg,
  trendPlotArea,
} from '../../../../shared/report/charts/trend-svg.ts';
import { varianceChartSvg, varianceColumns } from '../../../../shared/report/charts/variance-svg.ts';
import type { ReportKpi } from '../../../../shared/report/report-model.ts';

const gmv: ReportKpi = {
  id: 'gmv',
  name: { zh: '成交额', en: 'GMV' },
  unit: 'currency',
  currency: 'CNY',
  aggregation: 'sum',
  direction: 'higher_is_better',
  weight: 1,
  benchmark: null,
  tolerance: { atRisk: 0.02, offTrack: 0.1 },
  owner: null,
  numerator: null,
  denominator: null,
};

const trend: TrendChartData = {
  kpi: gmv,
  language: 'zh',
  title: '成交额 · 实际与目标（近 4 周）',
  periods: ['2026-W44', '2026-W45', '2026-W46', '2026-W47'],
  periodLabels: ['W44', 'W45', 'W46', 'W47'],
  actual: [100, 200, null, 400],
  target: [300, 300, 300, 300],
  status: ['off_track', 'at_risk', 'no_data', 'on_track'],
  seriesNames: { actual: '实际', target: '目标' },
};

/** The `points` of each polyline with `stroke`, as [x, y] pairs. */
function polylines(svg: string, stroke: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]+)"[^>]*stroke="([^"]+)"/g)]
    .filter((m) => m[2] === stroke)
    .map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
}

describe('linearScale', () => {
  it('maps the round tick range onto the pixel interval, low value to the first pixel', () => {
    const y = linearScale([103, 387], [200, 0]);
    expect(y.ticks[0]).toBeLessThanOrEqual(103);
    expect(y.ticks.at(-1)).toBeGreaterThanOrEqual(387);
    expect(y(y.ticks[0]!)).toBe(200);
    expect(y(y.ticks.at(-1)!)).toBe(0);
    // Linear: the midpoint of two values maps to the midpoint of their pixels.
    expect(y(250)).toBeCloseTo((y(100) + y(400)) / 2, 9);
  });

  it('includes zero when asked, so bars start at a real zero', () => {
    const x = linearScale([-660_000, -440_000], [0, 300], { includeZero: true });
    expect(x.ticks).toContain(0);
    expect(x(0)).toBe(300);
  });
});

describe('compactKpiValue', () => {
  it('writes money in 万 for Chinese and M for English, with a real minus', () => {
    expect(compactKpiValue(-5_670_000, gmv, 'zh', true)).toBe('−¥567万');
    expect(compactKpiValue(-5_670_000, gmv, 'en', true)).toBe('−¥5.67M');
    expect(compactKpiValue(120_000_000, gmv, 'zh')).toBe('¥1.2亿');
    expect(compactKpiValue(0.032, { unit: 'percent', currency: 'CNY' }, 'en')).toBe('3.2%');
  });
});

describe('trendChartSvg', () => {
  const svg = trendChartSvg(trend);
  const area = trendPlotArea(TREND_SIZE);

  it('puts each actual point at its period slot, higher values higher up, and breaks the line at a gap', () => {
    const lines = polylines(svg, PALETTE.actual);
    // W46 has no actual: two runs, [W44, W45] and [W47].
    expect(lines.map((l) => l.length)).toEqual([2, 1]);
    const [[p44, p45], [p47]] = lines as [[number[], number[]], [number[]]];
    expect(p44![0]).toBeCloseTo(periodX(0, 4, area), 2);
    expect(p47![0]).toBeCloseTo(periodX(3, 4, area), 2);
    expect(p45![1]).toBeLessThan(p44![1]!);
    expect(p47![1]).toBeLessThan(p45![1]!);
    // Equal steps in value are equal steps in pixels (100 → 200 → 400).
    expect(p44![1]! - p45![1]!).toBeCloseTo((p45![1]! - p47![1]!) / 2, 1);
    for (const p of [p44!, p45!, p47!]) {
      expect(p[1]).toBeGreaterThanOrEqual(area.top);
      expect(p[1]).toBeLessThanOrEqual(area.bottom);
    }
  });

  it('draws the target as one dashed flat line and colours each point by its status', () => {
    const [target] = polylines(svg, PALETTE.target);
    expect(target).toHaveLength(4);
    expect(new Set(target!.map((p) => p[1])).size).toBe(1);
    expect(svg).toMatch(/stroke="#7F7F7F" stroke-width="2" stroke-dasharray="5 3"/);
    const markers = [...svg.matchAll(/<circle [^>]*fill="([^"]+)" stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(markers).toEqual([
      PALETTE.status('off_track').fill,
      PALETTE.status('at_risk').fill,
      PALETTE.status('on_track').fill,
    ]);
  });

  it('labels the title, the legend, the periods and the y axis in the report language', () => {
    for (const label of ['成交额 · 实际与目标（近 4 周）', '实际', '目标', 'W44', 'W47', '¥400']) {
      expect(svg).toContain(`>${label}<`);
    }
  });
});

describe('varianceChartSvg', () => {
  const data: VarianceChartData = {
    kpi: gmv,
    language: 'zh',
    title: '成交额 MTD · 偏差来源',
    range: 'MTD',
    total: -8_800_000,
    bars: [
      { label: '宠物', value: -5_800_000, favourable: false },
      { label: '健康食品', value: -3_300_000, favourable: false },
      { label: '其他', value: 300_000, favourable: true },
    ],
    valueName: '偏差',
  };
  const svg = varianceChartSvg(data);
  const rects = [
    ...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="([^"]+)"/g),
  ].map((m) => ({ x: Number(m[1]), width: Number(m[2]), fill: m[3] }));

  it('draws bars from the zero line whose lengths are proportional to the contributions', () => {
    expect(rects).toHaveLength(3);
    const zero = Number(/<line x1="([\d.]+)"/.exec(svg.slice(svg.lastIndexOf('<line')))![1]);
    const [pets, health, other] = rects as [(typeof rects)[0], (typeof rects)[0], (typeof rects)[0]];
    // Negative bars end at zero, the positive one starts there.
    expect(pets.x + pets.width).toBeCloseTo(zero, 1);
    expect(other.x).toBeCloseTo(zero, 1);
    expect(pets.width / health.width).toBeCloseTo(5.8 / 3.3, 2);
    expect(pets.width / other.width).toBeCloseTo(5.8 / 0.3, 1);
    const cols = varianceColumns(400);
    expect(pets.x).toBeGreaterThanOrEqual(cols.barLeft);
  });

  it('colours unfavourable bars red and favourable ones blue, and labels names and values', () => {
    expect(rects.map((r) => r.fill)).toEqual([
      PALETTE.unfavourable,
      PALETTE.unfavourable,
      PALETTE.favourable,
    ]);
    for (const label of ['宠物', '健康食品', '其他', '−¥580万', '−¥330万', '+¥30万', '偏差 −¥880万']) {
      expect(svg).toContain(`>${label}<`);
    }
  });
});
