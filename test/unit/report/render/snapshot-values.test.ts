import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../../shared/report/build-report-model.ts';
import { labels } from '../../../../shared/report/i18n.ts';
import { renderEmail } from '../../../../shared/report/render/email.ts';
import { renderWorkbook } from '../../../../shared/report/render/excel.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../../fixtures/spec-example.ts';

// Issue 14 point 2: a monthly snapshot (repurchase rate, reported for 2026-10) must show its
// latest value with its period, not "no data" in every range (spec §7).
const model = buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
  generatedAt: '2026-11-23T01:00:00.000Z',
});
const row = (range: string) => model.table.find((r) => r.kpi === 'repurchase_rate' && r.range === range)!;

describe('snapshot KPIs show their latest value with its period', () => {
  it('in the model: QTD and YTD carry October’s value against October’s target; MTD has none', () => {
    for (const range of ['QTD', 'YTD']) {
      expect(row(range)).toMatchObject({
        actual: 0.28,
        target: 0.3,
        valuePeriod: '2026-10',
        status: 'at_risk',
      });
      expect(row(range).variancePct).toBeCloseTo(-0.0667, 4);
    }
    expect(row('MTD')).toMatchObject({ actual: null, status: 'no_data', valuePeriod: null });
    // A ratio KPI's YTD ratio is in the outlook (spec §7).
    const cr = model.outlook.find((o) => o.kpi === 'conversion_rate');
    expect(cr?.kind).toBe('ratio');
    expect(cr?.kind === 'ratio' && cr.ytdRatio).toBeCloseTo(
      model.table.find((r) => r.kpi === 'conversion_rate' && r.range === 'YTD')!.actual!,
      12,
    );
  });

  it('in the workbook: the KPIs-sheet row shows the value and, in place of the day count, its period', async () => {
    const lang = model.report.language;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderWorkbook(model)) as unknown as ArrayBuffer);
    const name = model.kpis.find((k) => k.id === 'repurchase_rate')!.name[lang];
    const qtd = model.ranges.find((r) => r.kind === 'QTD')!.label[lang];
    const cells: unknown[][] = [];
    wb.getWorksheet(labels(lang).sheets.kpis)!.eachRow((r) => {
      if (r.getCell(1).value === name && r.getCell(2).value === qtd)
        cells.push([r.getCell(3).value, r.getCell(11).value]);
    });
    expect(cells).toEqual([[0.28, '2026-10']]);
  });

  it('in the email: the KPI table shows the latest value with its period instead of a bare dash', () => {
    const { text } = renderEmail(model, {});
    expect(text).toMatch(/- Repurchase rate {2}28\.00% \(2026-10\)/);
  });
});
