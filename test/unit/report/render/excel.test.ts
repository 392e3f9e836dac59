import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { RANGE_LABELS } from '../../../../shared/report/build-report-model.ts';
import { labels, statusWord } from '../../../../shared/report/i18n.ts';
import {
  FMT,
  renderWorkbook,
  STATUS_COLOURS,
  valueFormat,
  varianceFormat,
  workbookDisplayName,
  workbookFileName,
} from '../../../../shared/report/render/excel.ts';
import type { ReportModel } from '../../../../shared/report/report-model.ts';
import {
  buildBigReportModel,
  reportModelEn,
  reportModelZh,
  scopedModel,
} from '../../../fixtures/report-model.ts';

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** The KPIs-sheet row of one KPI and range, found by the labels the model gives. */
function summaryRow(ws: ExcelJS.Worksheet, model: ReportModel, kpi: string, range: string): ExcelJS.Row {
  const lang = model.report.language;
  const name = model.kpis.find((k) => k.id === kpi)!.name[lang];
  const rangeLabel = model.ranges.find((r) => r.kind === range)!.label[lang];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (row.getCell(1).value === name && row.getCell(2).value === rangeLabel) return row;
  }
  throw new Error(`no KPIs row for ${kpi} ${range}`);
}

function figures(model: ReportModel, kpi: string, range: string) {
  return model.table.find((r) => r.kpi === kpi && r.range === range)!;
}

/** The KPIs sheet: every KPI over every range (the Summary leads with the period only). */
function kpisSheet(wb: ExcelJS.Workbook, model: ReportModel): ExcelJS.Worksheet {
  return wb.getWorksheet(labels(model.report.language).sheets.kpis)!;
}

const zhBuffer = renderWorkbook(reportModelZh);
const enBuffer = renderWorkbook(reportModelEn);
const BOTH_LANGUAGES = [
  [reportModelZh, zhBuffer],
  [reportModelEn, enBuffer],
] as const;

describe('renderWorkbook', () => {
  it('names the sheets in the report language, one per breakdown', async () => {
    for (const [model, buffer] of BOTH_LANGUAGES) {
      const wb = await load(await buffer);
      const l = labels(model.report.language);
      const lang = model.report.language;
      const breakdownSheets = model.breakdowns.map(
        (b) => `${b.dimensionName[lang]} · ${model.ranges.find((r) => r.kind === b.range)!.label[lang]}`,
      );
      expect(wb.worksheets.map((ws) => ws.name)).toEqual([
        l.sheets.summary,
        l.sheets.kpis,
        ...breakdownSheets,
        l.sheets.trend,
        l.sheets.milestones,
        l.sheets.dataQuality,
        l.sheets.about,
      ]);
    }
    const zh = await load(await zhBuffer);
    expect(zh.worksheets.map((ws) => ws.name)).toContain('汇总');
    const en = await load(await enBuffer);
    expect(en.worksheets.map((ws) => ws.name)).toContain('Summary');
  });

  it('writes the §10 MTD figures with their real number formats and status words', async () => {
    for (const [model, buffer] of [
      [reportModelZh, zhBuffer],
      [reportModelEn, enBuffer],
    ] as const) {
      const lang = model.report.language;
      const ws = kpisSheet(await load(await buffer), model);
      const gmv = summaryRow(ws, model, 'gmv', 'MTD');
      const f = figures(model, 'gmv', 'MTD');
      expect(gmv.getCell(3).value).toBe(f.actual);
      expect(gmv.getCell(3).numFmt).toBe('¥#,##0');
      expect(gmv.getCell(4).value).toBe(f.target);
      expect(gmv.getCell(5).value).toBe(f.variance);
      expect(gmv.getCell(5).numFmt).toBe('+¥#,##0;-¥#,##0;¥#,##0');
      expect(gmv.getCell(6).value).toBeCloseTo(f.variancePct!, 12);
      expect(gmv.getCell(6).numFmt).toBe(FMT.pctSigned);
      expect(gmv.getCell(7).value).toBeCloseTo(f.attainment!, 12);
      expect(gmv.getCell(7).numFmt).toBe('0.0%');
      expect(gmv.getCell(8).value).toBe(statusWord('at_risk', lang));
      expect(gmv.getCell(8).fill).toMatchObject({ fgColor: { argb: STATUS_COLOURS.at_risk.fill } });

      const orders = summaryRow(ws, model, 'orders', 'MTD');
      expect(orders.getCell(3).numFmt).toBe('#,##0');
      expect(orders.getCell(8).value).toBe(statusWord('on_track', lang));

      // Percent KPI: value as a rate, variance in percentage points.
      const conv = summaryRow(ws, model, 'conversion_rate', 'MTD');
      const cf = figures(model, 'conversion_rate', 'MTD');
      expect(conv.getCell(3).value).toBeCloseTo(cf.actual!, 12);
      expect(conv.getCell(3).numFmt).toBe('0.00%');
      expect(conv.getCell(5).value).toBeCloseTo(cf.variance! * 100, 9);
      expect(conv.getCell(5).numFmt).toContain(lang === 'zh' ? '个百分点' : 'pp');

      const aov = summaryRow(ws, model, 'aov', 'MTD');
      expect(aov.getCell(3).numFmt).toBe('¥#,##0.00');
      expect(aov.getCell(8).value).toBe(statusWord('off_track', lang));
      expect(aov.getCell(8).fill).toMatchObject({ fgColor: { argb: STATUS_COLOURS.off_track.fill } });

      expect(summaryRow(ws, model, 'returned_orders', 'MTD').getCell(8).value).toBe(
        statusWord('no_target', lang),
      );
      expect(summaryRow(ws, model, 'repurchase_rate', 'MTD').getCell(8).value).toBe(
        statusWord('no_data', lang),
      );
      expect(summaryRow(ws, model, 'marketing_spend', 'QTD').getCell(8).value).toBe(
        statusWord('at_risk', lang),
      );
    }
  });

  it('shows every table row that has a figure, with its status word, and no all-no-data row', async () => {
    const ws = kpisSheet(await load(await zhBuffer), reportModelZh);
    let empty = 0;
    for (const row of reportModelZh.table) {
      if (row.actual === null && row.target === null) {
        empty += 1;
        expect(() => summaryRow(ws, reportModelZh, row.kpi, row.range)).toThrow();
        continue;
      }
      expect(summaryRow(ws, reportModelZh, row.kpi, row.range).getCell(8).value).toBe(
        statusWord(row.status, 'zh'),
      );
    }
    expect(empty).toBeGreaterThan(0);
  });

  it('puts the YTD outlook on the KPIs sheet’s year row', async () => {
    const ws = kpisSheet(await load(await zhBuffer), reportModelZh);
    const outlook = reportModelZh.outlook.find((o) => o.kpi === 'new_users');
    if (outlook?.kind !== 'sum') throw new Error('fixture: new_users has a sum outlook');
    const ytd = summaryRow(ws, reportModelZh, 'new_users', 'YTD');
    expect(ytd.getCell(12).value).toBe(outlook.annualTarget);
    expect(ytd.getCell(13).value).toBeCloseTo(outlook.forecast!, 6);
    expect(ytd.getCell(14).value).toBeCloseTo(outlook.gapToAnnual!, 6);
    expect(ytd.getCell(15).value).toBeCloseTo(outlook.requiredPace!, 9);
    expect(ytd.getCell(15).numFmt).toBe('0.0%');
  });

  it('freezes the header rows, filters the table and prints landscape fitted to one page wide', async () => {
    const wb = await load(await enBuffer);
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup).toMatchObject({
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        // The Summary prints on one page; the others are one page wide and as long as needed.
        fitToHeight: ws.name === 'Summary' ? 1 : 0,
      });
      if (ws.name !== 'Summary') expect(ws.views[0]).toMatchObject({ state: 'frozen' });
      expect(ws.headerFooter.oddFooter).toContain('&P');
      expect(ws.headerFooter.oddHeader).toContain(reportModelEn.report.name.en);
    }
    const sheet = kpisSheet(wb, reportModelEn);
    expect(sheet.views[0]).toMatchObject({ ySplit: 4, xSplit: 2 });
    const headerRow = sheet.getRow(4);
    expect(headerRow.getCell(1).value).toBe('KPI');
    const rows = reportModelEn.table.filter((r) => r.actual !== null || r.target !== null).length;
    expect(sheet.autoFilter).toBe(`A4:O${4 + rows}`);
    for (let c = 1; c <= 15; c++) {
      expect(sheet.getColumn(c).width ?? 0).toBeGreaterThanOrEqual(8);
    }
  });

  it('writes breakdown rows with their labels, figures and target source', async () => {
    const wb = await load(await zhBuffer);
    const bd = reportModelZh.breakdowns[0]!;
    const ws = wb.getWorksheet(
      `${bd.dimensionName.zh} · ${reportModelZh.ranges.find((r) => r.kind === bd.range)!.label.zh}`,
    )!;
    expect(ws.getRow(3).getCell(1).value).toBe(bd.dimensionName.zh);
    expect(bd.rows.every((r) => r.actual !== null || r.target !== null)).toBe(true);
    bd.rows.forEach((row, i) => {
      const r = ws.getRow(4 + i);
      expect(r.getCell(1).value).toBe(row.label.zh);
      expect(r.getCell(3).value).toBe(row.actual);
      expect(r.getCell(4).value).toBe(row.target ?? '—');
      expect(r.getCell(8).value).toBe(statusWord(row.status, 'zh'));
      expect(r.getCell(9).value).toBe(labels('zh').targetSource[row.targetSource]);
    });
    expect(ws.autoFilter).toBe(`A3:J${3 + bd.rows.length}`);
  });

  it('lists milestones with state words, days overdue and due-soon flags', async () => {
    const wb = await load(await zhBuffer);
    const ws = wb.getWorksheet('里程碑')!;
    const byId = new Map<string, ExcelJS.Row>();
    ws.eachRow((row) => {
      byId.set(String(row.getCell(1).value), row);
    });
    for (const m of reportModelZh.milestones.items) {
      const row = byId.get(m.id)!;
      expect(row.getCell(2).value).toBe(m.title);
      expect(row.getCell(9).value).toBe(labels('zh').milestoneState[m.state]);
      expect(row.getCell(11).value ?? null).toBe(m.daysOverdue);
      expect(row.getCell(12).value ?? null).toBe(m.dueSoon ? '是' : null);
    }
    expect(ws.getCell('C3').value).toBe(reportModelZh.milestones.completion);
    expect(ws.getCell('C4').value).toBe(reportModelZh.milestones.onTime);
  });

  it('reports stale KPIs, gaps, target mismatches and notes on the data-quality sheet', async () => {
    const wb = await load(await enBuffer);
    const ws = wb.getWorksheet('Data quality')!;
    const texts: string[] = [];
    ws.eachRow((row) => {
      row.eachCell((cell) => {
        texts.push(String(cell.value));
      });
    });
    const stale = reportModelEn.dataQuality.kpis.find((k) => k.stale)!;
    const staleName = reportModelEn.kpis.find((k) => k.id === stale.kpi)!.name.en;
    let staleRow: ExcelJS.Row | undefined;
    ws.eachRow((row) => {
      if (row.getCell(1).value === staleName && staleRow === undefined) staleRow = row;
    });
    expect(staleRow!.getCell(3).value).toBe('Yes');
    // One row per KPI: the days missing counted, the runs listed.
    expect(staleRow!.getCell(5).value).toContain(`${stale.gaps[0]!.start} – ${stale.gaps[0]!.end}`);
    const rowsOfStale = texts.filter((x) => x === staleName).length;
    expect(rowsOfStale).toBe(1);
    for (const note of reportModelEn.dataQuality.notes) expect(texts).toContain(note);
    const mismatch = reportModelEn.dataQuality.targetMismatches[0]!;
    expect(texts).toContain(String(mismatch.explicitTarget));
    expect(texts).toContain(String(mismatch.sumOfFinerTargets));
  });

  it('states asOf, time zone and versions on the About sheet', async () => {
    const wb = await load(await zhBuffer);
    const ws = wb.getWorksheet('关于')!;
    const pairs = new Map<string, unknown>();
    ws.eachRow((row) => {
      pairs.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    const t = labels('zh').text;
    expect(pairs.get(t.asOf)).toBe(reportModelZh.about.asOf);
    expect(pairs.get(t.timeZone)).toBe(reportModelZh.about.timeZone);
    expect(pairs.get(t.targetVersion)).toBe(reportModelZh.about.targetVersion);
    expect(pairs.get(t.configVersion)).toBe(reportModelZh.about.configVersion);
    // Local time with its zone, never a UTC ISO string (generatedAt is 01:00:12Z).
    expect(pairs.get(t.generatedAt)).toBe('2026-11-23 09:00 (Asia/Shanghai)');
    expect(pairs.get(t.sources)).toBe(reportModelZh.about.sources[0]);
  });

  it('names every range with the one label list, on the Summary and on the About sheet', async () => {
    for (const [model, buffer] of BOTH_LANGUAGES) {
      const wb = await load(await buffer);
      const l = labels(model.report.language);
      const texts = new Set<string>();
      for (const ws of wb.worksheets)
        ws.eachRow((row) => row.eachCell((cell) => texts.add(String(cell.value))));
      for (const range of model.ranges) {
        const label = RANGE_LABELS[range.kind][model.report.language];
        expect(range.label[model.report.language]).toBe(label);
        expect(texts).toContain(label);
        expect(texts).toContain(`${label} (${range.kind})`);
      }
      const aboutRangeRows: string[] = [];
      wb.getWorksheet(l.sheets.about)!.eachRow((row) => {
        const text = String(row.getCell(1).value);
        if (/\((WTD|MTD|QTD|YTD|LAST_WEEK|LAST_MONTH|LAST_QUARTER)\)$/.test(text)) aboutRangeRows.push(text);
      });
      expect(aboutRangeRows).toEqual(
        model.ranges.map((r) => `${RANGE_LABELS[r.kind][model.report.language]} (${r.kind})`),
      );
    }
  });

  it('writes upload text that looks like a formula as plain text, with no formula anywhere', async () => {
    const evil = '=HYPERLINK("http://evil","x")';
    const base = reportModelEn;
    const model: ReportModel = {
      ...base,
      milestones: {
        ...base.milestones,
        items: base.milestones.items.map((m, i) =>
          i === 0
            ? { ...m, title: evil, owner: '+cmd|/c calc' }
            : i === 1
              ? { ...m, title: '\t=1+1', owner: '@SUM(A1)' }
              : m,
        ),
      },
      breakdowns: base.breakdowns.map((b) => ({
        ...b,
        rows: b.rows.map((r, i) => (i === 0 ? { ...r, label: { en: '-2+3', zh: '-2+3' } } : r)),
      })),
      dataQuality: { ...base.dataQuality, notes: ['\r=cmd', `bell\u0007${evil}`] },
    };
    const buffer = await renderWorkbook(model);
    const wb = await load(buffer);
    const ms = wb.getWorksheet('Milestones')!;
    const cells: ExcelJS.Cell[] = [];
    ms.eachRow((row) => {
      row.eachCell((cell) => {
        cells.push(cell);
      });
    });
    const title = cells.find((c) => c.value === evil)!;
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(cells.find((c) => c.value === '+cmd|/c calc')!.type).toBe(ExcelJS.ValueType.String);
    expect(cells.find((c) => c.value === '@SUM(A1)')!.type).toBe(ExcelJS.ValueType.String);
    expect(cells.find((c) => c.value === '\t=1+1')!.type).toBe(ExcelJS.ValueType.String);
    const label = wb.getWorksheet('Channel · Month to date')!.getRow(4).getCell(1);
    expect(label.value).toBe('-2+3');
    expect(label.type).toBe(ExcelJS.ValueType.String);
    wb.eachSheet((ws) => {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        });
      });
    });

    const zip = await JSZip.loadAsync(buffer);
    const xmlFiles = Object.keys(zip.files).filter((name) => name.endsWith('.xml'));
    expect(xmlFiles.some((name) => name.startsWith('xl/worksheets/'))).toBe(true);
    for (const name of xmlFiles) {
      const xml = await zip.file(name)!.async('string');
      expect(xml, name).not.toMatch(/<f[ >/]/);
      // The control character is dropped, the rest of the note kept as text.
      expect(xml, name).not.toContain('\u0007');
    }
    const sheets = await Promise.all(
      xmlFiles.filter((n) => n.startsWith('xl/worksheets/')).map((n) => zip.file(n)!.async('string')),
    );
    // Written as a string cell (t="str", no <f>), the quotes escaped as XML text.
    expect(sheets.join('')).toMatch(
      /<c r="B\d+"[^>]* t="str"><v>=HYPERLINK\(&quot;http:\/\/evil&quot;,&quot;x&quot;\)<\/v><\/c>/,
    );
  });

  it('puts only the scope’s figures in a scoped workbook and names the scope', async () => {
    const scoped = scopedModel('zh');
    const wb = await load(await renderWorkbook(scoped));
    const numbers = new Set<number>();
    const texts: string[] = [];
    wb.eachSheet((ws) => {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          if (typeof cell.value === 'number') numbers.add(cell.value);
          else texts.push(String(cell.value));
        });
      });
    });
    expect(texts.some((t) => t.includes(scoped.scope!.label.zh))).toBe(true);
    const sumKpis = new Set(reportModelZh.kpis.filter((k) => k.aggregation === 'sum').map((k) => k.id));
    const companyFigures = reportModelZh.table
      .filter((r) => sumKpis.has(r.kpi))
      .flatMap((r) => [r.actual, r.target])
      .filter((v): v is number => v !== null && Math.abs(v) >= 1000);
    expect(companyFigures.length).toBeGreaterThan(0);
    for (const v of companyFigures) expect(numbers.has(v), String(v)).toBe(false);
    for (const r of scoped.table.filter((x) => sumKpis.has(x.kpi) && x.actual !== null)) {
      expect(numbers.has(r.actual!)).toBe(true);
    }
  });

  it('streams a big breakdown with a bounded number of styles', async () => {
    const rows = 12_000;
    const model = buildBigReportModel(rows, 'en');
    const buffer = await renderWorkbook(model);
    const zip = await JSZip.loadAsync(buffer);
    const styles = await zip.file('xl/styles.xml')!.async('string');
    const xfCount = Number(/<cellXfs count="(\d+)"/.exec(styles)?.[1]);
    expect(xfCount).toBeGreaterThan(5);
    expect(xfCount).toBeLessThan(80);
    // Sheet order: Summary, KPIs, the channel breakdown, then the SKU breakdown.
    const sheetIndex = model.breakdowns.findIndex((b) => b.dimension === 'sku') + 3;
    const xml = await zip.file(`xl/worksheets/sheet${sheetIndex}.xml`)!.async('string');
    expect(xml).toContain(`<autoFilter ref="A3:J${3 + rows}"`);
    expect(xml).toContain(`<row r="${3 + rows}"`);
    expect(xml).not.toContain(`<row r="${4 + rows}"`);
  }, 60_000);
});

describe('number formats', () => {
  const kpi = (id: string) => reportModelEn.kpis.find((k) => k.id === id)!;
  it('uses ¥#,##0 for CNY sums, ¥#,##0.00 for CNY ratios, #,##0 for counts and 0.00% for rates', () => {
    expect(valueFormat(kpi('gmv'))).toBe('¥#,##0');
    expect(valueFormat(kpi('aov'))).toBe('¥#,##0.00');
    expect(valueFormat(kpi('orders'))).toBe('#,##0');
    expect(valueFormat(kpi('conversion_rate'))).toBe('0.00%');
    expect(valueFormat({ ...kpi('gmv'), currency: 'CHF' })).toBe('"CHF "#,##0');
  });
  it('shows percent-KPI variances in percentage points', () => {
    expect(varianceFormat(kpi('conversion_rate'), 'en')).toBe('+0.00" pp";-0.00" pp";0.00" pp"');
    expect(varianceFormat(kpi('conversion_rate'), 'zh')).toContain('个百分点');
  });
});

describe('workbook file names', () => {
  it('is ASCII-safe and names the scope', () => {
    expect(workbookFileName(scopedModel('zh'))).toBe('weekly-progress_2026-W47_category=pets.xlsx');
    expect(workbookFileName(reportModelZh)).toBe('weekly-progress_2026-W47.xlsx');
    expect(workbookFileName(scopedModel('zh'))).toMatch(/^[\x20-\x7e]+$/);
  });
  it('has a display name in the report language', () => {
    expect(workbookDisplayName(scopedModel('zh'))).toBe('每周进度偏差分析_2026-W47_品类=宠物.xlsx');
    expect(workbookDisplayName(reportModelEn)).toBe('Weekly-progress-variance_2026-W47.xlsx');
  });
});

describe('compare version', () => {
  it('adds the figures against the compare version below the Summary table', async () => {
    const reforecast = reportModelEn.table
      .filter((r) => r.kpi === 'gmv')
      .map((r) => ({ ...r, target: 21_000_000, status: 'on_track' as const }));
    const model: ReportModel = {
      ...reportModelEn,
      about: { ...reportModelEn.about, compareVersion: 'reforecast-q4' },
      compareTable: reforecast,
    };
    const ws = kpisSheet(await load(await renderWorkbook(model)), model);
    let titleRow = 0;
    ws.eachRow((row, n) => {
      if (row.getCell(1).value === 'Compare version: reforecast-q4') titleRow = n;
    });
    expect(titleRow).toBeGreaterThan(
      4 + model.table.filter((r) => r.actual !== null || r.target !== null).length,
    );
    const first = ws.getRow(titleRow + 2);
    expect(first.getCell(1).value).toBe('GMV');
    expect(first.getCell(4).value).toBe(21_000_000);
    expect(first.getCell(4).numFmt).toBe('¥#,##0');
    expect(first.getCell(8).value).toBe('On track');
  });
});
