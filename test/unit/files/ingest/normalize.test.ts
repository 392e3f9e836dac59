import { describe, expect, it } from 'vitest';
import {
  excelSerialToDate,
  foldName,
  parseDateCell,
  parseNumberCell,
  parsePeriodCell,
} from '../../../../shared/files/ingest/normalize.ts';

const number = (value: Parameters<typeof parseNumberCell>[0], percent = false) => {
  const result = parseNumberCell(value, { percent });
  return result.ok ? result.value : `error: ${result.message}`;
};

describe('parseNumberCell', () => {
  it.each([
    ['1234.5', 1234.5],
    ['1,234,567.89', 1234567.89],
    ['１２，３４５．６', 12345.6],
    ['\u22123', -3],
    ['(1,234)', -1234],
    ['¥1,234', 1234],
    ['￥1,234.50', 1234.5],
    ['CNY 99', 99],
    ['-¥5', -5],
    ['1234元', 1234],
    [' 42 ', 42],
    ['1e3', 1000],
    ['007', 7],
  ])('reads %j as %d', (text, expected) => {
    expect(number(text)).toBe(expected);
  });

  it('reads 3.2% as 0.032 for a percent KPI only', () => {
    expect(number('3.2%', true)).toBeCloseTo(0.032, 12);
    expect(number('3.2%', false)).toMatch(/not a percent KPI/);
  });

  it('refuses plain text above 150 % for a percent KPI: a forgotten % sign', () => {
    expect(number('3.2', true)).toMatch(/write 3\.2% or the fraction 0\.032/);
    expect(number('1.1', true)).toBe(1.1);
    expect(number('250%', true)).toBe(2.5);
    expect(number('3.2', false)).toBe(3.2);
  });

  it('takes a number cell as it is: a percent-formatted XLSX cell already holds the fraction', () => {
    expect(number(0.032, true)).toBe(0.032);
  });

  it.each([
    ['', /empty.*write 0/],
    ['   ', /empty/],
    [null, /empty/],
    ['0x1F', /not a number/],
    ['NaN', /not a number/],
    ['Infinity', /not a number/],
    ['1,2', /not a number/],
    ['12a', /not a number/],
    [Number.NaN, /formula/],
  ])('rejects %j', (value, message) => {
    expect(number(value)).toMatch(message);
  });

  it('names the formula of an error cell', () => {
    expect(number({ error: '#DIV/0!', formula: 'A1/B1' })).toMatch(/=A1\/B1 ends in the error #DIV\/0!/);
  });
});

describe('parsePeriodCell', () => {
  const key = (value: Parameters<typeof parsePeriodCell>[0], startMonth = 1) => {
    const r = parsePeriodCell(value, startMonth);
    return r.ok ? `${r.grain}:${r.key}` : 'error';
  };

  it.each([
    ['2026-11-22', 'day:2026-11-22'],
    ['2026/11/22', 'day:2026-11-22'],
    ['2026/1/2', 'day:2026-01-02'],
    ['2026年11月22日', 'day:2026-11-22'],
    ['２０２６－１１－２２', 'day:2026-11-22'],
    ['2026-11', 'month:2026-11'],
    ['2026年11月', 'month:2026-11'],
    ['2026-W47', 'week:2026-W47'],
    ['2026W7', 'week:2026-W07'],
    ['FY2026-Q4', 'quarter:FY2026-Q4'],
    ['FY2026 Q4', 'quarter:FY2026-Q4'],
    ['FY2026', 'year:FY2026'],
    ['46348', 'day:2026-11-22'],
  ])('reads %j as %s', (text, expected) => {
    expect(key(text)).toBe(expected);
  });

  it('reads an exceljs date (UTC midnight) as that calendar day in any local time zone', () => {
    expect(key(new Date(Date.UTC(2026, 10, 22)))).toBe('day:2026-11-22');
  });

  it('takes a whole number in a date column as an Excel serial only in 2000–2099', () => {
    expect(key(46348)).toBe('day:2026-11-22');
    expect(key(12)).toBe('error');
    expect(key(46348.5)).toBe('error');
    expect(excelSerialToDate(36525)).toBeNull();
  });

  it.each(['2026-02-30', '2026-13', '2026-W54', 'next week', '', '11/22/2026'])('rejects %j', (text) => {
    expect(key(text)).toBe('error');
  });

  it('refuses a period where a single day is needed', () => {
    const result = parseDateCell('2026-11', 1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('is a month, not a day');
  });
});

describe('foldName', () => {
  it('ignores case, width and spaces', () => {
    expect(foldName(' Ｃｈａｎｎｅｌ　Name ')).toBe('channelname');
    expect(foldName('user_segment')).toBe(foldName('User Segment'));
  });
});
