import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../../shared/report/build-report-model.ts';
import { labels, statusWord } from '../../../../shared/report/i18n.ts';
import { renderEmail } from '../../../../shared/report/render/email.ts';
import { renderWorkbook, workbookFileName } from '../../../../shared/report/render/excel.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../../fixtures/spec-example.ts';

// The renderers against the real builder's output (not only the hand-built fixture), so a
// difference in shape between the two shows up here.
const model = buildReportModel(specConfig, specData, 'weekly-progress', SPEC_AS_OF, {
  generatedAt: '2026-11-23T01:00:00.000Z',
  sources: ['actuals/2026-11-22.csv'],
});

describe('rendering the model buildReportModel makes for the spec §10 world', () => {
  it('writes a workbook whose KPIs sheet carries the §10 GMV MTD figures', async () => {
    const lang = model.report.language;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderWorkbook(model)) as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.name).toBe(labels(lang).sheets.summary);
    const ws = wb.getWorksheet(labels(lang).sheets.kpis)!;
    const gmvName = model.kpis.find((k) => k.id === 'gmv')!.name[lang];
    const mtdLabel = model.ranges.find((r) => r.kind === 'MTD')!.label[lang];
    let found = false;
    ws.eachRow((row) => {
      if (row.getCell(1).value !== gmvName || row.getCell(2).value !== mtdLabel) return;
      found = true;
      expect(row.getCell(3).value).toBe(20_900_000);
      expect(row.getCell(4).value).toBe(22_000_000);
      expect(row.getCell(3).numFmt).toBe('¥#,##0');
      expect(row.getCell(8).value).toBe(statusWord('at_risk', lang));
    });
    expect(found).toBe(true);
  });

  it('puts the outlook on the YTD row even when a later range follows it', async () => {
    const lang = model.report.language;
    expect(model.ranges.at(-1)!.kind).not.toBe('YTD');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderWorkbook(model)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(labels(lang).sheets.kpis)!;
    const name = model.kpis.find((k) => k.id === 'new_users')!.name[lang];
    const ytd = model.ranges.find((r) => r.kind === 'YTD')!.label[lang];
    const outlook = model.outlook.find((o) => o.kpi === 'new_users');
    if (outlook?.kind !== 'sum') throw new Error('new_users has a sum outlook');
    const forecasts = new Map<unknown, unknown>();
    ws.eachRow((row) => {
      if (row.getCell(1).value === name) forecasts.set(row.getCell(2).value, row.getCell(13).value);
    });
    expect(forecasts.get(ytd)).toBeCloseTo(outlook.forecast!, 6);
    expect([...forecasts.values()].filter((v) => v !== null && v !== undefined)).toHaveLength(1);
  });

  it('writes an unscoped subject and file name', () => {
    const { subject } = renderEmail(model, {});
    expect(subject).toBe(`${model.report.name[model.report.language]} · 2026-W47 · GMV MTD −5.0%`);
    expect(workbookFileName(model)).toBe('weekly-progress_2026-W47.xlsx');
  });
});
