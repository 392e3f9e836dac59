import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../infra/local/stack.ts';
import { runStart } from '../../../infra/local/start.ts';

interface StartRun {
  readonly code: number;
  readonly stdout: string;
  /** Messages in the SES emulator's store just before the stack stopped. */
  readonly storedMail: { subject?: string; destination?: { to?: string[] } }[];
  readonly runs: readonly { status: string; scopeKey: string }[];
}

let cwd: string;

async function start(args: string[]): Promise<StartRun> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  let storedMail: StartRun['storedMail'] = [];
  let runs: StartRun['runs'] = [];
  const code = await runStart(
    [
      '--ports',
      '0,0,0',
      '--data-dir',
      path.join(cwd, 'data'),
      '--as-of',
      '2026-11-22',
      '--sample-rows',
      '9000',
      ...args,
    ],
    { stdout, stderr: stdout, cwd },
    {
      async beforeStop(stack: LocalStack) {
        const response = await fetch(`${stack.emulators.sesWebUrl}/store`);
        storedMail = ((await response.json()) as { emails: StartRun['storedMail'] }).emails;
        runs = await stack.reportDeps.runs.list('weekly-progress');
      },
    },
  );
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), storedMail, runs };
}

const reportMail = (run: StartRun) =>
  run.storedMail.filter((m) => JSON.stringify(m).includes('ceo@example-shop.com'));

let first: StartRun;
let second: StartRun;

beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'plan-monitor-start-'));
  first = await start([]);
  second = await start([]);
}, 600_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe('npm start (infra/local/start.ts)', () => {
  it('exits 0 after ingesting the sample year through the ingest handler, rejecting only the bad file', () => {
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/Ingestion: \d+ accepted, 1 rejected, 0 other/);
    expect(first.stdout).toMatch(/✖ actuals\/partner-export-bad\.csv: rejected/);
    expect(first.stdout).not.toContain('! incoming/');
  });

  it('prints the summary table with MTD actual, target, variance and status per KPI', () => {
    expect(first.stdout).toMatch(/KPI\s+MTD actual\s+target\s+variance %\s+status/);
    expect(first.stdout).toMatch(
      /\(gmv\)\s+[\d.]+[Mk]?\s+[\d.]+[Mk]?\s+[+-][\d.]+%\s+. (on track|at risk|off track)/,
    );
    expect(first.stdout).toContain('Stale data: new_users');
  });

  it('leaves the workbook and the .eml in ./out and one email in the SES emulator store', () => {
    const out = readdirSync(path.join(cwd, 'out'));
    const workbook = out.find((f) => f.endsWith('.xlsx'));
    expect(workbook).toBeDefined();
    expect(
      readFileSync(path.join(cwd, 'out', workbook!))
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    // out/ holds the report email and the bad sample file's rejection notice.
    const emails = out
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(path.join(cwd, 'out', f), 'utf8'));
    expect(emails.filter((mime) => mime.includes('ceo@example-shop.com'))).toHaveLength(1);
    // The report to its recipients, and the rejection notice of the bad file to its uploader.
    expect(reportMail(first)).toHaveLength(1);
    expect(first.storedMail).toHaveLength(2);
    // … addressed from the upload's uploader-email metadata, not the fallback contact.
    const rejection = first.storedMail.find((mail) => mail !== reportMail(first)[0]);
    expect(rejection?.destination?.to).toEqual(['analyst@example-shop.com']);
    expect(first.stdout).toMatch(/Read the mail in the SES emulator: http:\/\/127\.0\.0\.1:\d+/);
    expect(first.runs.map((r) => [r.scopeKey, r.status])).toEqual([['all', 'sent']]);
  });

  it('sends no duplicate email on a second run over the same data', () => {
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain('Sample data already loaded');
    expect(second.stdout).toContain('No email sent');
    // The SES emulator's store lives in this process: still only the first run's report.
    expect(reportMail(second)).toHaveLength(1);
    expect(second.runs.map((r) => [r.scopeKey, r.status])).toEqual([['all', 'sent']]);
    expect(existsSync(path.join(cwd, 'out'))).toBe(true);
  });
});
