/**
 * The XLSX reader on workbooks written by exceljs and, for what exceljs cannot write (inline
 * rich text, phonetic runs, 1904 dates, error cells without a formula, sparse or unreferenced
 * cells, `t="d"`), on SpreadsheetML zipped by hand.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type CellValue, UNCALCULATED } from '../../../../shared/files/ingest/normalize.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import {
  chooseSheet,
  formatShows,
  listSheets,
  readXlsxRowBatches,
  readXlsxRows,
} from '../../../../shared/files/ingest/xlsx-reader.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';
import { deflatedPart, zipArchive } from '../../../support/zip.ts';

/** A zip of deflated parts; `declare` overrides an entry's declared inflated size. */
function zip(parts: Record<string, string>, declare: Record<string, number> = {}): Uint8Array {
  return new Uint8Array(
    zipArchive(Object.entries(parts).map(([path, text]) => deflatedPart(path, text, declare[path]))),
  );
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

interface HandSheet {
  readonly name: string;
  /** The content of `<sheetData>`. */
  readonly rows: string;
  readonly chart?: boolean;
}

/** A workbook of hand-written SpreadsheetML parts. */
function handXlsx(options: {
  sheets: HandSheet[];
  sharedStrings?: string[];
  /** numFmtId per cell style index (s="1" → numFmts[1]). */
  numFmts?: number[];
  customFormats?: Record<number, string>;
  date1904?: boolean;
  declare?: Record<string, number>;
}): Uint8Array {
  const parts: Record<string, string> = {};
  const rels = options.sheets.map((s, i) =>
    s.chart
      ? `<Relationship Id="rId${i + 1}" Type="${REL}/chartsheet" Target="chartsheets/sheet${i + 1}.xml"/>`
      : `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  rels.push(`<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>`);
  if (options.sharedStrings) {
    rels.push(`<Relationship Id="rIdT" Type="${REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>`);
    parts['xl/sharedStrings.xml'] =
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}">${options.sharedStrings
        .map((s) => `<si>${s}</si>`)
        .join('')}</sst>`;
  }
  parts['xl/_rels/workbook.xml.rels'] =
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`;
  parts['xl/workbook.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">` +
    `<workbookPr${options.date1904 ? ' date1904="1"' : ''}/><sheets>${options.sheets
      .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`;
  const custom = Object.entries(options.customFormats ?? {});
  parts['xl/styles.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}">` +
    `<numFmts count="${custom.length}">${custom.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code.replace(/"/g, '&quot;')}"/>`).join('')}</numFmts>` +
    `<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>` +
    `<cellXfs count="${(options.numFmts ?? [0]).length}">${(options.numFmts ?? [0]).map((id) => `<xf numFmtId="${id}" xfId="0"/>`).join('')}</cellXfs></styleSheet>`;
  options.sheets.forEach((s, i) => {
    parts[s.chart ? `xl/chartsheets/sheet${i + 1}.xml` : `xl/worksheets/sheet${i + 1}.xml`] =
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${s.rows}</sheetData></worksheet>`;
  });
  return zip(parts, options.declare);
}

async function rowsOf(
  body: Uint8Array,
  kind: 'actuals' | 'targets' | 'milestones' = 'actuals',
): Promise<{ row: number; cells: readonly CellValue[]; sheet: string }[]> {
  const rows = [];
  for await (const row of readXlsxRows(body, kind)) rows.push(row);
  return rows;
}

const cellsOf = async (body: Uint8Array) => (await rowsOf(body)).map((r) => r.cells);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

async function exceljsXlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('readXlsxRows: strings', () => {
  it('reads shared strings, rich-text shared strings and hyperlinked text written by exceljs', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('Actuals');
      ws.addRow(['日期', '指标', 'channel']);
      ws.addRow([
        '2026-11-22',
        { richText: [{ text: '成交' }, { text: '额', font: { bold: true } }] },
        '天猫',
      ]);
      ws.addRow(['2026-11-23', '成交额', { text: 'R&D <1>', hyperlink: 'https://example.com' }]);
    });
    expect(await cellsOf(body)).toEqual([
      ['日期', '指标', 'channel'],
      ['2026-11-22', '成交额', '天猫'],
      ['2026-11-23', '成交额', 'R&D <1>'],
    ]);
  });

  it('joins rich-text runs, leaves out phonetic runs and undoes _xHHHH_ escapes', async () => {
    const body = handXlsx({
      sharedStrings: [
        '<t>plain</t>',
        '<r><rPr><b/></rPr><t>成交</t></r><r><t xml:space="preserve"> 额</t></r>',
        '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
        '<t>line_x000D_break _x005F_x0041_</t>',
        '<t/>',
      ],
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>' +
            '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([['plain', '成交 额', '東京', 'line\rbreak _x0041_', '']]);
  });

  it('reads inline strings, inline rich text and formula string results', async () => {
    const body = handXlsx({
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="inlineStr"><is><t>天猫 &amp; 京东</t></is></c>' +
            '<c r="B1" t="inlineStr"><is><r><t>成交</t></r><r><rPr><i/></rPr><t>额</t></r></is></c>' +
            '<c r="C1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D1" t="str"><v>plain str</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([['天猫 & 京东', '成交额', 'ab', 'plain str']]);
  });
});

describe('readXlsxRows: Chinese text across inflate chunk boundaries', () => {
  const names = ['成交额', '订单数', '访客数', '天猫旗舰店', '京东自营', '抖音直播间', '华东区域仓库'];

  it('decodes a large inline-string sheet without a single U+FFFD', async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) =>
        `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>${names[i % 7]}${i}</t></is></c>` +
        `<c r="B${i + 1}" t="inlineStr"><is><t>备注：第${i}行，双十一预热活动</t></is></c></row>`,
    ).join('');
    const body = handXlsx({ sheets: [{ name: '实际', rows }] });
    const cells = await cellsOf(body);
    expect(cells).toHaveLength(20_000);
    cells.forEach((row, i) => {
      expect(row).toEqual([`${names[i % 7]}${i}`, `备注：第${i}行，双十一预热活动`]);
    });
  }, 60_000);

  it('decodes a large shared-string table (exceljs) the same way', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('实际');
      for (let i = 0; i < 15_000; i++) ws.addRow([`${names[i % 7]}${i}`, `渠道说明${i}：直播间与旗舰店`]);
    });
    const cells = await cellsOf(body);
    expect(cells).toHaveLength(15_000);
    cells.forEach((row, i) => {
      expect(row).toEqual([`${names[i % 7]}${i}`, `渠道说明${i}：直播间与旗舰店`]);
    });
  }, 60_000);

  it('hands the rows over in batches of one inflated chunk, in order', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('Actuals');
      for (let i = 0; i < 30_000; i++) ws.addRow([i, `第${i}行`]);
    });
    const sizes: number[] = [];
    let next = 1;
    for await (const batch of readXlsxRowBatches(body, 'actuals')) {
      sizes.push(batch.length);
      for (const row of batch) expect(row.row).toBe(next++);
    }
    expect(next).toBe(30_001);
    expect(sizes.length).toBeGreaterThan(1);
  }, 60_000);
});

describe('readXlsxRows: numbers, dates and percents', () => {
  it('turns date-formatted numbers into dates and leaves percent and other numbers as they are', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('Actuals');
      ws.addRow([utc(2026, 11, 22), 0.032, 1234.5, utc(2026, 11, 23), 46349, 0.5, 12345.678]);
      const formats = [
        'yyyy-mm-dd',
        '0.0%',
        '#,##0.00 "元"',
        'yyyy"年"m"月"d"日"',
        '[$-804]yyyy/m/d',
        '0.00%',
        '0.00E+00',
      ];
      formats.forEach((fmt, i) => {
        ws.getColumn(i + 1).numFmt = fmt;
      });
    });
    expect(await cellsOf(body)).toEqual([
      [utc(2026, 11, 22), 0.032, 1234.5, utc(2026, 11, 23), utc(2026, 11, 23), 0.5, 12345.678],
    ]);
  });

  it('knows the built-in date, time and percent formats, the CJK ones included', async () => {
    // style index → numFmtId: 0 General, 1 → 14 m/d/yyyy, 2 → 22 m/d/yy h:mm, 3 → 31 yyyy年m月d日,
    // 4 → 9 0%, 5 → 10 0.00%, 6 → 3 #,##0, 7 → 49 @, 8 → 164 custom 上午/下午h"时"mm"分"
    const body = handXlsx({
      numFmts: [0, 14, 22, 31, 9, 10, 3, 49, 164],
      customFormats: { 164: '上午/下午h"时"mm"分"' },
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1"><v>46348</v></c><c r="B1" s="1"><v>46348</v></c><c r="C1" s="2"><v>46348.75</v></c>' +
            '<c r="D1" s="3"><v>46348</v></c><c r="E1" s="4"><v>0.032</v></c><c r="F1" s="5"><v>1.5</v></c>' +
            '<c r="G1" s="6"><v>1000</v></c><c r="H1" s="7"><v>7</v></c><c r="I1" s="8"><v>0.5</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([
      [
        46348,
        utc(2026, 11, 22),
        new Date(Date.UTC(2026, 10, 22, 18)),
        utc(2026, 11, 22),
        0.032,
        1.5,
        1000,
        7,
        new Date(Date.UTC(1899, 11, 30, 12)),
      ],
    ]);
  });

  it('classifies format codes', () => {
    expect(formatShows('yyyy-mm-dd')).toBe('date');
    expect(formatShows('[$-F800]dddd, mmmm dd, yyyy')).toBe('date');
    expect(formatShows('[h]:mm:ss')).toBe('hours');
    expect(formatShows('[mm]:ss')).toBe('minutes');
    expect(formatShows('[s]')).toBe('seconds');
    expect(formatShows('[Red][h]:mm')).toBe('hours');
    expect(formatShows('"[h]"yyyy-mm-dd')).toBe('date');
    expect(formatShows('0.0%')).toBe('percent');
    expect(formatShows('0.00%;[Red]-0.00%')).toBe('percent');
    expect(formatShows('General')).toBe('number');
    expect(formatShows('#,##0.00_);[Red](#,##0.00)')).toBe('number');
    expect(formatShows('"days"0')).toBe('number');
    expect(formatShows('0.00E+00')).toBe('number');
    expect(formatShows('[$¥-804]#,##0.00')).toBe('number');
    expect(formatShows('\\d0')).toBe('number');
  });

  it('reads dates of the 1904 date system', async () => {
    // 2026-11-22 is serial 46348 in the 1900 system and 44886 in the 1904 one.
    const body = handXlsx({
      date1904: true,
      numFmts: [0, 14],
      sheets: [
        {
          name: 'Actuals',
          rows: '<row r="1"><c r="A1" s="1"><v>44886</v></c><c r="B1"><v>44886</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([[utc(2026, 11, 22), 44886]]);
  });

  it('reads ISO dates (t="d") and booleans', async () => {
    const body = handXlsx({
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="d"><v>2026-11-22T00:00:00</v></c><c r="B1" t="d"><v>2026-11-23</v></c>' +
            '<c r="C1" t="b"><v>1</v></c><c r="D1" t="b"><v>0</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([[utc(2026, 11, 22), utc(2026, 11, 23), true, false]]);
  });

  it('accepts a percent-formatted cell of a percent KPI as the fraction it holds', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('Actuals');
      ws.addRow(['日期', '指标', '数值']);
      ws.addRow([utc(2026, 11, 22), '退货率', 0.032]);
      ws.getColumn(1).numFmt = 'yyyy-mm-dd';
      ws.getColumn(3).numFmt = '0.0%';
    });
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (!result.ok || result.kind !== 'actuals') return expect.fail(JSON.stringify(result));
    expect(result.actuals.toArray().map((f) => f.value)).toEqual([0.032]);
  });
});

describe('readXlsxRows: formulas and errors', () => {
  it('uses the cached result of a formula, of any type', async () => {
    const body = await exceljsXlsx((wb) => {
      const ws = wb.addWorksheet('Actuals');
      ws.addRow([
        { formula: '1000+234.5', result: 1234.5 },
        { formula: '"天"&"猫"', result: '天猫' },
        { formula: 'DATE(2026,11,22)', result: utc(2026, 11, 22) },
        { formula: '1/40', result: 0.025 },
      ]);
      ws.getColumn(3).numFmt = 'yyyy-mm-dd';
      ws.getColumn(4).numFmt = '0.0%';
    });
    expect(await cellsOf(body)).toEqual([[1234.5, '天猫', utc(2026, 11, 22), 0.025]]);
  });

  it('turns error cells into errors, never NaN or 0', async () => {
    const body = handXlsx({
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>' +
            '<c r="C1"><f>SUM(A1:A2)</f></c><c r="D1" t="e"><f t="shared" si="0"/><v>#REF!</v></c></row>',
        },
      ],
    });
    expect(await cellsOf(body)).toEqual([
      [
        { error: '#N/A' },
        { error: '#ERROR', formula: '1/0' },
        { error: UNCALCULATED, formula: 'SUM(A1:A2)' },
        { error: '#ERROR', formula: '' },
      ],
    ]);
  });

  it('reports an error cell in the value column as a row error naming the cell', async () => {
    const body = handXlsx({
      numFmts: [0, 14],
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>kpi</t></is></c>' +
            '<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>' +
            '<row r="2"><c r="A2" s="1"><v>46348</v></c><c r="B2" t="inlineStr"><is><t>gmv</t></is></c><c r="C2" t="e"><v>#N/A</v></c></row>' +
            '<row r="3"><c r="A3" s="1"><v>46348</v></c><c r="B3" t="inlineStr"><is><t>orders</t></is></c><c r="C3" t="e"><f>A3/0</f><v>#DIV/0!</v></c></row>',
        },
      ],
    });
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (result.ok) return expect.fail('accepted');
    expect(result.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [2, 'value', '#N/A'],
      [3, 'value', '=A3/0'],
    ]);
    expect(result.errors[0]!.message).toContain('the error #N/A');
    expect(result.errors[1]!.message).toContain('The formula =A3/0 ends in an error');
  });
});

describe('readXlsxRows: sparse and empty cells', () => {
  it('places cells by reference, fills gaps with null and skips empty rows and trailing empty cells', async () => {
    const body = handXlsx({
      numFmts: [0, 14],
      sheets: [
        {
          name: 'Actuals',
          rows:
            '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1"><v>1</v></c></row>' +
            '<row r="3"><c r="C3"><v>3</v></c><c r="E3" s="1"/><c r="F3"><v></v></c></row>' +
            '<row r="4" spans="1:3"/><row r="5"><c r="A5" s="1"/></row>' +
            '<row r="7"><c r="AA7"><v>27</v></c></row>' +
            // no r on rows or cells: counted on from the previous ones
            '<row><c><v>1</v></c><c><v>2</v></c><c r="E8"><v>5</v></c><c><v>6</v></c></row>',
        },
      ],
    });
    const rows = await rowsOf(body);
    expect(rows.map((r) => r.row)).toEqual([1, 3, 7, 8]);
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 1],
      [null, null, 3],
      [...Array.from({ length: 26 }, () => null), 27],
      [1, 2, null, null, 5, 6],
    ]);
  });

  it('reads SpreadsheetML written with a namespace prefix', async () => {
    const body = zip({
      'xl/workbook.xml': `<x:workbook xmlns:x="${MAIN}" xmlns:r="${REL}"><x:sheets><x:sheet name="Data" sheetId="1" r:id="R1"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="R1" Type="${REL}/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>`,
      'xl/worksheets/data.xml': `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>kpi</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
    });
    expect(listSheets(body)).toEqual([
      { name: 'Data', state: 'visible', fileNo: '', path: 'xl/worksheets/data.xml' },
    ]);
    expect(await cellsOf(body)).toEqual([[null, 'kpi']]);
  });
});

describe('readXlsxRows: sheet choice', () => {
  const sheet = (name: string) => ({
    name,
    rows: `<row r="1"><c r="A1" t="inlineStr"><is><t>${name}</t></is></c></row>`,
  });

  it('picks the sheet named for the kind in Chinese, else the first worksheet', async () => {
    const body = handXlsx({
      sheets: [
        { ...sheet('图表'), chart: true },
        sheet('说明'),
        sheet('目标值'),
        sheet('實際'),
        sheet('里程碑'),
      ],
    });
    expect(listSheets(body).map((s) => s.name)).toEqual(['说明', '目标值', '實際', '里程碑']);
    const first = async (kind: 'actuals' | 'targets' | 'milestones') => (await rowsOf(body, kind))[0];
    expect(await first('actuals')).toEqual({ row: 1, cells: ['實際'], sheet: '實際' });
    expect(await first('targets')).toEqual({ row: 1, cells: ['目标值'], sheet: '目标值' });
    expect(await first('milestones')).toEqual({ row: 1, cells: ['里程碑'], sheet: '里程碑' });
    const other = handXlsx({ sheets: [sheet('说明'), sheet('Sheet2')] });
    expect((await rowsOf(other, 'targets'))[0]?.sheet).toBe('说明');
  });

  it('reports the sheet it read', async () => {
    const body = await exceljsXlsx((wb) => {
      wb.addWorksheet('说明').addRow(['请在“目标”表中填写']);
      const ws = wb.addWorksheet('目标');
      ws.addRow(['版本', '指标', '期间', '数值']);
      ws.addRow(['预算', '成交额', 'FY2026-Q1', 5e6]);
    });
    const result = await parseUpload({ config: uploadTestConfig, kind: 'targets', body });
    if (!result.ok) return expect.fail(JSON.stringify(result.errors));
    expect(result.file).toEqual({ format: 'xlsx', sheet: '目标' });
  });
});

describe('readXlsxRows: damaged files', () => {
  it('refuses a part that inflates to more than it declares', async () => {
    const rows = Array.from(
      { length: 2000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join('');
    const body = handXlsx({
      sheets: [{ name: 'Actuals', rows }],
      declare: { 'xl/worksheets/sheet1.xml': 1000 },
    });
    await expect(rowsOf(body)).rejects.toThrow(/damaged.*larger than it declares/);
  });

  it('calls malformed XML a damaged workbook', async () => {
    const body = handXlsx({ sheets: [{ name: 'Actuals', rows: '<row r="1"><c r="A1"><v>1</v></row>' }] });
    await expect(rowsOf(body)).rejects.toThrow(/damaged.*bad XML in xl\/worksheets\/sheet1\.xml/);
    await expect(rowsOf(body)).rejects.toThrow(
      '(bad XML in xl/worksheets/sheet1.xml: </row> where </c> was expected)',
    );
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    expect(result.ok ? undefined : result.errorCounts).toEqual({ corrupt_xlsx: 1 });

    const outside = handXlsx({ sheets: [{ name: 'Actuals', rows: '<c r="A1"><v>1</v></c>' }] });
    await expect(rowsOf(outside)).rejects.toThrow(/damaged.*bad XML in .*: a cell <c> outside a <row>/);
  });

  it('calls a truncated sheet a damaged workbook, whether it ends inside a tag or an element', async () => {
    const sheet = `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row><row r="2"><c r="A2"><v>1</v></c>`;
    const truncated = (xml: string) =>
      zip({
        'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Actuals" sheetId="1" r:id="R1"/></sheets></workbook>`,
        'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="R1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
        'xl/worksheets/sheet1.xml': xml,
      });
    await expect(rowsOf(truncated(sheet))).rejects.toThrow(
      /damaged.*bad XML in xl\/worksheets\/sheet1\.xml: the part ends inside <row>/,
    );
    await expect(rowsOf(truncated(`${sheet}<c r="B2" t="s`))).rejects.toThrow(
      /damaged.*bad XML in xl\/worksheets\/sheet1\.xml: the part ends inside a tag/,
    );
  });

  it('calls a reference to a missing shared string a damaged workbook', async () => {
    const body = handXlsx({
      sharedStrings: ['<t>a</t>'],
      sheets: [{ name: 'Actuals', rows: '<row r="1"><c r="A1" t="s"><v>5</v></c></row>' }],
    });
    await expect(rowsOf(body)).rejects.toThrow(/shared string 5/);
  });
});

describe('chooseSheet', () => {
  const sheet = (name: string, state: 'visible' | 'hidden' | 'veryHidden') => ({
    name,
    state,
    fileNo: '',
    path: `xl/worksheets/${name}.xml`,
  });

  it('takes the sheet named for the kind even when hidden, else the first visible, else the first', () => {
    const sheets = [sheet('Lookup', 'hidden'), sheet('Scratch', 'veryHidden'), sheet('Data', 'visible')];
    expect(chooseSheet(sheets, 'actuals').name).toBe('Data');
    expect(chooseSheet([...sheets, sheet('实际', 'hidden')], 'actuals').name).toBe('实际');
    expect(chooseSheet(sheets.slice(0, 2), 'actuals').name).toBe('Lookup');
  });
});
