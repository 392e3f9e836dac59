/**
 * How long rejecting hostile uploads takes, and how large the rejection email gets:
 * `npx tsx bench/standalone/rejection.ts [--quick]`. Each case: parse + validate, the error
 * workbook and the email, timed once per run (median of 3). Inputs are built in memory.
 */
import { performance } from 'node:perf_hooks';
import planConfig from '../../plan.config.ts';
import * as reject from '../../shared/app/reject-upload.ts';
import { buildErrorWorkbook } from '../../shared/files/ingest/error-workbook.ts';
import { parseUpload, readUploadRows } from '../../shared/files/ingest/parse-upload.ts';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;

/** 2 MB of rows whose KPI cell is distinct junk (every row an unknown KPI). */
function junkKpis(bytes: number): Uint8Array {
  const lines = ['date,kpi,value'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `2026-11-22,zz${((i * 2654435761) % 4294967296).toString(36)}kq${i},1`;
    lines.push(line);
    size += line.length + 1;
  }
  return new TextEncoder().encode(lines.join('\n'));
}

/** One KPI cell of `bytes` characters. */
function oneHugeCell(bytes: number): Uint8Array {
  return new TextEncoder().encode(`date,kpi,value\n2026-11-22,${'x'.repeat(bytes)},1\n`);
}

/** `count` rows each with a long bad value. */
function longValues(count: number, chars: number): Uint8Array {
  const rows = ['date,kpi,value'];
  for (let i = 0; i < count; i++) rows.push(`2026-11-22,gmv,${String(i).padEnd(chars, 'y')}`);
  return new TextEncoder().encode(rows.join('\n'));
}

async function rejectOnce(body: Uint8Array) {
  const started = performance.now();
  const result = await parseUpload({ config: planConfig, kind: 'actuals', body });
  if (result.ok) throw new Error('accepted');
  const parsed = performance.now();
  const workbook = await buildErrorWorkbook({
    fileName: 'incoming/actuals/x.csv',
    result,
    rows: readUploadRows(body, 'actuals', result.file),
  });
  const built = performance.now();
  const raw = await reject.composeRejectionEmail({
    config: planConfig,
    object: {
      bucket: 'b',
      key: 'incoming/actuals/x.csv',
      versionId: null,
      sequencer: null,
      eventTime: '2026-11-23T00:00:00Z',
      size: body.byteLength,
    },
    result,
    workbook,
    errorKey: 'rejected/incoming/actuals/x.csv.errors.xlsx',
    bucket: 'b',
    to: 'a@example.com',
  });
  const done = performance.now();
  return {
    parseMs: parsed - started,
    workbookMs: built - parsed,
    emailMs: done - built,
    totalMs: done - started,
    workbookBytes: workbook.byteLength,
    emailBytes: raw.byteLength,
    errors: result.errorCount,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cases: [string, () => Uint8Array][] = [
  ['2 MB of junk KPI cells', () => junkKpis(2 * 1024 * 1024)],
  ['one 50 MB KPI cell', () => oneHugeCell(50 * 1024 * 1024)],
  ['20 values of 2 MB', () => longValues(20, 2 * 1024 * 1024)],
];
for (const [name, make] of cases) {
  const body = make();
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await rejectOnce(body));
  const last = samples.at(-1)!;
  console.log(
    `${name}: total ${(median(samples.map((s) => s.totalMs)) / 1000).toFixed(2)} s ` +
      `(parse ${(median(samples.map((s) => s.parseMs)) / 1000).toFixed(2)} s, workbook ${(median(samples.map((s) => s.workbookMs)) / 1000).toFixed(2)} s, email ${(median(samples.map((s) => s.emailMs)) / 1000).toFixed(2)} s); ` +
      `${last.errors} errors, workbook ${(last.workbookBytes / 1e6).toFixed(2)} MB, email ${(last.emailBytes / 1e6).toFixed(2)} MB`,
  );
}
