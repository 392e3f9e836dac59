import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, CsvTokenizer } from '../../../../shared/files/ingest/csv-tokenizer.ts';

function tokenize(text: string, delimiter = ',', chunk = text.length || 1): string[][] {
  const out: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter);
  for (let i = 0; i < text.length; i += chunk) tokenizer.push(text.slice(i, i + chunk), (r) => out.push(r));
  tokenizer.end((r) => out.push(r));
  return out;
}

/** Writes a CSV the way Excel does: quote a field only when it needs it. */
function write(rows: string[][], delimiter: string, eol: string): string {
  const quote = (f: string) =>
    f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') || f.startsWith(' ')
      ? `"${f.replaceAll('"', '""')}"`
      : f;
  return rows.map((r) => r.map(quote).join(delimiter)).join(eol) + eol;
}

describe('CsvTokenizer', () => {
  it('keeps every cell as text, so 007 stays 007', () => {
    expect(tokenize('a,b\n007,0x1F\n')).toEqual([
      ['a', 'b'],
      ['007', '0x1F'],
    ]);
  });

  it('reads quoted delimiters, doubled quotes and line breaks inside quotes', () => {
    expect(tokenize('"a,b","say ""hi""","two\r\nlines"\r\nx,,\r\n')).toEqual([
      ['a,b', 'say "hi"', 'two\r\nlines'],
      ['x', '', ''],
    ]);
  });

  it('keeps blank lines as empty records so row numbers match Excel, and needs no final line break', () => {
    expect(tokenize('h\n\nv')).toEqual([['h'], [''], ['v']]);
    expect(tokenize('h\r\rv\r')).toEqual([['h'], [''], ['v']]);
  });

  it('handles a CRLF and an escaped quote split across chunks', () => {
    const text = 'a,"x""y"\r\nb,c\r\n';
    for (let chunk = 1; chunk <= text.length; chunk++) {
      expect(tokenize(text, ',', chunk)).toEqual([
        ['a', 'x"y'],
        ['b', 'c'],
      ]);
    }
  });

  it('fails on a quote that is never closed, naming its line', () => {
    expect(() => tokenize('a,b\n1,"open\n2,3\n')).toThrow(CsvSyntaxError);
    expect(() => tokenize('a,b\n1,"open\n2,3\n')).toThrow(/line 2/);
  });

  it('agrees with csv-parse on any well-formed CSV, whatever the chunking', () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'B', '1', ' ', ',', ';', '\t', '"', '\n', '\r', '中', '€'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 40 }),
        (rows, delimiter, eol, chunk) => {
          const text = write(rows, delimiter, eol);
          const expected = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false });
          expect(tokenize(text, delimiter, chunk)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
