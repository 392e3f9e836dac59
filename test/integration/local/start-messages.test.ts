/**
 * `npm start` refuses wrong arguments before it starts anything, and a busy port comes with
 * how to pick others; the script's entry turns wrong arguments into exit code 2.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDataDir, dataDirHolder } from '../../../infra/local/data-dir-lock.ts';
import { runStart, startFromCommandLine } from '../../../infra/local/start.ts';
import { CliUsageError } from '../../../shared/cli/context.ts';

let cwd: string;

beforeAll(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'plan-monitor-start-messages-'));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function start(args: string[], invokedAs?: string) {
  const sink = new PassThrough();
  sink.resume();
  return runStart(
    ['--data-dir', path.join(cwd, 'data'), '--out', path.join(cwd, 'out'), ...args],
    { stdout: sink, stderr: sink, cwd },
    invokedAs ? { invokedAs } : {},
  );
}

describe('npm start with wrong arguments', () => {
  it('exits 2 with "did you mean" for a mistyped option, and points at --help', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const text: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => text.push(chunk));
    stdout.resume();
    const code = await startFromCommandLine(['--as_of', '2026-11-22'], { stdout, stderr, cwd });
    expect(code).toBe(2);
    expect(Buffer.concat(text).toString()).toBe(
      'npm start: unknown option --as_of. Did you mean --as-of? Options: --config, --help, --as-of, --serve, --ports, --data-dir, --out, --drop, --fresh, --seed, --sample-rows, --report\nRun npm start -- --help for usage.\n',
    );
  });

  it('explains that npm passes options on only after "--" when it receives a bare date', async () => {
    await expect(start(['2026-11-22'])).rejects.toThrow(
      'unexpected argument "2026-11-22": this command takes options only (npm passes options on only after "--": npm start -- --as-of 2026-11-22)',
    );
  });

  it('refuses --as-of 2026-02-30 and a date outside calendar.fiscalYears as wrong arguments', async () => {
    await expect(start(['--as-of', '2026-02-30'])).rejects.toThrow(
      new CliUsageError('--as-of "2026-02-30" is not a date: 2026-02 has 28 days'),
    );
    const outside = start(['--as-of', '2030-01-05']);
    await expect(outside).rejects.toBeInstanceOf(CliUsageError);
    await expect(outside).rejects.toThrow(
      /2030-01-05 falls in FY2030, which the configuration does not list under calendar\.fiscalYears \(FY2026, FY2027\)/,
    );
  });
});

describe('npm start with a port taken', () => {
  let blocker: Server;
  let busy: number;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busy = (blocker.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('says which port is taken and how to choose others (--ports, or 0,0,0 for any free port)', async () => {
    await expect(start(['--ports', `0,${busy},0`])).rejects.toThrow(
      `S3 (s3rver) cannot listen on 127.0.0.1:${busy}: the port is in use. Stop the other process (another npm start --serve?), or run on other ports: npm start -- --ports 8710,8711,8712 (DynamoDB, S3, SES), or npm start -- --ports 0,0,0 for any free ports`,
    );
  });

  it('words the advice for plan-monitor serve when started that way', async () => {
    await expect(start(['--ports', `${busy},0,0`], 'plan-monitor serve')).rejects.toThrow(
      /DynamoDB \(dynalite\) cannot listen on 127\.0\.0\.1:\d+: the port is in use\. .*plan-monitor serve --ports 0,0,0 for any free ports/,
    );
  });
});

describe('npm start while another one holds the emulator data', () => {
  it('names the holder and the ways on, instead of dying inside dynalite with "Database is closed"', async () => {
    const data = path.join(cwd, 'held');
    mkdirSync(data, { recursive: true });
    // A live process other than this one: the test runner's parent.
    writeFileSync(path.join(data, 'in-use-by.pid'), `${process.ppid}\n`);
    await expect(start(['--data-dir', data, '--fresh'])).rejects.toThrow(
      `held is in use by another npm start or serve (pid ${process.ppid}): stop it (Ctrl-C in its terminal), or use it from here — npx plan-monitor report, ingest and runs talk to a running serve — or start a separate stack: npm start -- --data-dir held-2 --ports 0,0,0`,
    );
    // --fresh deleted nothing.
    expect(existsSync(path.join(data, 'in-use-by.pid'))).toBe(true);
  });

  it('takes over the folder of a holder that no longer runs', () => {
    const data = path.join(cwd, 'stale');
    mkdirSync(data, { recursive: true });
    writeFileSync(path.join(data, 'in-use-by.pid'), '4194303\n');
    expect(dataDirHolder(data)).toBeNull();
    const claim = claimDataDir(data);
    expect(dataDirHolder(data)).toBe(process.pid);
    claim.release();
    expect(dataDirHolder(data)).toBeNull();
  });
});
