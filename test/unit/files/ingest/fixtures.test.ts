import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { BAD_CASES, GOOD_CASES, HOSTILE_CASES } from '../../../fixtures/uploads/cases.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

const dir = join(import.meta.dirname, '../../../fixtures/uploads/files');
const read = (file: string) => new Uint8Array(readFileSync(join(dir, file)));

describe('upload fixture corpus', () => {
  it('holds at least 25 bad files and a good file per encoding and format', () => {
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(25);
    const encodings = new Set(GOOD_CASES.map((c) => c.file_.encoding).filter(Boolean));
    expect(encodings).toEqual(
      new Set(['UTF-8', 'UTF-16LE (Unicode text)', 'GBK/GB18030 (Excel CSV on Chinese Windows)']),
    );
    expect(GOOD_CASES.some((c) => c.file_.format === 'xlsx')).toBe(true);
  });

  describe.each(GOOD_CASES)('good file $file', (c) => {
    it('is accepted with exactly the expected facts', async () => {
      const result = await parseUpload({ config: uploadTestConfig, kind: c.kind, body: read(c.file) });
      if (!result.ok) expect.fail(JSON.stringify(result.errors, null, 2));
      expect(result.file).toMatchObject(c.file_);
      const facts =
        result.kind === 'actuals'
          ? result.actuals.toArray()
          : result.kind === 'targets'
            ? result.targets.toArray()
            : result.milestones;
      expect(JSON.parse(JSON.stringify(facts))).toEqual(c.facts);
      expect(result.rows).toBe(c.facts.length);
    });
  });

  it('holds at least 40 hostile files beyond those, each with the exact message', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_CASES.map((c) => c.file)).size).toBe(HOSTILE_CASES.length);
    for (const c of HOSTILE_CASES) {
      expect(BAD_CASES.some((b) => b.file === c.file)).toBe(false);
      for (const e of c.errors) expect(e.exact, c.file).toBeDefined();
    }
  });

  describe.each([...BAD_CASES, ...HOSTILE_CASES])('bad file $file', (c) => {
    it('is rejected with exactly the errors the uploader must see', async () => {
      const result = await parseUpload({
        config: uploadTestConfig,
        kind: c.kind,
        body: read(c.file),
        ...(c.maxRows ? { maxRows: c.maxRows } : {}),
      });
      if (result.ok) expect.fail(`${c.file} was accepted`);
      expect(result.errorCount).toBe(c.totalErrors ?? c.errors.length);
      // Every error is counted, at most 1,000 are listed (the email and workbook stay bounded).
      if (c.totalErrors === undefined) expect(result.errors).toHaveLength(c.errors.length);
      else expect(result.errors).toHaveLength(Math.min(c.totalErrors, 1000));
      c.errors.forEach((want, i) => {
        const got = result.errors[i]!;
        expect({ row: got.row, column: got.column }).toEqual({ row: want.row, column: want.column });
        if (want.value !== undefined) expect(got.value).toBe(want.value);
        for (const part of want.message) expect(got.message).toContain(part);
        if (want.exact !== undefined) expect(got.message).toBe(want.exact);
      });
    });
  });
});
