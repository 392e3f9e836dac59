import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBlank, parseNumberCell } from '../../../../shared/files/ingest/normalize.ts';
import { plainNumber } from '../../../../shared/files/ingest/plain-number.ts';

/** The careful parser alone: what every cell read before the fast path existed. */
const careful = (text: string, percent: boolean) => parseNumberCell(text, { percent, fastPath: false });

/** Both paths give the same result — value (−0 told from 0), or error and message. */
function expectSameAsCareful(text: string): void {
  for (const percent of [false, true]) {
    const fast = parseNumberCell(text, { percent });
    const slow = careful(text, percent);
    expect(fast, JSON.stringify(text)).toEqual(slow);
    if (fast.ok && slow.ok) expect(Object.is(fast.value, slow.value), JSON.stringify(text)).toBe(true);
  }
  const plain = plainNumber(text);
  if (!Number.isNaN(plain)) {
    const slow = careful(text, false);
    expect(slow.ok && Object.is(slow.value, plain), JSON.stringify(text)).toBe(true);
  }
}

const EDGES = [
  '',
  ' ',
  '\t',
  '\u3000',
  '\u00a0',
  '\ufeff',
  '0',
  '-0',
  '-0.0',
  '00',
  '007',
  '007.50',
  '1.',
  '.5',
  '-.5',
  '.',
  '-',
  '--5',
  '+5',
  '-+5',
  '1,234',
  '-1,234',
  '1,234,567.89',
  '-1,234,567.89',
  '1,234.',
  '0,000',
  '00,000',
  '1,23',
  '1,2345',
  '12,34,567',
  '1234,567',
  ',123',
  '1,,234',
  '1,.5',
  '1,234.5,6',
  '1.234,5',
  '1.2.3',
  ' 42',
  '42 ',
  '4 2',
  '1e3',
  '1E-3',
  '-1e+3',
  'NaN',
  '-NaN',
  'Infinity',
  '-Infinity',
  '0x1F',
  '１２３',
  '１，２３４．５',
  '\u22125',
  '(1,234)',
  '¥1,234',
  '3.2%',
  '150%',
  '1.5',
  '1.50000000000001',
  '-1.5',
  '1.6',
  '-1.6',
  '999999999999999',
  '9999999999999999',
  '999,999,999,999,999',
  '9,999,999,999,999,999',
  '0.000000000000001',
  '0.1234567890123456',
  '123456789012345678901234567890',
  '1'.repeat(100),
  `-${'9'.repeat(40)}.${'9'.repeat(40)}`,
  '9007199254740993',
  '0.1',
  '0.3',
  '2.675',
  '1\u00a0234',
  '1\u2009234',
];

describe('the plain-number fast path', () => {
  it.each(EDGES.map((text) => [text]))('reads %j as the careful parser does', (text) => {
    expectSameAsCareful(text);
  });

  it('reads what it takes and nothing it should not', () => {
    expect(plainNumber('1,234,567.89')).toBe(1234567.89);
    expect(plainNumber('-755.56')).toBe(-755.56);
    expect(Object.is(plainNumber('-0'), -0)).toBe(true);
    for (const text of ['', '-', '.', '1,23', '+1', '1e3', ' 1', '１', '1'.repeat(16), '1,2345']) {
      expect(plainNumber(text), text).toBeNaN();
    }
  });

  it('agrees with the careful parser on random text of number-like characters', () => {
    const chars = fc.constantFrom(
      ...'0123456789-+.,eE %¥()'.split(''),
      '\u3000',
      '\u00a0',
      '\t',
      '\u2212',
      '０',
      '９',
      '，',
      '．',
      'N',
      'a',
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }), (parts) => expectSameAsCareful(parts.join(''))),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the careful parser on numbers as programs and people write them', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const grouped = digits(1, 20).map((d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    const written = fc.tuple(
      fc.constantFrom('', '-', '+', ' ', '-0', '\u3000'),
      fc.oneof(digits(0, 25), grouped),
      fc.constantFrom('', '.', ','),
      digits(0, 20),
      fc.constantFrom('', '', '', 'e5', 'E-2', ' ', '%', ',000'),
    );
    fc.assert(
      fc.property(written, (parts) => expectSameAsCareful(parts.join(''))),
      { numRuns: 20_000 },
    );
  });

  it('agrees on every double as toFixed, toLocaleString and String write it', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e16, max: 1e16 }),
        fc.integer({ min: 0, max: 8 }),
        (value, places) => {
          expectSameAsCareful(value.toFixed(places));
          expectSameAsCareful(String(value));
          expectSameAsCareful(
            value.toLocaleString('en-US', { minimumFractionDigits: places, maximumFractionDigits: places }),
          );
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('isBlank', () => {
  const asTrimmed = (text: string) => text.trim() === '';

  it('is true for what trim() removes whole, false for anything else', () => {
    for (const text of [
      '',
      ' ',
      '\t\r\n',
      '\u3000',
      '\u00a0',
      '\ufeff',
      '\u2028',
      '\u202f \u205f',
      '\u1680',
    ]) {
      expect(isBlank(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ['0', ' x', '\u0001', '\u007f', '\u180e', '\u200b', '渠道', '\u3001', 'a ']) {
      expect(isBlank(text), JSON.stringify(text)).toBe(asTrimmed(text));
    }
    expect(isBlank(null)).toBe(true);
    expect(isBlank(0)).toBe(false);
    expect(isBlank(false)).toBe(false);
  });

  it('agrees with trim() on random text, white space of every kind included', () => {
    const chars = fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028'),
      fc.constantFrom(
        '\u2029',
        '\u202f',
        '\u205f',
        '\u3000',
        '\ufeff',
        '\u180e',
        '\u200b',
        '\u0085',
        'a',
        '1',
      ),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 6 }), (parts) => {
        const text = parts.join('');
        expect(isBlank(text), JSON.stringify(text)).toBe(asTrimmed(text));
      }),
      { numRuns: 50_000 },
    );
  });
});
