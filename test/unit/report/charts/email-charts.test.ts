import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { varianceChartData } from '../../../../shared/report/charts/chart-data.ts';
import { CHART_CIDS, renderEmailCharts } from '../../../../shared/report/charts/email-charts.ts';
import { PIXEL_RATIO, svgToPng } from '../../../../shared/report/charts/rasterise.ts';
import { svgDocument, text } from '../../../../shared/report/charts/svg.ts';
import { renderEmail } from '../../../../shared/report/render/email.ts';
import { cidReferences, composeMime, UnresolvedCidError } from '../../../../shared/report/render/mime.ts';
import type { Attribution, ReportModel } from '../../../../shared/report/report-model.ts';
import { reportModelEn, reportModelZh } from '../../../fixtures/report-model.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG's IHDR chunk (which must come first). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The zh fixture with an attribution of GMV's MTD variance: two slices and the rest. */
function withAttribution(model: ReportModel): ReportModel {
  const attribution: Attribution = {
    kpi: 'gmv',
    range: 'MTD',
    dimensions: ['category'],
    totalVariance: -9_500_000,
    method: 'additive',
    slices: [
      {
        dims: { category: 'pets' },
        label: { zh: '宠物', en: 'Pets' },
        owner: null,
        actual: 1,
        target: 2,
        contribution: -5_800_000,
        share: 5.8 / 9.5,
      },
      {
        dims: { category: 'health' },
        label: { zh: '健康食品', en: 'Health food' },
        owner: null,
        actual: 1,
        target: 2,
        contribution: -3_300_000,
        share: 3.3 / 9.5,
      },
    ],
    rest: -400_000,
    effects: null,
  };
  return { ...model, attribution: [attribution] };
}

describe('renderEmailCharts', () => {
  it('draws a trend and a variance PNG at twice their display size, with alt text that states the figures', async () => {
    const charts = await renderEmailCharts(withAttribution(reportModelZh));
    expect(charts.map((c) => c.email.placement)).toEqual(['trend', 'attribution']);
    for (const chart of charts) {
      expect(chart.image.contentType).toBe('image/png');
      expect(chart.image.cid).toBe(chart.email.cid);
      expect(pngSize(chart.image.content)).toEqual({
        width: chart.email.width * PIXEL_RATIO,
        height: chart.email.height * PIXEL_RATIO,
      });
    }
    const [trend, variance] = charts;
    // The fixture's last trend week is W47; its actual and target are the model's own.
    const w47 = reportModelZh.trend.series.find((s) => s.kpi === 'gmv')!.points.at(-1)!;
    expect(w47.period).toBe('2026-W47');
    expect(trend!.email.alt).toContain(`W47 实际 ¥${Math.round(w47.actual! / 1e4)}万`);
    expect(trend!.email.alt).toContain(`目标 ¥${w47.target! / 1e4}万`);
    expect(variance!.email.alt).toBe(
      'GMV 本月累计 · 偏差来源：偏差 −¥950万；宠物 −¥580万、健康食品 −¥330万、其他 −¥40万。',
    );
  });

  it('splits by the first breakdown when the model has no attribution, and writes English for an English report', async () => {
    // The fixture now carries attribution (report v2 rendering): take it away for this case.
    const model = { ...reportModelEn, attribution: [] };
    const data = varianceChartData(model)!;
    const rows = reportModelEn.breakdowns[0]!.rows.filter((r) => r.kpi === 'gmv');
    expect(data.bars.map((b) => b.value).sort()).toEqual(rows.map((r) => r.variance).sort());
    const charts = await renderEmailCharts(model);
    expect(charts[1]!.email.alt).toMatch(/^GMV Month to date · where the variance comes from: Variance −¥/);
  });

  it('renders Chinese glyphs (the CJK font is loaded): text changes the pixels', async () => {
    const blank = await svgToPng(svgDocument(80, 30, ''));
    const chinese = await svgToPng(svgDocument(80, 30, text(4, 20, '宠物健康', { size: 16 })));
    expect(chinese.equals(blank)).toBe(false);
    expect(chinese.byteLength).toBeGreaterThan(blank.byteLength + 200);
  });
});

describe('composeMime inline images', () => {
  const png = (n: number) => Buffer.concat([PNG_SIGNATURE, Buffer.from([n])]);
  const base = { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' };

  it('carries each referenced image as an image/png part whose Content-ID the HTML cites', async () => {
    const html = `<p>x</p><img src="cid:${CHART_CIDS.trend}" alt="a"><img src='cid:${CHART_CIDS.attribution}' alt="b">`;
    const raw = await composeMime({
      ...base,
      html,
      inline: [
        { cid: CHART_CIDS.trend, filename: 'trend.png', content: png(1) },
        { cid: CHART_CIDS.attribution, filename: 'attribution.png', content: png(2) },
        { cid: 'unused@plan-monitor', filename: 'unused.png', content: png(3) },
      ],
    });
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/related/);
    const parsed = await simpleParser(raw);
    const parts = parsed.attachments.map((a) => ({ cid: a.cid, type: a.contentType, size: a.size }));
    // The unreferenced image is left out: clients would list it as an attachment.
    expect(parts).toEqual([
      { cid: CHART_CIDS.trend, type: 'image/png', size: 9 },
      { cid: CHART_CIDS.attribution, type: 'image/png', size: 9 },
    ]);
    expect(cidReferences(html)).toEqual(parts.map((p) => p.cid));
  });

  it('refuses HTML that cites an image the message does not carry', async () => {
    await expect(
      composeMime({ ...base, html: `<img src="cid:${CHART_CIDS.trend}">`, inline: [] }),
    ).rejects.toBeInstanceOf(UnresolvedCidError);
  });

  it('resolves every cid the rendered report email cites to one of the chart parts', async () => {
    const model = withAttribution(reportModelZh);
    const charts = await renderEmailCharts(model);
    const rendered = renderEmail(model, { charts: charts.map((c) => c.email) });
    const raw = await composeMime({ ...base, html: rendered.html, inline: charts.map((c) => c.image) });
    const parsed = await simpleParser(raw);
    const cids = parsed.attachments.filter((a) => a.contentType === 'image/png').map((a) => a.cid);
    expect(cids.sort()).toEqual(cidReferences(rendered.html).sort());
  });
});
