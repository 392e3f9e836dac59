/**
 * Writes the generated upload files once per benchmark run (outside every measurement), so
 * each workload process only reads a file it did not have to build.
 */

import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { csvCell, UPLOAD_HEADER, UPLOAD_HEADER_ASCII, uploadRows } from './plan.ts';

/** Writes `rows` generated actuals rows as UTF-8 CSV (with a header); skips an existing file. */
export async function writeCsvUpload(path: string, rows: number): Promise<void> {
  if (existsSync(path)) return;
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp);
  let buffer = `${UPLOAD_HEADER.map(csvCell).join(',')}\n`;
  let n = 0;
  for (const cells of uploadRows(rows, false)) {
    buffer += `${cells.map(csvCell).join(',')}\n`;
    if (++n % 10_000 === 0) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  renameSync(tmp, path);
}

/**
 * Writes `rows` generated actuals rows as an XLSX sheet named `actuals`; skips an existing file.
 * `chinese`: Chinese header and names, as real uploads have (see bench/NOTES.md on why the
 * main XLSX figure uses ASCII).
 */
export async function writeXlsxUpload(path: string, rows: number, chinese = false): Promise<void> {
  if (existsSync(path)) return;
  const tmp = `${path}.partial`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true });
  const ws = wb.addWorksheet('actuals');
  ws.addRow([...(chinese ? UPLOAD_HEADER : UPLOAD_HEADER_ASCII)]).commit();
  for (const cells of uploadRows(rows, true, undefined, chinese)) {
    const row = ws.addRow(cells);
    row.getCell(1).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  ws.commit();
  await wb.commit();
  renameSync(tmp, path);
}
