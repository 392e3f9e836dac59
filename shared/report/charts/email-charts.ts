/**
 * The email's chart images: the trend and the variance-by-slice pictures as PNGs for inline
 * CID parts, each with alt text that says in words what the picture shows (for clients that
 * block images, and for screen readers).
 */

import { statusWord } from '../i18n.ts';
import type { EmailChart } from '../render/email.ts';
import type { MimeInlineImage } from '../render/mime.ts';
import type { ReportModel } from '../report-model.ts';
import type { ChartAssets } from './chart-assets.ts';
import {
  type TrendChartData,
  trendChartData,
  type VarianceChartData,
  varianceChartData,
} from './chart-data.ts';
import { svgToPng } from './rasterise.ts';
import { compactKpiValue } from './scale.ts';
import { TREND_SIZE, trendChartSvg } from './trend-svg.ts';
import { varianceChartSize, varianceChartSvg } from './variance-svg.ts';

export interface RenderedChart {
  /** What the email renderer places (`<img src="cid:…" alt="…">`). */
  readonly email: EmailChart;
  /** The PNG part composeMime attaches inline under the same Content-ID. */
  readonly image: MimeInlineImage;
}

export const CHART_CIDS = { trend: 'trend@plan-monitor', attribution: 'attribution@plan-monitor' } as const;

/** e.g. `GMV · 实际与目标（近 13 周）：W47 实际 ¥460万，目标 ¥450万；13 周中 9 周正常。` */
export function trendAlt(data: TrendChartData): string {
  const zh = data.language === 'zh';
  const last = data.actual.findLastIndex((v) => v !== null);
  const value = (v: number | null) => (v === null ? '—' : compactKpiValue(v, data.kpi, data.language));
  const onTrack = data.status.filter((s) => s === 'on_track').length;
  const word = statusWord('on_track', data.language);
  const n = data.periods.length;
  if (last < 0) return `${data.title}${zh ? '：无实际数据。' : ': no actuals yet.'}`;
  const period = data.periodLabels[last];
  return zh
    ? `${data.title}：${period} 实际 ${value(data.actual[last]!)}，目标 ${value(data.target[last] ?? null)}；${n} 期中 ${onTrack} 期${word}。`
    : `${data.title}: ${period} actual ${value(data.actual[last]!)} against target ${value(data.target[last] ?? null)}; ${word} in ${onTrack} of ${n} periods.`;
}

/** e.g. `GMV MTD · 偏差来源：偏差 −¥110万；自营 −¥66万、天猫 −¥44万。` */
export function varianceAlt(data: VarianceChartData): string {
  const zh = data.language === 'zh';
  const bars = data.bars
    .map((b) => `${b.label} ${compactKpiValue(b.value, data.kpi, data.language, true)}`)
    .join(zh ? '、' : ', ');
  const total =
    data.total === null
      ? ''
      : `${data.valueName} ${compactKpiValue(data.total, data.kpi, data.language, true)}`;
  return zh
    ? `${data.title}：${total ? `${total}；` : ''}${bars}。`
    : `${data.title}: ${total ? `${total}; ` : ''}${bars}.`;
}

/** The model's chart images (none when it has no trend and nothing to split). */
export async function renderEmailCharts(
  model: ReportModel,
  assets?: () => Promise<ChartAssets>,
): Promise<RenderedChart[]> {
  const charts: RenderedChart[] = [];
  const trend = trendChartData(model);
  if (trend) {
    charts.push(
      await chart('trend', CHART_CIDS.trend, trendAlt(trend), TREND_SIZE, trendChartSvg(trend), assets),
    );
  }
  const variance = varianceChartData(model);
  if (variance) {
    const size = varianceChartSize(variance.bars.length);
    charts.push(
      await chart(
        'attribution',
        CHART_CIDS.attribution,
        varianceAlt(variance),
        size,
        varianceChartSvg(variance),
        assets,
      ),
    );
  }
  return charts;
}

async function chart(
  placement: EmailChart['placement'],
  cid: string,
  alt: string,
  size: { width: number; height: number },
  svg: string,
  assets: (() => Promise<ChartAssets>) | undefined,
): Promise<RenderedChart> {
  return {
    email: { cid, placement, alt, width: size.width, height: size.height },
    image: {
      cid,
      filename: `${placement}.png`,
      content: await svgToPng(svg, assets),
      contentType: 'image/png',
    },
  };
}
