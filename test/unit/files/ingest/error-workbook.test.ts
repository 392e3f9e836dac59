import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildErrorWorkbook } from '../../../../shared/files/ingest/error-workbook.ts';
import { parseUpload, readUploadRows } from '../../../../shared/files/ingest/parse-upload.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

async function rejected(csv: string, errorCap?: number) {
  const body = Buffer.from(csv);
  const result = await parseUpload({
    config: uploadTestConfig,
    kind: 'actuals',
    body,
    ...(errorCap ? { errorCap } : {}),
  });
  if (result.ok) throw new Error('expected a rejection');
  return { body, result };
}

async function load(bytes: Uint8Array) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

describe('buildErrorWorkbook', () => {
  it('lists every error up to the cap but counts them all, and says so in the summary', async () => {
    const lines = ['date,kpi,value', ...Array.from({ length: 30 }, () => '2026-11-22,gmv,oops')];
    const { body, result } = await rejected(`${lines.join('\n')}\n`, 10);
    expect(result.errorCount).toBe(30);
    expect(result.errors).toHaveLength(10);
    const workbook = await load(
      await buildErrorWorkbook({ fileName: 'x.csv', result, rows: readUploadRows(body, 'actuals') }),
    );
    expect(workbook.getWorksheet('错误列表 Errors')!.rowCount).toBe(11);
    const summary = JSON.stringify(workbook.getWorksheet('摘要 Summary')!.getSheetValues());
    expect(summary).toContain('Only the first 10 errors are listed');
    expect(summary).toContain('30 × ');
  });

  it('copies only the failing rows of a large file, keeping their row numbers', async () => {
    const lines = [
      'date,kpi,value',
      ...Array.from(
        { length: 50 },
        (_, i) =>
          `2026-${String(1 + (i % 12)).padStart(2, '0')}-0${1 + Math.floor(i / 12)},gmv,${i === 41 ? 'x' : i}`,
      ),
    ];
    const { body, result } = await rejected(`${lines.join('\n')}\n`);
    const workbook = await load(
      await buildErrorWorkbook({
        fileName: 'x.csv',
        result,
        rows: readUploadRows(body, 'actuals'),
        maxCopiedRows: 5,
      }),
    );
    const rows = workbook.getWorksheet('错误明细 Rows')!;
    // Rows 2–42 are fine except row 43 (i = 41): only the header and row 43 are copied.
    expect(rows.actualRowCount).toBe(2);
    expect(rows.getCell('C43').value).toBe('x');
    expect(String(rows.getCell('D43').value)).toContain('"x" is not a number');
  });

  it('freezes the Rows sheet below the header wherever it is, and keeps the sheets in order', async () => {
    const { body, result } = await rejected('\n\ndate,kpi,value\n2026-11-22,gmv,oops\n');
    const workbook = await load(
      await buildErrorWorkbook({ fileName: 'x.csv', result, rows: readUploadRows(body, 'actuals') }),
    );
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '摘要 Summary',
      '错误明细 Rows',
      '错误列表 Errors',
    ]);
    const rows = workbook.getWorksheet('错误明细 Rows')!;
    expect(rows.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(rows.getRow(3).values).toEqual([undefined, 'date', 'kpi', 'value', '错误 Errors']);
    expect(rows.getCell('C4').value).toBe('oops');
    expect(rows.getColumn(4).width).toBe(80);
  });

  it('still writes all three sheets when the file had no readable rows', async () => {
    const { result } = await rejected('');
    const workbook = await load(await buildErrorWorkbook({ fileName: 'empty.csv', result }));
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '摘要 Summary',
      '错误明细 Rows',
      '错误列表 Errors',
    ]);
    expect(JSON.stringify(workbook.getWorksheet('摘要 Summary')!.getSheetValues())).toContain('empty.csv');
  });
});
