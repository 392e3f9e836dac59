import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import { runCli, writeSampleYear } from './run-cli.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let config: PlanConfig;
let badFile: string;
let goodFiles: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plan-monitor-cli-'));
  config = await loadConfig();
  const year = await writeSampleYear(config, dir, {
    asOf: '2026-11-22',
    maxActualRows: 6000,
    withBadFile: true,
  });
  badFile = path.join(dir, year.files.find((f) => f.expectRejected)!.key);
  goodFiles = year.files
    .filter(
      (f) =>
        !f.expectRejected &&
        (f.key.endsWith('.xlsx') || f.key.includes('gbk') || f.key.includes('milestones')),
    )
    .map((f) => path.join(dir, f.key));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('plan-monitor validate', () => {
  it('lists row-level errors of a bad file (row, column, value, message) and exits 1', async () => {
    const run = await runCli(['validate', badFile], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('2 error(s)');
    expect(run.stdout).toMatch(/row 3, column "channel", value "douyin_partner_x": Unknown channel/);
    expect(run.stdout).toMatch(/row 4, column "value", value "1,2O0": .*not a number/);
  });

  it('accepts the good files of every format (XLSX targets, GBK CSV, milestones) and exits 0', async () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(3);
    const run = await runCli(['validate', ...goodFiles], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('GBK');
    expect(run.stdout).toContain('sheet "targets"');
    expect(run.stdout).toContain(`${goodFiles.length} of ${goodFiles.length} file(s) valid`);
  });

  it('reports --json results and a missing file as an error', async () => {
    const run = await runCli(['validate', '--json', badFile, path.join(dir, 'nope.csv')], dir);
    expect(run.code).toBe(1);
    const parsed = JSON.parse(run.stdout) as { ok: boolean; errors: { row: number; column: string }[] }[];
    expect(parsed.map((p) => p.ok)).toEqual([false, false]);
    expect(parsed[0]!.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'channel'],
      [4, 'value'],
    ]);
  });

  it('rejects wrong usage with exit code 2 and a pointer to --help', async () => {
    const run = await runCli(['validate', '--kind', 'sales', badFile], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--kind "sales"');
    expect(run.stderr).toContain('--help');
  });
});

describe('bin/plan-monitor.js', () => {
  it('runs under node through the tsx shim: --help lists the commands', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repo, 'bin/plan-monitor.js'), '--help'],
      {
        cwd: repo,
      },
    );
    for (const command of ['validate', 'ingest', 'report', 'runs', 'serve'])
      expect(stdout).toContain(command);
  });

  it('exits non-zero on a bad file when run as a process', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [path.join(repo, 'bin/plan-monitor.js'), 'validate', badFile],
      {
        cwd: repo,
      },
    ).catch((error: { code: number; stdout: string }) => error);
    expect((result as { code?: number }).code).toBe(1);
    expect((result as { stdout: string }).stdout).toContain('douyin_partner_x');
  });
});
