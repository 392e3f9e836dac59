/**
 * The readers on files written by real tools (test/fixtures/producers/make.sh: openpyxl,
 * XlsxWriter, pandas, exceljs, LibreOffice, officecrypto-tool, and Excel-style packages zipped
 * by hand where no tool at hand writes the case), each checked fact by fact or cell by cell.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ActualFact } from '../../../../shared/domain/types.ts';
import { readCsvRows } from '../../../../shared/files/ingest/csv-reader.ts';
import { defaultMemoryBudget } from '../../../../shared/files/ingest/memory-budget.ts';
import { type IngestResult, parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { readXlsxRows, serialToDate } from '../../../../shared/files/ingest/xlsx-reader.ts';
import { DEFAULT_ZIP_LIMITS } from '../../../../shared/files/ingest/zip-guard.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';
import { crc32, zipArchive } from '../../../support/zip.ts';

const dir = join(import.meta.dirname, '../../../fixtures/producers/files');
const read = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
/** The zip limits let a 66× part through (the 29 MB → 1.9 GB bomb); these tests go further. */
const LAX_ZIP_LIMITS = { ...DEFAULT_ZIP_LIMITS, maxRatio: 1e6 };
const parse = (body: Uint8Array, memoryBudget?: number) =>
  parseUpload({
    config: uploadTestConfig,
    kind: 'actuals',
    body,
    ...(memoryBudget ? { memoryBudget, zipLimits: LAX_ZIP_LIMITS } : {}),
  });

/** The rows every producer wrote (make_python.py ROWS), as facts. */
const FACTS: ActualFact[] = [
  { kpi: 'gmv', period: '2026-11-22', dims: { channel: 'tmall', category: 'pets' }, value: 1234.5 },
  { kpi: 'orders', period: '2026-11-23', dims: { channel: 'jd', category: 'beauty' }, value: 17 },
  { kpi: 'sessions', period: '2026-11-24', dims: { channel: 'douyin' }, value: 3400 },
  { kpi: 'return_rate', period: '2026-11-25', dims: { channel: 'tmall', category: 'pets' }, value: 0.0325 },
];

function factsOf(result: IngestResult): unknown {
  if (!result.ok) expect.fail(JSON.stringify(result.errors, null, 2));
  if (result.kind !== 'actuals') expect.fail(result.kind);
  return JSON.parse(JSON.stringify(result.actuals.toArray()));
}

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

describe('the same rows written by every producer', () => {
  const producers: [string, Record<string, string>][] = [
    ['cross-openpyxl.xlsx', { format: 'xlsx' }],
    ['cross-xlsxwriter.xlsx', { format: 'xlsx' }],
    ['cross-xlsxwriter-constant-memory.xlsx', { format: 'xlsx' }],
    ['cross-pandas-openpyxl.xlsx', { format: 'xlsx' }],
    ['cross-pandas-xlsxwriter.xlsx', { format: 'xlsx' }],
    ['cross-exceljs.xlsx', { format: 'xlsx' }],
    ['cross-libreoffice-from-csv.xlsx', { format: 'xlsx' }],
    ['cross-libreoffice-from-ods.xlsx', { format: 'xlsx' }],
    ['cross-libreoffice-iso-ooxml.xlsx', { format: 'xlsx' }],
    ['cross-excel-style.xlsx', { format: 'xlsx' }],
    ['cross-strict-ooxml.xlsx', { format: 'xlsx' }],
    ['cross-backslash-names.xlsx', { format: 'xlsx' }],
    ['cross-renamed-workbook-part.xlsx', { format: 'xlsx' }],
    ['cross-libreoffice-gbk.csv', { encoding: 'GBK/GB18030 (Excel CSV on Chinese Windows)', delimiter: ',' }],
    ['cross-libreoffice-big5.csv', { encoding: 'Big5 (Excel CSV on Traditional-Chinese Windows)' }],
    ['cross-libreoffice-utf16-tab.txt', { encoding: 'UTF-16LE (Unicode text)', delimiter: 'tab' }],
    ['cross-libreoffice-semicolon.csv', { encoding: 'UTF-8', delimiter: ';' }],
    ['gbk-pandas.csv', { encoding: 'GBK/GB18030 (Excel CSV on Chinese Windows)' }],
    ['big5-pandas.csv', { encoding: 'Big5 (Excel CSV on Traditional-Chinese Windows)' }],
    ['semicolon-decimal-comma-pandas.csv', { delimiter: ';' }],
    ['sep-line-pandas.csv', { delimiter: ';' }],
    ['date1904-openpyxl.xlsx', { format: 'xlsx' }],
    ['date1904-xlsxwriter.xlsx', { format: 'xlsx' }],
    ['date1904-libreoffice.xlsx', { format: 'xlsx' }],
    ['date1904-excel-x15.xlsx', { format: 'xlsx' }],
    ['empty-v-excel-style.xlsx', { format: 'xlsx' }],
  ];

  it('covers at least 10 producers', () => {
    expect(producers.length).toBeGreaterThanOrEqual(10);
  });

  it.each(producers)('%s reads to the same facts', async (file, described) => {
    const result = await parse(read(file));
    expect(factsOf(result)).toEqual(FACTS);
    expect(result.file).toMatchObject(described);
  });
});

describe('cases that used to read wrong or be refused', () => {
  it('a 1904 workbook whose <x15:workbookPr> follows the main one keeps the 1904 system', async () => {
    const rows = [];
    for await (const row of readXlsxRows(read('date1904-excel-x15.xlsx'), 'actuals')) rows.push(row.cells[0]);
    expect(rows.slice(1)).toEqual([
      utc(2026, 11, 22),
      utc(2026, 11, 23),
      utc(2026, 11, 24),
      utc(2026, 11, 25),
    ]);
  });

  it('an empty <v/> in a shared-string cell is blank, not shared string 0 (the header "date")', async () => {
    const rows = [];
    for await (const row of readXlsxRows(read('empty-v-excel-style.xlsx'), 'actuals')) rows.push(row.cells);
    expect(rows[3]).toEqual([utc(2026, 11, 24), '访客数', '抖音', null, 3400]);
  });

  it('skips a hidden and a very hidden sheet when no sheet is named for the kind', async () => {
    const result = await parse(read('hidden-sheets-openpyxl.xlsx'));
    expect(result.file.sheet).toBe('Data');
    expect(factsOf(result)).toEqual(FACTS);
  });

  it('says a formula has no saved result instead of calling the cell empty', async () => {
    const result = await parse(read('formula-no-result-openpyxl.xlsx'));
    if (result.ok) expect.fail('accepted');
    expect(result.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [2, 'value', '=1000+234.5'],
      [3, 'date', '=TODAY()'],
    ]);
    for (const error of result.errors) expect(error.message).toContain('has no saved result');
  });

  it('calls a password-protected workbook that, not an old .xls', async () => {
    const result = await parse(read('encrypted-officecrypto.xlsx'));
    if (result.ok) expect.fail('accepted');
    expect(result.errorCounts).toEqual({ encrypted_xlsx: 1 });
    expect(result.fatal).toContain('protected with a password');
    expect(result.fatal).not.toContain('97-2003');
  });

  it('decodes a Big5 header with no trail byte below 0xA1 as Big5, not as garbled GBK', () => {
    expect([...readCsvRows(read('big5-header-only.csv'))]).toEqual([
      { row: 1, cells: ['日期', '指標', '數值'] },
    ]);
  });

  it('shows both readings of a number in a semicolon file that does not say which mark it uses', async () => {
    const result = await parse(read('semicolon-two-ways-pandas.csv'));
    if (result.ok) expect.fail('accepted');
    expect(result.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [2, 'value', '12,500'],
      [3, 'value', '1,250'],
    ]);
    expect(result.errors[0]!.message).toContain(
      '12.5 with a decimal comma, or 12500 with a thousands separator',
    );
    expect(result.errors[1]!.message).toContain(
      '1.25 with a decimal comma, or 1250 with a thousands separator',
    );
  });

  // XlsxWriter writes 1900-01-01 as serial 0, which Excel shows as "1900-01-00": a serial below
  // 1 is a time of day on the 1899-12-30 base, as every reader gives it.
  it.each([
    ['early-dates-openpyxl.xlsx', utc(1900, 1, 1)],
    ['early-dates-xlsxwriter.xlsx', utc(1899, 12, 30)],
  ])('%s: dates before 1900-03-01 and elapsed times read as the tool wrote them', async (file, first) => {
    const rows = [];
    for await (const row of readXlsxRows(read(file), 'actuals')) rows.push(row.cells);
    expect(rows.map((cells) => cells[0])).toEqual([
      first,
      utc(1900, 1, 31),
      utc(1900, 2, 28),
      utc(1900, 3, 1),
      utc(1904, 1, 1),
    ]);
    expect(rows.slice(0, 3).map((cells) => cells[1])).toEqual([36.5, 90, 1000]);
  });

  it('serial 60 is the phantom 1900-02-29 (no date); without the leap bug serials count plainly', () => {
    const excel = { date1904: false, leapBug1900: true };
    expect(serialToDate(59, excel)).toEqual(utc(1900, 2, 28));
    expect(Number.isNaN(serialToDate(60, excel).getTime())).toBe(true);
    expect(serialToDate(61, excel)).toEqual(utc(1900, 3, 1));
    expect(serialToDate(0.5, excel)).toEqual(new Date(Date.UTC(1899, 11, 30, 12)));
    expect(serialToDate(1, { date1904: false, leapBug1900: false })).toEqual(utc(1899, 12, 31));
  });
});

describe('memory budget', () => {
  const MB = 1024 * 1024;
  /** A workbook whose shared-strings part holds `count` strings of `length` characters. */
  function textHeavyWorkbook(count: number, length: number, extra: Record<string, string> = {}): Uint8Array {
    const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    const item = `<si><t>${'x'.repeat(length)}</t></si>`;
    const parts: Record<string, string> = {
      '_rels/.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      'xl/workbook.xml': `<workbook xmlns="${main}" xmlns:r="${rel}"><sheets><sheet name="Actuals" sheetId="1" r:id="s"/></sheets></workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="s" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="t" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
      'xl/worksheets/sheet1.xml': `<worksheet xmlns="${main}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
      'xl/sharedStrings.xml': `<sst xmlns="${main}">${item.repeat(count)}</sst>`,
      ...extra,
    };
    return new Uint8Array(
      zipArchive(
        Object.entries(parts).map(([name, text]) => {
          const data = Buffer.from(text);
          return { name, packed: deflateRawSync(data), size: data.length, crc: crc32(data) };
        }),
      ),
    );
  }

  it('refuses a shared-strings part that inflates past the budget before inflating it', async () => {
    // 8 MB of text packed into a few KB (a 1.9 GB part of 29 MB is the same, scaled down).
    const bomb = textHeavyWorkbook(8, MB);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const result = await parse(bomb, 4 * MB);
    if (result.ok) expect.fail('accepted');
    expect(result.errorCounts).toEqual({ memory_budget: 1 });
    expect(result.fatal).toMatch(
      /xl\/sharedStrings\.xml, 9 MB inflated\) needs about 9 MB of memory, more than the 4 MB/,
    );
  });

  it('counts what many small strings cost kept, beyond their XML', async () => {
    // 200k one-character strings: 3.6 MB of XML, about 6.8 MB kept.
    const result = await parse(textHeavyWorkbook(200_000, 1), 5 * MB);
    if (result.ok) expect.fail('accepted');
    expect(result.errorCounts).toEqual({ memory_budget: 1 });
    // The same workbook within a budget that holds it gets as far as its (bad) header.
    const roomy = await parse(textHeavyWorkbook(200_000, 1), 16 * MB);
    expect(roomy.ok ? undefined : roomy.errorCounts.memory_budget).toBeUndefined();
  });

  it('refuses a part read whole (styles) that inflates past its limit, naming it', async () => {
    const styles = `<styleSheet>${' '.repeat(17 * MB)}</styleSheet>`;
    const result = await parse(textHeavyWorkbook(1, 1, { 'xl/styles.xml': styles }), 64 * MB);
    if (result.ok) expect.fail('accepted');
    expect(result.errorCounts).toEqual({ zip_limits: 1 });
    expect(result.fatal).toContain('its part xl/styles.xml inflates to 17 MB');
  });

  it('refuses a CSV whose decoded text would not fit the budget', async () => {
    const csv = Buffer.from(`date,kpi,channel,value\n${'2026-11-22,gmv,tmall,1\n'.repeat(60_000)}`);
    const result = await parse(new Uint8Array(csv), 2 * MB);
    if (result.ok) expect.fail('accepted');
    expect(result.errorCounts).toEqual({ memory_budget: 1 });
    expect(result.fatal).toContain('its text (UTF-8, decoded)');
  });

  it('takes half the smaller of the V8 heap limit and the Lambda function memory', () => {
    expect(defaultMemoryBudget({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256' })).toBe(128 * MB);
    const unbounded = defaultMemoryBudget({});
    expect(unbounded).toBeGreaterThan(128 * MB);
    expect(defaultMemoryBudget({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1000000' })).toBe(unbounded);
  });
});
