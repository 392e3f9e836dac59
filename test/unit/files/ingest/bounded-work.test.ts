/**
 * Bounded work for any input (issue 11 point 5): the "did you mean" work of a file is capped,
 * errors past the listed cap cost no suggestion work, listed errors quote long values by their
 * start and length, and the error workbook never holds more than a cell can.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { closestMatch, MAX_SUGGEST_INPUT, SuggestionBudget } from '../../../../shared/domain/suggest.ts';
import { buildErrorWorkbook } from '../../../../shared/files/ingest/error-workbook.ts';
import { boundRowError, MESSAGE_MAX, SHOWN_VALUE_MAX } from '../../../../shared/files/ingest/errors.ts';
import { mapHeaders } from '../../../../shared/files/ingest/headers.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { EXCEL_CELL_MAX_CHARS, workbookCellText } from '../../../../shared/files/ingest/storable.ts';
import { createValidator, ErrorCollector } from '../../../../shared/files/ingest/validate.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

const OPTIONS = ['gmv', 'orders', 'sessions', 'conversion_rate', 'return_rate', '成交额', '订单数'];

describe('closestMatch', () => {
  it('still finds a plausible typo', () => {
    expect(closestMatch('gmw', OPTIONS)).toBe('gmv');
    expect(closestMatch('conversion_rte', OPTIONS)).toBe('conversion_rate');
    expect(closestMatch('something else', OPTIONS)).toBeNull();
  });

  it('spends nothing on a value far longer than any option', () => {
    const budget = new SuggestionBudget();
    expect(closestMatch('k'.repeat(MAX_SUGGEST_INPUT + 1), OPTIONS, budget)).toBeNull();
    expect(closestMatch('k'.repeat(50_000_000), OPTIONS, budget)).toBeNull();
    expect(budget.spent).toBe(0);
  });

  it('skips options whose length alone rules them out', () => {
    const budget = new SuggestionBudget();
    closestMatch('abcdefghijklmnopqrstuvwxyz0123456789', OPTIONS, budget);
    expect(budget.spent).toBe(0);
  });

  it('stops comparing once the budget is spent', () => {
    const budget = new SuggestionBudget(10_000);
    let suggested = 0;
    for (let i = 0; i < 5_000; i++) if (closestMatch(`gm${i % 10}`, OPTIONS, budget)) suggested++;
    expect(budget.exhausted).toBe(true);
    // Each comparison costs at most 3 × 15 cells: the overshoot is one comparison.
    expect(budget.spent).toBeLessThan(10_000 + 3 * 15);
    expect(suggested).toBeGreaterThan(0);
    expect(suggested).toBeLessThan(5_000);
  });
});

describe('a file of distinct junk names', () => {
  it('does suggestion work only for the errors it lists', () => {
    const errors = new ErrorCollector(10);
    const header = mapHeaders(['date', 'kpi', 'value'], 'actuals', uploadTestConfig);
    const validator = createValidator('actuals', uploadTestConfig, header, errors);
    for (let row = 2; row < 20_002; row++) validator.accept({ row, cells: ['2026-11-22', `gmx${row}`, '1'] });
    expect(errors.count).toBe(20_000);
    expect(errors.list).toHaveLength(10);
    // 10 distinct texts of ≤ 8 characters against ~20 names of ≤ 24: a few thousand cells.
    expect(errors.suggestions.spent).toBeGreaterThan(0);
    expect(errors.suggestions.spent).toBeLessThan(10 * 20 * 8 * 24);
  });
});

describe('boundRowError', () => {
  it('quotes a long value by its start and its length, in the value and in the message', () => {
    const value = `${'x'.repeat(5_000_000)}`;
    const bounded = boundRowError({
      row: 2,
      column: 'kpi',
      value,
      message: `Unknown KPI "${value}". Known: gmv.`,
      code: 'unknown_kpi',
    });
    expect(bounded.value).toBe(`${'x'.repeat(SHOWN_VALUE_MAX)}… [cut: 5,000,000 characters in all]`);
    expect(bounded.message).toBe(`Unknown KPI "${bounded.value}". Known: gmv.`);
  });

  it('keeps the start and the end of a message that is long for another reason', () => {
    const bounded = boundRowError({
      row: 2,
      column: 'x',
      value: 'v',
      message: `start ${'m'.repeat(10_000)} what to do`,
      code: 'c',
    });
    expect(bounded.message.length).toBeLessThanOrEqual(MESSAGE_MAX + 3);
    expect(bounded.message.startsWith('start ')).toBe(true);
    expect(bounded.message.endsWith(' what to do')).toBe(true);
  });

  it('leaves ordinary errors as they are', () => {
    const error = { row: 3, column: 'value', value: 'x', message: '"x" is not a number', code: 'bad_number' };
    expect(boundRowError(error)).toBe(error);
  });
});

describe('workbookCellText', () => {
  it('cuts text beyond a cell with a note saying so, and replaces what XML cannot hold', () => {
    const cut = workbookCellText('a'.repeat(40_000));
    expect(cut.length).toBeLessThanOrEqual(EXCEL_CELL_MAX_CHARS);
    expect(cut).toMatch(/… \[cut here: the cell had 40,000 characters, a cell holds 32,767\]$/);
    expect(workbookCellText('a\u0007b\uD800c')).toBe('a\uFFFDb\uFFFDc');
    expect(workbookCellText('line\nnext\ttab')).toBe('line\nnext\ttab');
  });
});

describe('the error workbook of a file with a huge cell', () => {
  it('holds every cell within 32,767 characters and says where one was cut', async () => {
    const body = new TextEncoder().encode(`date,kpi,value\n2026-11-22,gmv,${'9'.repeat(40_000)}z\n`);
    const result = await parseUpload({ config: uploadTestConfig, kind: 'actuals', body });
    if (result.ok) expect.fail('accepted');
    const { readUploadRows } = await import('../../../../shared/files/ingest/parse-upload.ts');
    const bytes = await buildErrorWorkbook({
      fileName: 'x.csv',
      result,
      rows: readUploadRows(body, 'actuals'),
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    let longest = 0;
    let cutNote = false;
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          const text = String(cell.value ?? '');
          longest = Math.max(longest, text.length);
          if (text.includes('[cut here: the cell had 40,001 characters')) cutNote = true;
        }),
      ),
    );
    expect(longest).toBeLessThanOrEqual(EXCEL_CELL_MAX_CHARS);
    expect(cutNote).toBe(true);
  });
});
