import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readCsvRows } from '../../../../shared/files/ingest/csv-reader.ts';
import { detectDelimiter, detectEncoding, detectFormat } from '../../../../shared/files/ingest/detect.ts';
import { UploadFileError } from '../../../../shared/files/ingest/errors.ts';
import { mapHeaders } from '../../../../shared/files/ingest/headers.ts';
import { foldName, UNCALCULATED } from '../../../../shared/files/ingest/normalize.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { listSheets, readXlsxRows } from '../../../../shared/files/ingest/xlsx-reader.ts';
import {
  checkZipLimits,
  DEFAULT_ZIP_LIMITS,
  readZipDirectory,
} from '../../../../shared/files/ingest/zip-guard.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';
import { zipArchive } from '../../../support/zip.ts';

describe('detectEncoding', () => {
  it('recognises BOMs, BOM-less UTF-16, UTF-8 and falls back to GB18030', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf8', bomLength: 3 });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf16le', bomLength: 2 });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf16be', bomLength: 2 });
    expect(detectEncoding(Buffer.from('date,kpi', 'utf16le')).encoding).toBe('utf16le');
    expect(detectEncoding(Buffer.from('日期,指标', 'utf8')).encoding).toBe('utf8');
    expect(detectEncoding(iconv.encode('日期,指标', 'gbk')).encoding).toBe('gb18030');
  });

  it('refuses binary data that is not UTF-16 text', () => {
    expect(() => detectEncoding(Buffer.from([0x61, 0, 0, 0x62, 0x63, 0x64, 0x65, 0x66]))).toThrow(
      UploadFileError,
    );
  });
});

describe('detectDelimiter and detectFormat', () => {
  it('picks the delimiter that occurs most outside quotes', () => {
    expect(detectDelimiter('date;kpi;"a,b,c";value')).toBe(';');
    expect(detectDelimiter('date\tkpi\tvalue')).toBe('\t');
    expect(detectDelimiter('date,kpi,value')).toBe(',');
    expect(detectDelimiter('value')).toBe(',');
  });

  it('decides the format from the bytes, not the name', () => {
    expect(detectFormat(Buffer.from('PK\u0003\u0004'))).toBe('xlsx');
    expect(detectFormat(Buffer.from('a,b'))).toBe('csv');
  });
});

describe('readCsvRows', () => {
  it('decodes a GBK file across chunk boundaries without splitting characters', () => {
    const text = `日期,指标,数值\n${Array.from({ length: 120_000 }, (_, i) => `2026-11-22,成交额,${i}`).join('\n')}\n`;
    const rows = [...readCsvRows(iconv.encode(text, 'gbk'))];
    expect(rows).toHaveLength(120_001);
    expect(rows.at(-1)).toEqual({ row: 120_001, cells: ['2026-11-22', '成交额', '119999'] });
    expect(rows.every((r) => r.cells[1] === '成交额' || r.row === 1)).toBe(true);
  }, 30_000);
});

describe('mapHeaders', () => {
  it('maps English, simplified and traditional headers and configured dimension aliases', () => {
    const map = mapHeaders(
      ['期間', '指標', '數值', '銷售渠道', 'Ｃａｔｅｇｏｒｙ', '备注'],
      'actuals',
      uploadTestConfig,
    );
    expect(map.fields).toEqual({ period: 0, kpi: 1, value: 2 });
    expect(map.dimensions).toEqual({ channel: 3, category: 4 });
  });

  it('folds traditional characters to simplified', () => {
    expect(foldName('區域')).toBe(foldName('区域'));
  });
});

describe('XLSX reading', () => {
  it('flattens formula results, rich text, hyperlinks and errors', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook
      .addWorksheet('Actuals')
      .addRow([
        { formula: 'A1*2', result: 4 },
        { richText: [{ text: '成交' }, { text: '额', font: { bold: true } }] },
        { text: '天猫', hyperlink: 'https://tmall.com' },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        { formula: 'A1' },
        { error: '#N/A' },
      ]);
    const body = new Uint8Array(await workbook.xlsx.writeBuffer());
    const rows = [];
    for await (const row of readXlsxRows(body, 'actuals')) rows.push(row.cells);
    expect(rows).toEqual([
      [
        4,
        '成交额',
        '天猫',
        { error: '#ERROR', formula: '1/0' },
        { error: UNCALCULATED, formula: 'A1' },
        { error: '#N/A' },
      ],
    ]);
  });

  it('reads the sheet named for the kind even when it is not first, else the first sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Readme').addRow(['x']);
    workbook.addWorksheet('Targets').addRow(['kpi']);
    workbook.addWorksheet('里程碑').addRow(['id']);
    const body = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(listSheets(body).map((s) => s.name)).toEqual(['Readme', 'Targets', '里程碑']);
    const first = async (kind: 'actuals' | 'targets' | 'milestones') => {
      const cells: unknown[] = [];
      for await (const row of readXlsxRows(body, kind)) cells.push(row.cells[0]);
      return cells[0];
    };
    expect(await first('targets')).toBe('kpi');
    expect(await first('milestones')).toBe('id');
    expect(await first('actuals')).toBe('x');
  }, 30_000);
});

describe('zip guard', () => {
  /** Directory entries with filler bytes: the guard must decide before inflating anything. */
  const zip = (entries: { name: string; size: number; packed: number }[]) =>
    zipArchive(entries.map((e) => ({ name: e.name, packed: new Uint8Array(e.packed), size: e.size })));

  it('lists entries from the central directory without inflating', () => {
    const entries = readZipDirectory(zip([{ name: 'a.xml', size: 100, packed: 10 }]));
    expect(entries).toEqual([
      { name: 'a.xml', method: 8, compressedSize: 10, uncompressedSize: 100, localHeaderOffset: 0 },
    ]);
  });

  it('refuses too many entries, too much inflated data and extreme ratios', () => {
    const many = readZipDirectory(
      zip(Array.from({ length: 11 }, (_, i) => ({ name: `${i}`, size: 1, packed: 1 }))),
    );
    expect(() => checkZipLimits(many, { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 })).toThrow(/11 parts/);
    const big = readZipDirectory(zip([{ name: 'big.xml', size: 3_000_000_000, packed: 100_000 }]));
    expect(() => checkZipLimits(big, { ...DEFAULT_ZIP_LIMITS, maxRatio: 1e6 })).toThrow(/inflate to 2861 MB/);
    const ratio = readZipDirectory(zip([{ name: 'r.xml', size: 50_000_000, packed: 1000 }]));
    expect(() => checkZipLimits(ratio)).toThrow(/r\.xml would inflate 50000×/);
  });

  it('calls a file with no zip directory damaged', () => {
    expect(() => readZipDirectory(Buffer.from('PK\u0003\u0004 not really a zip'))).toThrow(/damaged/);
  });
});

describe('readCsvRows in UTF-16BE', () => {
  it('reads a big-endian file with a BOM', () => {
    const le = Buffer.from('日期\t指标\t数值\r\n2026-11-22\t成交额\t1\r\n', 'utf16le');
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    expect([...readCsvRows(be)]).toEqual([
      { row: 1, cells: ['日期', '指标', '数值'] },
      { row: 2, cells: ['2026-11-22', '成交额', '1'] },
    ]);
  });
});

describe('XLSX with Chinese text across the streaming reader chunk boundaries', () => {
  it('reads every character whole in one streaming pass', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('实际');
    sheet.addRow(['日期', '指标', '渠道', '备注', '数值']);
    for (let i = 0; i < 3000; i++) {
      const date = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`;
      const kpi = ['成交额', '订单数', '访客数'][Math.floor(i / 336) % 3];
      const channel = ['天猫', '京东', '抖音'][Math.floor(i / 1008) % 3];
      sheet.addRow([date, kpi, channel, `备注${i}号，双十一预热活动`, i]);
    }
    const body = new Uint8Array(await workbook.xlsx.writeBuffer());
    // exceljs's streaming reader decoded each inflated chunk on its own and saw U+FFFD here.
    for await (const row of readXlsxRows(body, 'actuals')) {
      for (const cell of row.cells) if (typeof cell === 'string') expect(cell).not.toContain('\uFFFD');
    }
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (!result.ok) expect.fail(JSON.stringify(result.errors.slice(0, 3)));
    if (result.kind !== 'actuals') expect.fail(result.kind);
    expect(result.rows).toBe(3000);
    expect(result.file).toEqual({ format: 'xlsx', sheet: '实际' });
    expect(result.actuals.at(0)).toEqual({
      kpi: 'gmv',
      period: '2026-01-01',
      dims: { channel: 'tmall' },
      value: 0,
    });
  }, 60_000);
});
