import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatLocalTime,
  labels,
  ownerName,
  statusWord,
} from '../../../../shared/report/i18n.ts';
import { largestUnfavourable } from '../../../../shared/report/render/digest.ts';
import { renderWorkbook, STATUS_COLOURS } from '../../../../shared/report/render/excel.ts';
import type { ReportModel } from '../../../../shared/report/report-model.ts';
import { reportModelEn, reportModelZh } from '../../../fixtures/report-model.ts';

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

function texts(ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  ws.eachRow((row) => {
    row.eachCell((cell) => {
      out.push(String(cell.value));
    });
  });
  return out;
}

describe('large numbers in the reader’s units', () => {
  it('writes 万 and 亿 in Chinese, M and B in English, exact below the unit', () => {
    expect(formatCompact(12_345_000, 'zh', '¥')).toBe('¥1,234.5万');
    expect(formatCompact(123_000_000, 'zh', '¥')).toBe('¥1.23亿');
    expect(formatCompact(-5_800_000, 'zh', '¥', true)).toBe('−¥580.0万');
    expect(formatCompact(9_999, 'zh', '¥')).toBe('¥9,999');
    expect(formatCompact(5_800_000, 'en', '¥', true)).toBe('+¥5.80M');
    expect(formatCompact(2_400_000_000, 'en', '¥')).toBe('¥2.40B');
    expect(formatCompact(131_000, 'en', '¥')).toBe('¥131,000');
    expect(formatCompact(null, 'zh')).toBe('—');
  });

  it('shows instants as local time with the zone, and owner names from the configuration', () => {
    expect(formatLocalTime('2026-11-30T01:00:00.000Z', 'Asia/Shanghai')).toBe(
      '2026-11-30 09:00 (Asia/Shanghai)',
    );
    expect(ownerName(reportModelZh, 'customer_service')).toBe('客服部（赵敏）');
    expect(ownerName(reportModelZh, 'nobody')).toBe('nobody');
  });
});

describe('largest unfavourable variances', () => {
  it('ranks money KPIs by money: a ¥5.8M shortfall outranks a ¥131k overspend at a larger percent', () => {
    const row = (kpi: string, variance: number, favourablePct: number) => ({
      ...reportModelEn.table.find((r) => r.kpi === kpi && r.range === 'WTD')!,
      variance,
      variancePct: favourablePct,
      favourablePct,
      status: 'off_track' as const,
    });
    const model: ReportModel = {
      ...reportModelEn,
      table: [
        row('marketing_spend', 131_000, -0.187),
        row('gmv', -5_800_000, -0.156),
        row('orders', -9_000, -0.3),
      ],
    };
    expect(largestUnfavourable(model).map((u) => u.row.kpi)).toEqual(['gmv', 'marketing_spend', 'orders']);
  });
});

describe('the workbook, as a reader opens it', () => {
  const zh = renderWorkbook(reportModelZh);

  it('opens with a one-page Summary that leads with this week, the legend and the tolerances', async () => {
    const wb = await load(await zh);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('汇总');
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, fitToHeight: 1 });
    const all = texts(ws);
    expect(all.some((t) => t.includes('本期结果与计划对比 · 本周累计 2026-W47'))).toBe(true);
    // The headline KPI is the first row under the header, with this week's figures.
    let header = 0;
    ws.eachRow((row, n) => {
      if (header === 0 && row.getCell(1).value === labels('zh').columns.kpi) header = n;
    });
    const first = ws.getRow(header + 1);
    const wtd = reportModelZh.table.find((r) => r.kpi === 'gmv' && r.range === 'WTD')!;
    expect(first.getCell(1).value).toBe('GMV');
    expect(first.getCell(2).value).toBe(wtd.actual);
    expect(first.getCell(5).value).toBeCloseTo(wtd.variancePct!, 12);
    // Each KPI's tolerance (from its configuration) closes its row, and follows the model.
    expect(first.getCell(14).value).toBe('2% / 10%');
    const stricter = {
      ...reportModelZh,
      kpis: reportModelZh.kpis.map((k) => ({ ...k, tolerance: { atRisk: 0.05, offTrack: 0.2 } })),
    };
    const ws2 = (await load(await renderWorkbook(stricter))).worksheets[0]!;
    expect(ws2.getRow(header + 1).getCell(14).value).toBe('5% / 20%');
    // Legend: every status word in its colour.
    const legendRow = ws.getRows(1, ws.rowCount)!.find((r) => r.getCell(1).value === '图例')!;
    expect(legendRow.getCell(2).value).toBe(statusWord('on_track', 'zh'));
    expect(legendRow.getCell(4).fill).toMatchObject({ fgColor: { argb: STATUS_COLOURS.off_track.fill } });
    // Where the gap comes from, with owner names.
    expect(all.some((t) => t.includes('宠物（李伟）') && t.includes('解释了GMV偏差的 95%'))).toBe(true);
  });

  it('repeats the header row of the right table on every printed page', async () => {
    const wb = await load(await zh);
    const bd = reportModelZh.breakdowns[0]!;
    const sheet = wb.getWorksheet(`${bd.dimensionName.zh} · 本月累计`)!;
    expect(sheet.pageSetup.printTitlesRow).toBe('1:3');
    expect(sheet.getRow(3).getCell(1).value).toBe(bd.dimensionName.zh);
    const dq = wb.getWorksheet('数据质量')!;
    expect(dq.pageSetup.printTitlesRow).toBe('3:3');
    expect(dq.getRow(3).getCell(1).value).toBe(labels('zh').columns.kpi);
    for (const ws of wb.worksheets) expect(ws.pageSetup.orientation).toBe('landscape');
  });

  it('has no sheet that is all "no data": an empty breakdown and no milestones leave no sheet', async () => {
    const bd = reportModelEn.breakdowns[0]!;
    const empty = bd.rows.map((r) => ({ ...r, actual: null, target: null, status: 'no_data' as const }));
    const model: ReportModel = {
      ...reportModelEn,
      breakdowns: [{ ...bd, rows: empty }],
      milestones: { ...reportModelEn.milestones, items: [] },
    };
    const names = (await load(await renderWorkbook(model))).worksheets.map((w) => w.name);
    expect(names).toEqual(['Summary', 'KPIs', 'Trend', 'Data quality', 'About']);
  });

  it('shows the trend as one compact KPI × period table of at most 13 periods', async () => {
    const wb = await load(await zh);
    const ws = wb.getWorksheet('趋势')!;
    const header = ws.getRow(3);
    const last = reportModelZh.trend.periods.at(-1)!.key;
    expect(header.cellCount).toBeLessThanOrEqual(14);
    expect(header.getCell(header.cellCount).value).toBe(last);
    const gmvRows = texts(ws).filter((t) => t === 'GMV');
    expect(gmvRows).toHaveLength(3); // variance %, actual, target blocks: one row each
  });

  it('opens in LibreOffice headless and in openpyxl without repair', async (ctx) => {
    const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
    const python = spawnSync('/usr/bin/python3', ['-c', 'import openpyxl'], { encoding: 'utf8' });
    if (soffice.status !== 0 || python.status !== 0) {
      ctx.skip(
        `needs soffice and python3 with openpyxl: ${soffice.status !== 0 ? 'soffice missing' : ''} ${python.status !== 0 ? 'openpyxl missing' : ''}`,
      );
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'pm-xlsx-'));
    const file = join(dir, 'weekly.xlsx');
    writeFileSync(file, await zh);
    const names = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import sys, openpyxl; print("|".join(openpyxl.load_workbook(sys.argv[1]).sheetnames))', file],
      { encoding: 'utf8' },
    ).trim();
    expect(names.split('|')[0]).toBe('汇总');
    const out = spawnSync(
      'soffice',
      [
        `-env:UserInstallation=file://${dir}/profile`,
        '--headless',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        file,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('weekly.pdf');
  }, 150_000);
});
