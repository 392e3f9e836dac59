import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../infra/local/stack.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { buildReportModel } from '../../../shared/report/build-report-model.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';
import { figures, planDataOfFiles, runCli, writeSampleYear } from './run-cli.ts';

const AS_OF = '2026-11-22';

/** Numbers to 10 significant digits, everything else as is. */
function roundDeep(value: unknown): unknown {
  if (typeof value === 'number') return Number(value.toPrecision(10));
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  }
  return value;
}
let cwd: string;
let uploads: string;
let stack: LocalStack;
let direct: ReportModel;

beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'plan-monitor-cli-stack-'));
  const config = await loadConfig();
  uploads = path.join(cwd, 'uploads');
  const year = await writeSampleYear(config, uploads, {
    asOf: AS_OF,
    maxActualRows: 5000,
    withBadFile: false,
  });
  direct = buildReportModel(config, await planDataOfFiles(config, year.files), 'weekly-progress', AS_OF, {
    generatedAt: '2026-11-23T01:00:00Z',
  });
  stack = await startLocalStack({
    config,
    dataDir: path.join(cwd, 'data'),
    ports: { dynamodb: 0, s3: 0, ses: 0 },
  });
  for (const file of year.files.filter((f) => !f.expectRejected)) {
    await stack.reportDeps.objects.put(stack.resources.uploadsBucket, file.key, file.body, {
      contentType: file.contentType,
    });
  }
  await stack.idle();
  mkdirSync(path.join(cwd, '.local'), { recursive: true });
  writeFileSync(path.join(cwd, '.local', 'endpoints.json'), JSON.stringify(stack.endpointsFile()));
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('the CLI against a running local stack', () => {
  it('report --json through the store gives the same figures as --from-files over the uploaded files', async () => {
    const fromStore = await runCli(['report', 'weekly-progress', '--as-of', AS_OF, '--json'], cwd);
    expect(fromStore.code, fromStore.stderr).toBe(0);
    const fromFiles = await runCli(
      ['report', 'weekly-progress', '--as-of', AS_OF, '--json', '--from-files', uploads],
      cwd,
    );
    expect(fromFiles.code, fromFiles.stderr).toBe(0);
    const store = JSON.parse(fromStore.stdout) as ReportModel;
    const files = JSON.parse(fromFiles.stdout) as ReportModel;
    expect(store.table.filter((r) => r.actual !== null).length).toBeGreaterThan(10);
    // The store returns facts in another order, so sums may differ in the last bits only.
    expect(roundDeep(store.table)).toEqual(roundDeep(files.table));
    expect(roundDeep(store.outlook)).toEqual(roundDeep(files.outlook));
    expect(roundDeep(store.breakdowns)).toEqual(roundDeep(files.breakdowns));
    expect(store.milestones).toEqual(files.milestones);
    // The acceptance command itself, against the domain engine called directly: every section.
    expect(roundDeep(figures(store))).toEqual(roundDeep(JSON.parse(JSON.stringify(figures(direct)))));
  });

  it('ingest puts a bad file into the bucket and reports it rejected with exit 1', async () => {
    const bad = path.join(cwd, 'bad.csv');
    writeFileSync(bad, 'date,kpi,channel,value\n2026-11-20,gmv,nowhere,12\n');
    const run = await runCli(['ingest', '--kind', 'actuals', bad], cwd);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /bad\.csv: rejected, 1 error\(s\) — error workbook: s3:\/\/plan-monitor-uploads\/rejected\//,
    );
  });

  it('report --send goes through the handlers once, writing to --out; a second --send says it sent nothing', async () => {
    const out = path.join(cwd, 'sent');
    const send = await runCli(['report', 'weekly-progress', '--as-of', AS_OF, '--send', '--out', out], cwd);
    expect(send.code, send.stderr).toBe(0);
    expect(send.stdout).toMatch(/^all: sent \(message [^)]+\)$/m);
    // The archived workbook the recipients got, and the email as .eml.
    expect(readFileSync(path.join(out, 'weekly-progress_2026-W47.xlsx')).subarray(0, 2).toString()).toBe(
      'PK',
    );
    expect(send.stderr).toContain(`wrote ${path.join('sent', 'weekly-progress_2026-W47.xlsx')}`);
    const eml = readdirSync(out).filter((f) => f.endsWith('.eml'));
    expect(eml).toHaveLength(1);
    expect(readFileSync(path.join(out, eml[0]!), 'utf8')).toContain('ceo@example-shop.com');

    const again = await runCli(['report', 'weekly-progress', '--as-of', AS_OF, '--send'], cwd);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^all: nothing sent now — already sent at \S+ \(message [^)]+\); add --force to send it again$/m,
    );
    expect(again.stdout).not.toMatch(/^all: sent/m);
    const mailTo = async (address: string) => {
      const store = (await (await fetch(`${stack.emulators.sesWebUrl}/store`)).json()) as {
        emails: unknown[];
      };
      return store.emails.filter((m) => JSON.stringify(m).includes(address)).length;
    };
    expect(await mailTo('ceo@example-shop.com')).toBe(1);
    const runs = await runCli(['runs', 'weekly-progress'], cwd);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/weekly-progress\s+2026-11-22\s+all\s+sent\s+1/);

    const forced = await runCli(['report', 'weekly-progress', '--as-of', AS_OF, '--send', '--force'], cwd);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^all: sent \(message [^)]+\)$/m);
    expect(await mailTo('ceo@example-shop.com')).toBe(2);
  });

  it('says how to start the stack when none is running', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'plan-monitor-no-stack-'));
    try {
      const run = await runCli(['runs', '--endpoints', path.join(elsewhere, 'endpoints.json')], elsewhere);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('npm start -- --serve');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
