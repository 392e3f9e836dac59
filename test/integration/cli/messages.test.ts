/**
 * What a newcomer sees when a command line is wrong: every message says what to fix, and the
 * exit code is 2 for wrong arguments, 1 for a failure. No emulators needed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const GOOD_ACTUALS = 'date,kpi,channel,value\n2026-11-20,gmv,tmall,1200\n';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plan-monitor-messages-'));
  mkdirSync(path.join(dir, 'uploads', 'actuals'), { recursive: true });
  writeFileSync(path.join(dir, 'uploads', 'actuals', 'gmv.csv'), GOOD_ACTUALS);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a mistyped option', () => {
  it.each([
    [['report', 'weekly-progress', '--as_of', '2026-11-22'], '--as_of', '--as-of'],
    [
      ['report', 'weekly-progress', '--as-of', '2026-11-22', '--form-files', 'uploads'],
      '--form-files',
      '--from-files',
    ],
    [['report', 'weekly-progress', '--as-of', '2026-11-22', '--jsn'], '--jsn', '--json'],
    [['validate', '--jsn', 'uploads'], '--jsn', '--json'],
    [['runs', '--jsn'], '--jsn', '--json'],
    [['ingest', '--kindd', 'actuals', 'x.csv'], '--kindd', '--kind'],
  ])('plan-monitor %j: names the closest option and exits 2', async (args, typo, meant) => {
    const run = await runCli(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`unknown option ${typo}. Did you mean ${meant}?`);
    expect(run.stderr).toContain(`Run plan-monitor ${args[0]} --help for usage.`);
    expect(run.stderr).not.toContain('To specify a positional argument');
  });

  it('lists the options when nothing is close', async () => {
    const run = await runCli(['runs', '--zebra'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown option --zebra. Options: --config, --help, --json, --endpoints');
  });
});

describe('plan-monitor report: the date and the folder are checked before any file is read', () => {
  it('refuses --as-of 2026-02-30 with why, exit 2, without reading the (bad) files', async () => {
    // A folder whose only file would fail validation: the date must be refused first.
    const bad = path.join(dir, 'bad-uploads');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'actuals.csv'), 'date,kpi,channel,value\n2026-11-20,gmv,nowhere,1\n');
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', '2026-02-30', '--from-files', bad],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--as-of "2026-02-30" is not a date: 2026-02 has 28 days');
    expect(run.stderr).not.toContain('actuals.csv');
  });

  it('refuses a date outside calendar.fiscalYears, naming the configured years', async () => {
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', '2031-11-22', '--from-files', 'uploads'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /the report date 2031-11-22 falls in FY2031, which the configuration does not list under calendar\.fiscalYears \(FY2026, FY2027\): pass a date in one of those years, e\.g\. --as-of 2027-12-31/,
    );
  });

  it('says a --from-files folder does not exist (no raw ENOENT)', async () => {
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', '2026-11-22', '--from-files', 'nope'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--from-files nope: no such folder (${path.join(dir, 'nope')})`);
    expect(run.stderr).not.toContain('ENOENT');
  });

  it('says --from-files takes a folder when given a file', async () => {
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', '2026-11-22', '--from-files', 'uploads/actuals/gmv.csv'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--from-files takes the folder that holds your upload files');
  });
});

describe('plan-monitor validate', () => {
  it('says which file is missing and where it looked, exit 1', async () => {
    const run = await runCli(['validate', 'nope.csv'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`✖ nope.csv: no such file (looked for ${path.join(dir, 'nope.csv')})\n`);
  });

  it('validates the upload files in a folder named on the command line', async () => {
    const run = await runCli(['validate', 'uploads'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✔ ${path.join('uploads', 'actuals', 'gmv.csv')}: actuals, 1 rows OK`);
  });
});

describe('--config with a file outside the repository', () => {
  const bin = path.join(repo, 'bin/plan-monitor.js');
  const run = (args: string[], cwd: string) =>
    promisify(execFile)(process.execPath, [bin, ...args], { cwd }).then(
      (ok) => ({ code: 0, ...ok }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('loads a copy that imports defineConfig by its full path (a CommonJS folder, as /tmp is)', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'plan-monitor-config-'));
    try {
      const source = readFileSync(path.join(repo, 'plan.config.ts'), 'utf8');
      const defineConfig = path.join(repo, 'shared/config/define-config.ts');
      expect(source).toContain("from './shared/config/define-config.ts'");
      writeFileSync(
        path.join(elsewhere, 'my.config.ts'),
        source.replace("'./shared/config/define-config.ts'", JSON.stringify(defineConfig)),
      );
      // The unchanged copy keeps its relative import: the message says exactly what to write.
      copyFileSync(path.join(repo, 'plan.config.ts'), path.join(elsewhere, 'copied.config.ts'));
      writeFileSync(path.join(elsewhere, 'gmv.csv'), GOOD_ACTUALS);

      const loaded = await run(
        ['validate', '--config', 'my.config.ts', '--kind', 'actuals', 'gmv.csv'],
        elsewhere,
      );
      expect(loaded.stderr).toBe('');
      expect(loaded.code).toBe(0);
      expect(loaded.stdout).toContain('✔ gmv.csv: actuals, 1 rows OK');

      const copied = await run(['validate', '--config', 'copied.config.ts', 'gmv.csv'], elsewhere);
      expect(copied.code).toBe(1);
      expect(copied.stderr).toContain(
        `Import defineConfig by its full path: import { defineConfig } from '${defineConfig}';`,
      );
      expect(copied.stderr).not.toContain('in a cycle');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
