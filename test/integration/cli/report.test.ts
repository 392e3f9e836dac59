import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load-config.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';
import { figures, planDataOfFiles, runCli, writeSampleYear } from './run-cli.ts';

const AS_OF = '2026-11-22';
let dir: string;
let uploads: string;
let config: PlanConfig;
let direct: ReportModel;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'plan-monitor-report-'));
  config = await loadConfig();
  uploads = path.join(dir, 'uploads');
  const year = await writeSampleYear(config, uploads, {
    asOf: AS_OF,
    maxActualRows: 16_000, // sales by channel, for the --scope test
    withBadFile: false,
  });
  // The domain engine called directly over the same files, parsed with the ingest rules.
  const data = await planDataOfFiles(config, year.files);
  direct = buildReportModel(config, data, 'weekly-progress', AS_OF, { generatedAt: '2026-11-23T01:00:00Z' });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('plan-monitor report --from-files', () => {
  it('prints with --json a model whose numbers equal a direct buildReportModel call over the same files', async () => {
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', AS_OF, '--json', '--from-files', uploads],
      dir,
    );
    expect(run.code).toBe(0);
    const model = JSON.parse(run.stdout) as ReportModel;
    expect(model.asOf).toBe(AS_OF);
    expect(model.table.length).toBeGreaterThan(10);
    expect(model.table.some((row) => row.actual !== null && row.actual > 0)).toBe(true);
    expect(figures(model)).toEqual(JSON.parse(JSON.stringify(figures(direct))));
  });

  it('writes the workbook, the HTML email and an .eml with --out, and prints the summary', async () => {
    const out = path.join(dir, 'out');
    const run = await runCli(
      ['report', 'weekly-progress', '--as-of', AS_OF, '--from-files', uploads, '--out', out],
      dir,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('gmv');
    expect(run.stdout).toMatch(/MTD actual/);
    const xlsx = path.join(out, 'weekly-progress_2026-W47.xlsx');
    expect(existsSync(xlsx)).toBe(true);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    expect(readFileSync(path.join(out, 'weekly-progress_2026-W47.eml'), 'utf8')).toMatch(
      /Content-Type: multipart/i,
    );
  });

  it('restricts the model to a --scope', async () => {
    const run = await runCli(
      [
        'report',
        'weekly-progress',
        '--as-of',
        AS_OF,
        '--json',
        '--from-files',
        uploads,
        '--scope',
        'channel=tmall',
      ],
      dir,
    );
    expect(run.code).toBe(0);
    const model = JSON.parse(run.stdout) as ReportModel;
    expect(model.scope?.key).toBe('channel=tmall');
    const gmv = (m: ReportModel) => m.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')?.actual ?? null;
    expect(gmv(model)).not.toBeNull();
    expect(gmv(model)!).toBeLessThan(gmv(direct)!);
  });

  it('fails with a clear message and exit 1 for an unknown report, exit 2 without --as-of', async () => {
    const unknown = await runCli(
      ['report', 'weekly-progres', '--as-of', AS_OF, '--from-files', uploads],
      dir,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('weekly-progress');
    const noDate = await runCli(['report', 'weekly-progress', '--from-files', uploads], dir);
    expect(noDate.code).toBe(2);
    expect(noDate.stderr).toContain('--as-of is required');
  });
});
