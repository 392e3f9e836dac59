/**
 * What the CSV reader decides from a file as a whole: GBK or Big5, the delimiter a `sep=` line
 * names, and which decimal mark a semicolon-separated file uses.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { confirmChineseEncoding, readCsvRows } from '../../../../shared/files/ingest/csv-reader.ts';
import { chooseChineseEncoding } from '../../../../shared/files/ingest/detect.ts';
import { isCellError, parseNumberCell } from '../../../../shared/files/ingest/normalize.ts';
import { applyNumberStyle, NumberStyleEvidence } from '../../../../shared/files/ingest/number-style.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

describe('GBK or Big5', () => {
  const header = '日期,指標,區域,品類,數值\r\n';
  const traditional = `${header}2026-11-22,成交額,華東,寵物,1\r\n2026-11-23,訂單數,華南,美妝,2\r\n`;
  const simplified = '日期,指标,区域,品类,数值\r\n2026-11-22,成交额,华东,宠物,1\r\n';

  it.each([
    ['simplified text in GBK', iconv.encode(simplified, 'gbk'), 'gb18030'],
    ['traditional text in GBK (characters outside GB2312)', iconv.encode(traditional, 'gbk'), 'gb18030'],
    ['traditional text in Big5', iconv.encode(traditional, 'cp950'), 'big5'],
    ['a Big5 header alone, every trail byte above 0xA0', iconv.encode(header, 'cp950'), 'big5'],
  ])('%s', (_, bytes, encoding) => {
    expect(chooseChineseEncoding(bytes)).toBe(encoding);
  });

  it('reads the chosen encoding back to the original text', () => {
    for (const [text, encoding] of [
      [traditional, 'cp950'],
      [traditional, 'gbk'],
      [simplified, 'gbk'],
    ] as const) {
      const rows = [...readCsvRows(iconv.encode(text, encoding))].map((r) => r.cells.join(','));
      expect(rows).toEqual(text.trimEnd().split('\r\n'));
    }
  });
});

describe('GBK or Big5, checked against the header', () => {
  it('reads a short Big5 file the byte rule alone would call GBK, because its header fits', async () => {
    // 期間 實際: every trail byte above 0xA0 and no kana in the GBK reading.
    const body = iconv.encode('期間,kpi,實際\r\n2026-11-22,gmv,1\r\n', 'cp950');
    expect(chooseChineseEncoding(body)).toBe('gb18030');
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (!result.ok) expect.fail(JSON.stringify(result.errors));
    expect(result.file.encoding).toBe('Big5 (Excel CSV on Traditional-Chinese Windows)');
    expect(result.kind === 'actuals' && result.actuals.toArray()).toEqual([
      { kpi: 'gmv', period: '2026-11-22', dims: {}, value: 1 },
    ]);
  });

  it('keeps the byte rule when the header fits both readings or neither', () => {
    const body = iconv.encode('期間,指標,數值\r\n', 'cp950');
    expect(confirmChineseEncoding(body, 'gb18030', () => true)).toBe('gb18030');
    expect(confirmChineseEncoding(body, 'gb18030', () => false)).toBe('gb18030');
    expect(confirmChineseEncoding(body, 'gb18030', (cells) => cells[0] === '期間')).toBe('big5');
  });
});

describe('sep= line', () => {
  it('names the delimiter, and is not a row', () => {
    const rows = [...readCsvRows(Buffer.from('sep=,\r\ndate;kpi,channel\r\n2026-11-22;x,tmall\r\n'))];
    expect(rows).toEqual([
      { row: 1, cells: ['date;kpi', 'channel'] },
      { row: 2, cells: ['2026-11-22;x', 'tmall'] },
    ]);
  });

  it('works after a UTF-8 BOM and with a tab', () => {
    const body = Buffer.from('\uFEFFsep=\t\na\tb\n1\t2\n');
    expect([...readCsvRows(body)].map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});

describe('decimal mark of a semicolon file', () => {
  const decide = (...cells: string[]) => {
    const evidence = new NumberStyleEvidence();
    for (const cell of cells) evidence.see(cell);
    return evidence.decide();
  };

  it('decides from numbers only one mark explains', () => {
    expect(decide('12,500', '12,5')).toBe('decimal-comma');
    expect(decide('12,500', '1.234,56')).toBe('decimal-comma');
    expect(decide('12,500', '1.234.567')).toBe('decimal-comma');
    expect(decide('12,500', '0,125')).toBe('decimal-comma');
    expect(decide('12,500', '12.5')).toBe('decimal-point');
    expect(decide('12,500', '1,234.5')).toBe('decimal-point');
    expect(decide('12,500', '1,234,567')).toBe('decimal-point');
    expect(decide('12,500', '12.500', 'gmv', '2026-11-22')).toBe('undecided');
    expect(decide('12,5', '12.5')).toBe('undecided');
  });

  it('rewrites decimal-comma numbers and leaves text alone', () => {
    expect(applyNumberStyle('1.234,5', 'decimal-comma')).toBe('1234.5');
    expect(applyNumberStyle('-12,500', 'decimal-comma')).toBe('-12.500');
    expect(applyNumberStyle('3,25%', 'decimal-comma')).toBe('3.25%');
    expect(applyNumberStyle('天猫', 'decimal-comma')).toBe('天猫');
    expect(applyNumberStyle('12,500', 'decimal-point')).toBe('12,500');
  });

  it('turns a number that reads two ways into an error naming both readings', () => {
    const cell = applyNumberStyle('12.500', 'undecided');
    if (!isCellError(cell)) expect.fail(String(cell));
    expect(cell.error).toBe('12.500');
    expect(cell.message).toContain('12500 with a decimal comma, or 12.5 with a thousands separator');
    expect(parseNumberCell(cell, { percent: false })).toEqual({ ok: false, message: cell.message });
    expect(applyNumberStyle('1234', 'undecided')).toBe('1234');
  });

  it('reads any amount written the German way back to itself', () => {
    const german = (cents: number) => {
      const [whole, fraction] = (cents / 100).toFixed(2).split('.');
      return `${whole!.replace(/\B(?=(\d{3})+$)/g, '.')},${fraction}`;
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e11 }), { minLength: 1, maxLength: 20 }), (amounts) => {
        const csv = `kpi;value\n${amounts.map((a) => `gmv;${german(a)}`).join('\n')}\n`;
        const values = [...readCsvRows(Buffer.from(csv))].slice(1).map((r) => r.cells[1]!);
        expect(values.map((v) => parseNumberCell(v, { percent: false }))).toEqual(
          amounts.map((a) => ({ ok: true, value: Number((a / 100).toFixed(2)) })),
        );
      }),
    );
  });
});
