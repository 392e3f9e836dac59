/**
 * The tokenizer reads simple whole lines with `indexOf` and everything else character by
 * character: both paths must give the same records, line numbers and errors for any input,
 * malformed included (stray quotes, lone CRs, quotes split across chunks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../../../../shared/files/ingest/csv-tokenizer.ts';

function run(text: string, delimiter: string, chunk: number, lineScan: boolean) {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, { lineScan });
  const lines: number[] = [];
  try {
    for (let i = 0; i < text.length; i += chunk) {
      tokenizer.push(text.slice(i, i + chunk), (r) => records.push(r));
      lines.push(tokenizer.line);
    }
    tokenizer.end((r) => records.push(r));
    return { records, lines };
  } catch (error) {
    return { records, lines, error: String(error) };
  }
}

describe('CsvTokenizer line fast path', () => {
  it('gives the same records as the character loop for any text and chunking', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '1', '中', ' ', ',', ';', '"', '""', '\n', '\r', '\r\n', ',"x"'),
      maxLength: 80,
    });
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';'), fc.integer({ min: 1, max: 50 }), (t, delimiter, chunk) => {
        expect(run(t, delimiter, chunk, true)).toEqual(run(t, delimiter, chunk, false));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads quoted cells with delimiters on the fast path and hands "" and line breaks to the loop', () => {
    const text = 'a,"1,154.00",c\r\n"x""y",2\n"multi\nline",3\n\n,\n';
    expect(run(text, ',', text.length, true).records).toEqual([
      ['a', '1,154.00', 'c'],
      ['x"y', '2'],
      ['multi\nline', '3'],
      [''],
      ['', ''],
    ]);
  });
});
