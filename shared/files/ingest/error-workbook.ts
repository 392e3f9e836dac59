/**
 * The workbook a rejected uploader gets back: a summary sheet (what was wrong, how often,
 * what to do), the original rows with an error column and the failing cells highlighted and
 * annotated (row numbers kept, so "row 12" in the email is row 12 here), and a flat list.
 */
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { UploadKind } from '../../ports/index.ts';
import { WorkbookWriter } from '../xlsx-workbook-writer.ts';
import type { RowError } from './errors.ts';
import { type CellValue, foldName, isCellError } from './normalize.ts';
import type { IngestResult } from './parse-upload.ts';
import type { RawRow } from './rows.ts';
import { workbookCellText } from './storable.ts';

type Rejected = Extract<IngestResult, { ok: false }>;

const KIND_LABEL: Record<UploadKind, string> = {
  actuals: '实际 Actuals',
  targets: '目标 Targets',
  milestones: '里程碑 Milestones',
};

/** What each error code means and what to do about it, in both languages. */
export const ERROR_HELP: Record<string, { zh: string; en: string }> = {
  unknown_kpi: {
    zh: '未知指标：使用配置中的指标ID或名称',
    en: 'Unknown KPI: use a KPI id or name from the plan',
  },
  unknown_dimension_value: {
    zh: '未知维度值：使用配置中的取值，或留空表示合计',
    en: 'Unknown dimension value: use a configured value, or leave empty for a total',
  },
  unknown_version: { zh: '未知目标版本', en: 'Unknown target version' },
  ratio_actual: {
    zh: '比率指标不能上传实际值：请上传分子和分母',
    en: 'Ratio KPI: upload its numerator and denominator instead',
  },
  outside_fiscal_years: { zh: '日期不在计划财年内', en: 'Date outside the plan’s fiscal years' },
  bad_date: { zh: '日期或期间无法识别', en: 'Date or period not understood' },
  bad_number: { zh: '数值无效或为空', en: 'Value missing or not a number' },
  duplicate_row: { zh: '同一文件内重复的行', en: 'The same key twice in one file' },
  mixed_grains: {
    zh: '同一指标/维度/财年的目标混用了不同粒度',
    en: 'Targets mix grains for one KPI, dims and year',
  },
  missing_value: { zh: '必填单元格为空', en: 'A required cell is empty' },
  bad_status: { zh: '状态无法识别', en: 'Status not understood' },
  bad_progress: { zh: '进度须在0到1（或0%到100%）之间', en: 'Progress must be 0–1 or 0%–100%' },
  start_after_due: { zh: '开始日期晚于截止日期', en: 'Start after due date' },
  completed_not_done: { zh: '有完成日期但状态不是已完成', en: 'Completion date but status not done' },
  missing_column: { zh: '缺少必填列', en: 'Missing required column' },
  unknown_column: { zh: '列名疑似拼写错误', en: 'Column header looks like a typo' },
  duplicate_column: { zh: '列重复', en: 'Two columns mean the same field' },
  bad_encoding: { zh: '文件编码无法识别', en: 'File encoding not readable' },
  zip_limits: { zh: '工作簿异常（疑似压缩炸弹）', en: 'Workbook refused (zip bomb checks)' },
  corrupt_xlsx: { zh: '工作簿已损坏', en: 'Workbook damaged' },
  too_many_rows: { zh: '行数超过上限', en: 'Too many rows' },
  too_large: { zh: '文件超过大小上限', en: 'File too large' },
  no_data: { zh: '没有数据', en: 'No data' },
  unsupported_format: { zh: '不支持的文件格式', en: 'Unsupported file format' },
  not_text: { zh: '不是文本CSV文件', en: 'Not a text CSV' },
  bad_csv: { zh: 'CSV 格式错误', en: 'Malformed CSV' },
  number_out_of_range: {
    zh: '数值超出可存储范围（无穷大、超过2^53或小于1E-130）',
    en: 'Number outside what can be stored (infinite, beyond 2^53 or below 1E-130)',
  },
  text_too_long: { zh: '文本过长', en: 'Text too long to store or show' },
  bad_characters: { zh: '含有换行或控制字符', en: 'Line break or control character where none may be' },
  out_of_bounds: { zh: '数值超出该指标的合理范围', en: 'Value outside the bounds the KPI allows' },
  component_out_of_bounds: {
    zh: '同一文件中比率指标的分子与分母不合理（如准时订单多于发货订单）',
    en: "Two values in this file break their ratio's bounds (e.g. on-time above shipped orders)",
  },
  grain_conflict: {
    zh: '与已上传文件的粒度不同（同一指标/维度/财年只能一种粒度）',
    en: 'Another upload holds this series at a different grain',
  },
  encrypted_xlsx: { zh: '工作簿有密码保护', en: 'Workbook is password-protected' },
  memory_budget: { zh: '文件展开后过大，无法安全读取', en: 'File too large to read once unpacked' },
};

export interface ErrorWorkbookInput {
  /** The object key or file name, shown in the summary. */
  readonly fileName: string;
  readonly result: Rejected;
  /** The original rows (from {@link readUploadRows}); omit when the file could not be read. */
  readonly rows?: Iterable<RawRow> | AsyncIterable<RawRow> | undefined;
  /** Above this many rows only the failing rows are copied (keeps the workbook mailable). */
  readonly maxCopiedRows?: number;
}

const RED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };

function plain(value: CellValue): ExcelJS.CellValue {
  if (value === null) return null;
  if (isCellError(value)) return value.error;
  if (typeof value === 'number' && !Number.isFinite(value)) return '#VALUE!';
  if (typeof value === 'string') return workbookCellText(value);
  return value;
}

/**
 * Builds the error workbook; returns the .xlsx bytes. Written with exceljs's streaming writer
 * (as the report workbook is): the copied rows are committed as they are read, so a big
 * rejected file does not sit in memory as a whole workbook, and the ingest bundle carries only
 * the writer rather than all of exceljs.
 */
export async function buildErrorWorkbook(input: ErrorWorkbookInput): Promise<Uint8Array> {
  const { result } = input;
  const maxCopied = input.maxCopiedRows ?? 20_000;
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  const workbook = new WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Plan Monitor';
  writeSummary(workbook.addWorksheet('摘要 Summary'), input.fileName, result);

  // The Rows sheet is opened at the header row, because its frozen pane (written when the sheet
  // opens) sits below the header, wherever the uploader's header is.
  let originals: ExcelJS.Worksheet | undefined;
  const openOriginals = (frozenRows: number) =>
    workbook.addWorksheet('错误明细 Rows', {
      views: frozenRows > 0 ? [{ state: 'frozen', ySplit: frozenRows }] : [],
    });
  const byRow = new Map<number, RowError[]>();
  for (const e of result.errors) {
    const at = byRow.get(e.row);
    if (at) at.push(e);
    else byRow.set(e.row, [e]);
  }
  if (input.rows) {
    let errorCol = 0;
    const columnIndex = new Map<string, number>();
    const copyAll = result.rows <= maxCopied;
    for await (const raw of input.rows) {
      const isHeader = !originals && raw.cells.some((c) => c !== null && String(c).trim() !== '');
      const errors = byRow.get(raw.row);
      // Rows above the header are blank: nothing to copy, and the sheet is not open yet.
      if (!originals && !isHeader) continue;
      if (!isHeader && !copyAll && !errors) continue;
      if (isHeader) {
        originals = openOriginals(raw.row);
        errorCol = raw.cells.length + 1;
        raw.cells.forEach((cell, i) => {
          const key = foldName(String(cell ?? '').trim());
          if (key && !columnIndex.has(key)) columnIndex.set(key, i + 1);
        });
        originals.getColumn(errorCol).width = 80;
      }
      const sheet = originals!;
      const row = sheet.getRow(raw.row);
      raw.cells.forEach((cell, i) => {
        row.getCell(i + 1).value = plain(cell);
      });
      if (isHeader) {
        row.getCell(errorCol).value = '错误 Errors';
        row.font = { bold: true };
        row.eachCell((c) => {
          c.fill = HEADER_FILL;
        });
      }
      if (errors) {
        const errorCell = row.getCell(errorCol || raw.cells.length + 1);
        errorCell.value = workbookCellText(
          errors.map((e) => (e.column ? `[${e.column}] ${e.message}` : e.message)).join('\n'),
        );
        errorCell.alignment = { wrapText: true, vertical: 'top' };
        errorCell.font = { color: { argb: 'FF9C0006' } };
        for (const e of errors) {
          const col = e.column ? columnIndex.get(foldName(e.column)) : undefined;
          const cells = col ? [row.getCell(col)] : raw.cells.map((_, i) => row.getCell(i + 1));
          for (const cell of cells) {
            cell.fill = RED_FILL;
            if (col) {
              const previous = typeof cell.note === 'string' ? `${cell.note}\n` : '';
              cell.note = workbookCellText(`${previous}${e.message}`);
            }
          }
        }
      }
      row.commit();
    }
  }
  (originals ?? openOriginals(0)).commit();
  writeErrorList(
    workbook.addWorksheet('错误列表 Errors', { views: [{ state: 'frozen', ySplit: 1 }] }),
    result,
  );
  await workbook.commit();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** The first sheet: what was wrong, how often, what to do. */
function writeSummary(summary: ExcelJS.Worksheet, fileName: string, result: Rejected): void {
  summary.columns = [{ width: 34 }, { width: 90 }];
  const add = (label: string, value: string | number) => {
    const row = summary.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  };
  summary.addRow(['上传被拒绝 Upload rejected']).font = { bold: true, size: 14 };
  add('文件 File', workbookCellText(fileName));
  add('类型 Kind', KIND_LABEL[result.kind]);
  add(
    '格式 Format',
    [
      result.file.format,
      result.file.encoding,
      result.file.delimiter && `delimiter ${result.file.delimiter}`,
      result.file.sheet && `sheet ${result.file.sheet}`,
    ]
      .filter(Boolean)
      .join(', '),
  );
  add('数据行 Data rows', result.rows);
  add('错误数 Errors', result.errorCount);
  add(
    '结果 Result',
    '整个文件未导入（全部或全不）。Nothing from this file was imported: fix every error below and upload the whole file again.',
  );
  if (result.fatal) add('文件问题 File problem', workbookCellText(result.fatal));
  summary.addRow([]);
  summary.addRow(['错误类型 Error type', '次数 Count · 说明 What it means']).font = { bold: true };
  for (const [code, count] of Object.entries(result.errorCounts).sort((a, b) => b[1] - a[1])) {
    const help = ERROR_HELP[code];
    summary.addRow([code, `${count} × ${help ? `${help.zh} / ${help.en}` : code}`]);
  }
  if (result.errorCount > result.errors.length) {
    summary.addRow([]);
    add(
      '注意 Note',
      `只列出前 ${result.errors.length} 个错误 / Only the first ${result.errors.length} errors are listed.`,
    );
  }
  summary.addRow([]);
  add(
    '怎么做 What to do',
    '在“错误明细 Rows”表中，红色单元格有批注说明问题；改正原文件后重新上传到同一文件夹。In the "Rows" sheet the red cells carry a note saying what is wrong; correct your original file and upload it again to the same folder.',
  );
  summary.commit();
}

/** The last sheet: every listed error as one row. */
function writeErrorList(list: ExcelJS.Worksheet, result: Rejected): void {
  list.columns = [
    { header: '行 Row', width: 8 },
    { header: '列 Column', width: 18 },
    { header: '值 Value', width: 22 },
    { header: '问题与处理 Problem and what to do', width: 100 },
    { header: '类型 Type', width: 22 },
  ];
  list.getRow(1).font = { bold: true };
  for (const e of result.errors) {
    list.addRow([
      e.row || '',
      workbookCellText(e.column),
      workbookCellText(e.value),
      workbookCellText(e.message),
      e.code,
    ]);
  }
  list.commit();
}
