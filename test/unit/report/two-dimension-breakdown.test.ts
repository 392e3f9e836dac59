import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../../shared/config/define-config.ts';
import type { PlanConfigInput } from '../../../shared/config/schema.ts';
import { addDays } from '../../../shared/domain/calendar.ts';
import type { ActualFact, PlanData, TargetFact } from '../../../shared/domain/types.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import { renderWorkbook } from '../../../shared/report/render/excel.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';
import { SPEC_AS_OF, specConfig } from '../../fixtures/spec-example.ts';

// Issue 14: targets only at channel × category (fiscal year from April), and a report with a
// two-dimension breakdown whose every cell the JSON model must hold. The §10 configuration
// with a category dimension and one report on GMV, orders and AOV.
type Breakdowns = PlanConfigInput['reports'][number]['breakdowns'];
const input = (breakdowns: Breakdowns): PlanConfigInput => ({
  ...specConfig,
  calendar: { ...specConfig.calendar, fiscalYearStartMonth: 4, fiscalYears: ['FY2027'] },
  dimensions: [
    {
      ...specConfig.dimensions[0]!,
      values: [
        { id: 'tmall', name: { en: 'Tmall', zh: '天猫' }, aliases: [] },
        { id: 'jd', name: { en: 'JD', zh: '京东' }, aliases: [] },
      ],
    },
    {
      id: 'category',
      name: { en: 'Category', zh: '品类' },
      values: [
        { id: 'pets', name: { en: 'Pets', zh: '宠物' } },
        { id: 'beauty', name: { en: 'Beauty', zh: '美妆' } },
      ],
    },
  ],
  reports: [
    {
      ...specConfig.reports[0]!,
      id: 'weekly',
      ranges: ['WTD', 'MTD', 'YTD'],
      kpis: ['gmv', 'orders', 'aov'],
      breakdowns,
      headline: { kpi: 'gmv', range: 'MTD' },
      scorecard: { range: 'MTD', kpis: ['gmv'] },
      recipients: [{ email: 'ceo@example.com' }],
    },
  ],
});

const CELLS = [
  { channel: 'tmall', category: 'pets', target: 3_000_000, daily: 90_000 },
  { channel: 'tmall', category: 'beauty', target: 6_000_000, daily: 210_000 },
  { channel: 'jd', category: 'pets', target: 1_500_000, daily: 50_000 },
  { channel: 'jd', category: 'beauty', target: 3_000_000, daily: 100_000 },
];
const targets: TargetFact[] = CELLS.flatMap(({ channel, category, target }) => [
  { version: 'budget', kpi: 'gmv', period: '2026-11', dims: { channel, category }, value: target },
  { version: 'budget', kpi: 'orders', period: '2026-11', dims: { channel, category }, value: target / 200 },
]);
const actuals: ActualFact[] = CELLS.flatMap(({ channel, category, daily }) =>
  Array.from({ length: 22 }, (_, i) => [
    { kpi: 'gmv', period: addDays('2026-11-01', i), dims: { channel, category }, value: daily },
    { kpi: 'orders', period: addDays('2026-11-01', i), dims: { channel, category }, value: daily / 180 },
  ]).flat(),
);
const data: PlanData = { targets, actuals, milestones: [] };

describe('a report with targets only at channel × category and a two-dimension breakdown', () => {
  const config = defineConfig(input(['channel', ['channel', 'category']]));
  // What `plan-monitor report … --json` prints: the model, through JSON.
  const model = JSON.parse(
    JSON.stringify(buildReportModel(config, data, 'weekly', SPEC_AS_OF, { generatedAt: 'now' })),
  ) as ReportModel;

  it('gives the total a target: table, headline, outlook and scorecard keep GMV', () => {
    const mtd = model.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')!;
    expect(mtd.target).toBeCloseTo((13_500_000 * 22) / 30, 4);
    expect(mtd.status).not.toBe('no_target');
    expect(model.headline?.status).toBe(mtd.status);
    const outlook = model.outlook.find((o) => o.kpi === 'gmv');
    expect(outlook?.kind === 'sum' && outlook.annualTarget).toBeCloseTo(13_500_000, 4);
    expect(model.scorecard.score).toBeCloseTo(mtd.attainment!, 12);
    // AOV is recomputed from the summed components at every level (spec §2).
    expect(model.table.find((r) => r.kpi === 'aov' && r.range === 'MTD')?.actual).toBeCloseTo(180, 9);
  });

  it('holds every cell of the two-dimension breakdown in the JSON model', () => {
    const cross = model.breakdowns.find((b) => b.dimensions.length === 2)!;
    expect(cross).toMatchObject({
      dimension: 'channel',
      dimensions: ['channel', 'category'],
      dimensionName: { en: 'Channel × Category', zh: '渠道 × 品类' },
      range: 'MTD',
    });
    // 3 KPIs × 2 channels × 2 categories, KPI-major.
    expect(cross.rows.map((r) => `${r.kpi}:${r.value}`)).toEqual(
      ['gmv', 'orders', 'aov'].flatMap((k) =>
        ['tmall|pets', 'tmall|beauty', 'jd|pets', 'jd|beauty'].map((v) => `${k}:${v}`),
      ),
    );
    for (const c of CELLS) {
      const row = cross.rows.find((r) => r.kpi === 'gmv' && r.value === `${c.channel}|${c.category}`)!;
      expect(row.dims).toEqual({ channel: c.channel, category: c.category });
      expect(row.actual).toBeCloseTo(c.daily * 22, 6);
      expect(row.target).toBeCloseTo((c.target * 22) / 30, 6);
      expect(row.targetSource).toBe('explicit');
    }
    expect(cross.rows.find((r) => r.value === 'jd|beauty' && r.kpi === 'gmv')?.label).toEqual({
      en: 'JD · Beauty',
      zh: '京东 · 美妆',
    });
    // The one-dimension breakdown rolls the cells up.
    const byChannel = model.breakdowns.find((b) => b.dimensions.length === 1)!;
    const tmall = byChannel.rows.find((r) => r.kpi === 'gmv' && r.value === 'tmall')!;
    expect(tmall).toMatchObject({ targetSource: 'sum_of_finer', dims: { channel: 'tmall' } });
    expect(tmall.target).toBeCloseTo((9_000_000 * 22) / 30, 6);
  });

  it('renders the two-dimension breakdown as one sheet of cells', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderWorkbook(model)) as unknown as ArrayBuffer);
    const sheet = wb.worksheets.find((w) => w.name.startsWith('Channel × Category'))!;
    const labels: unknown[] = [];
    sheet.eachRow((row) => labels.push(row.getCell(1).value));
    expect(labels.filter((v) => v === 'JD · Beauty')).toHaveLength(3);
  });

  it('rejects a two-dimension breakdown naming one dimension twice or an unknown one', () => {
    expect(() => defineConfig(input([['channel', 'channel']]))).toThrow(/two different dimensions/);
    expect(() => defineConfig(input([['channel', 'region']]))).toThrow(/unknown dimension "region"/);
  });
});
