/**
 * `npm start`: the whole workflow on one machine, no AWS account, Docker or Java.
 *
 * Starts the emulators, creates the table and buckets, drops a generated fiscal year of
 * upload files into the S3 emulator (ingested by the ingest handler from the object-created
 * events), runs the weekly report through schedule-report → run-report, and prints a
 * summary with where the workbook, the email and the SES emulator's mail page are.
 * `--serve` keeps everything up and ingests files dropped into ./drop/ until Ctrl-C.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planDataQuery } from '../../shared/app/run-report.ts';
import { asOfOf } from '../../shared/app/schedule-report.ts';
import { copyArchivedWorkbook } from '../../shared/cli/archived-workbooks.ts';
import {
  type CliIo,
  CliUsageError,
  defaultIo,
  loadCliConfig,
  parseCommandArgs,
  requireAsOfInPlan,
  requireDate,
} from '../../shared/cli/context.ts';
import { ENDPOINTS_FILE } from '../../shared/cli/local-connection.ts';
import { createProgress } from '../../shared/cli/progress.ts';
import { formatSummary } from '../../shared/cli/summary.ts';
import { reportById } from '../../shared/config/lookup.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import { fiscalYearOf } from '../../shared/domain/calendar.ts';
import type { UploadRecord } from '../../shared/ports/index.ts';
import { buildReportModel } from '../../shared/report/build-report-model.ts';
import { assertDataDirFree, claimDataDir, DataDirInUseError } from './data-dir-lock.ts';
import { watchDropFolder } from './drop-folder.ts';
import { DEFAULT_EMULATOR_PORTS, PortInUseError } from './emulators.ts';
import { generateSampleYear } from './sample-year.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

export const START_HELP = `Usage: npm start -- [options]      (or: plan-monitor serve [options])

Runs Plan Monitor end to end on this machine with embedded DynamoDB, S3 and SES emulators:
generates a sample fiscal year, ingests it through the ingest handler, runs the weekly report
through the report handlers, emails it to the SES emulator and prints a summary.

Options:
  --as-of YYYY-MM-DD   report date (default: the last complete week, as the schedule would)
  --serve              keep the stack up; ingest CSV/XLSX files saved into drop/actuals/,
                       drop/targets/ or drop/milestones/ (Ctrl-C stops)
  --ports d,s,e        DynamoDB, S3 and SES ports (default ${DEFAULT_EMULATOR_PORTS.dynamodb},${DEFAULT_EMULATOR_PORTS.s3},${DEFAULT_EMULATOR_PORTS.ses}; 0 = any free port)
  --data-dir <dir>     emulator data (default .local/data)
  --out <dir>          where the workbook and .eml are copied (default ./out)
  --drop <dir>         folder watched by --serve (default ./drop)
  --fresh              delete the emulator data first and load the sample year again
  --seed <n>           seed of the sample year (default 2026)
  --sample-rows <n>    at most this many daily actual rows (default 120000; fewer = coarser, faster)
  --report <id>        report to run (default weekly-progress)
  --config <file>      plan configuration (default: the repository's plan.config.ts)
`;

function parsePorts(value: string | undefined): { dynamodb?: number; s3?: number; ses?: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => p.trim());
  const named: Record<string, number> = {};
  const order = ['dynamodb', 's3', 'ses'];
  parts.forEach((part, i) => {
    const m = /^(?:(dynamodb|s3|ses)=)?(\d{1,5})$/.exec(part);
    if (!m || Number(m[2]) > 65535) {
      throw new CliUsageError(
        `--ports "${value}": give three port numbers, e.g. --ports 8700,8701,8702 (0 = any free port)`,
      );
    }
    named[m[1] ?? order[i]!] = Number(m[2]);
  });
  return named;
}

/** A busy port, with how to run on other ports. */
function portAdvice(error: PortInUseError, invokedAs: string): Error {
  return new Error(
    `${error.message}. Stop the other process (another npm start --serve?), or run on other ports: ${invokedAs} --ports 8710,8711,8712 (DynamoDB, S3, SES), or ${invokedAs} --ports 0,0,0 for any free ports`,
  );
}

const STATUS_MARK: Record<string, string> = {
  accepted: '✔',
  rejected: '✖',
  skipped_older: '·',
  processing: '…',
};

/** Runs `npm start`; resolves with the exit code (with --serve: when Ctrl-C stops it). */
export async function runStart(
  argv: readonly string[],
  io: CliIo = defaultIo(),
  options: {
    /** How the user ran it, for examples in messages: `npm start --` or `plan-monitor serve`. */
    invokedAs?: string;
    /** Tests look at the stack here before it stops. */
    beforeStop?: (stack: LocalStack) => Promise<void>;
  } = {},
): Promise<number> {
  const invokedAs = options.invokedAs ?? 'npm start --';
  const { values } = parseCommandArgs(
    [...argv],
    {
      'as-of': { type: 'string' },
      serve: { type: 'boolean' },
      ports: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      drop: { type: 'string' },
      fresh: { type: 'boolean' },
      seed: { type: 'string' },
      'sample-rows': { type: 'string' },
      report: { type: 'string' },
    },
    { positionals: false, invokedAs },
  );
  if (values.help) {
    io.stdout.write(START_HELP);
    return 0;
  }
  const started = Date.now();
  // The SDK's "Node 22 from 2027" warning would interrupt the progress output on every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const ctx = { io, cwd: io.cwd };
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const progress = createProgress(io.stdout);
  const config = await loadCliConfig(ctx, values.config);
  const reportId =
    values.report ??
    (config.reports.some((r) => r.id === 'weekly-progress') ? 'weekly-progress' : config.reports[0]!.id);
  const report = reportById(config, reportId);
  const asOf =
    values['as-of'] === undefined
      ? asOfOf(config, report, { reportId, scheduledTime: new Date().toISOString() })
      : requireDate(values['as-of'], '--as-of');
  requireAsOfInPlan(config, asOf);
  const fiscalYear = fiscalYearOf(asOf, config.calendar.fiscalYearStartMonth);
  const ports = parsePorts(values.ports) ?? DEFAULT_EMULATOR_PORTS;
  const dataDir = path.resolve(io.cwd, values['data-dir'] ?? path.join('.local', 'data'));
  const outDir = path.resolve(io.cwd, values.out ?? 'out');
  const seed = values.seed ? Number(values.seed) : 2026;
  const shown = (dir: string) => path.relative(io.cwd, dir) || dir;
  try {
    // Before --fresh deletes anything: the folder may belong to a running stack.
    assertDataDirFree(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new Error(
      `${shown(dataDir)} is in use by another npm start or serve (pid ${error.pid}): stop it (Ctrl-C in its terminal), or use it from here — npx plan-monitor report, ingest and runs talk to a running serve — or start a separate stack: ${invokedAs} --data-dir ${shown(dataDir)}-2 --ports 0,0,0`,
    );
  }
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  const dataDirClaim = claimDataDir(dataDir);
  mkdirSync(outDir, { recursive: true });

  const outcomes = new Map<string, UploadRecord | null>();
  const processed: ((key: string) => void)[] = [];
  progress.step('starting the DynamoDB, S3 and SES emulators');
  const stack: LocalStack = await startLocalStack({
    config,
    dataDir,
    ports,
    mailDir: outDir,
    onUploadProcessed(key, record, error) {
      outcomes.set(key, record);
      const name = key.replace(/^incoming\//, '');
      if (error && !record) progress.log(`  ✖ ${name}: ${(error as Error).message ?? String(error)}`);
      else if (record) {
        progress.log(
          `  ${STATUS_MARK[record.status] ?? '?'} ${name}: ${record.status}, ${record.rows} rows${record.errors ? `, ${record.errors} error(s)` : ''}${record.errorKey ? ` → error workbook s3://${stack.resources.uploadsBucket}/${record.errorKey}` : ''}`,
        );
      }
      for (const listener of processed) listener(key);
    },
  }).catch((error: unknown) => {
    progress.done();
    dataDirClaim.release();
    throw error instanceof PortInUseError ? portAdvice(error, invokedAs) : error;
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    dataDirClaim.release();
  };
  try {
    progress.done(
      `emulators up: DynamoDB ${stack.emulators.endpoints.dynamodb}, S3 ${stack.emulators.endpoints.s3}, SES ${stack.emulators.endpoints.sesv2}`,
    );

    // --- the sample year ------------------------------------------------------------------
    const already = await stack.reportDeps.uploads.list(1000);
    if (already.some((u) => u.status === 'accepted')) {
      out(
        `Sample data already loaded in ${path.relative(io.cwd, dataDir) || dataDir} (${already.length} uploads; --fresh reloads it)`,
      );
    } else {
      progress.step(`generating the ${fiscalYear} sample year (seed ${seed}) through ${asOf}`);
      const year = await generateSampleYear(config, {
        seed,
        fiscalYear,
        asOf,
        ...(values['sample-rows'] ? { maxActualRows: Number(values['sample-rows']) } : {}),
      });
      progress.done(`generated ${year.files.length} upload files`);
      for (const line of year.description) out(`  ${line}`);
      progress.step(
        `uploading ${year.files.length} files to s3://${stack.resources.uploadsBucket}/incoming/`,
      );
      for (const [i, file] of year.files.entries()) {
        progress.update(i, year.files.length);
        await stack.reportDeps.objects.put(stack.resources.uploadsBucket, file.key, file.body, {
          contentType: file.contentType,
          ...(file.metadata ? { metadata: file.metadata } : {}),
        });
      }
      progress.done(`uploaded ${year.files.length} files; ingesting through the ingest handler:`);
      const ingestStarted = Date.now();
      await stack.idle();
      out(`Ingested in ${((Date.now() - ingestStarted) / 1000).toFixed(1)} s`);
      const keys = year.files.map((f) => f.key);
      const accepted = keys.filter((k) => outcomes.get(k)?.status === 'accepted').length;
      const rejected = keys.filter((k) => outcomes.get(k)?.status === 'rejected').length;
      out(
        `Ingestion: ${accepted} accepted, ${rejected} rejected, ${keys.length - accepted - rejected} other`,
      );
      const unexpected = year.files.filter(
        (f) => (outcomes.get(f.key)?.status === 'rejected') !== f.expectRejected,
      );
      for (const f of unexpected) {
        out(
          `  ! ${f.key}: expected ${f.expectRejected ? 'rejected' : 'accepted'}, got ${outcomes.get(f.key)?.status ?? 'no outcome'}`,
        );
      }
    }

    // --- the weekly report ----------------------------------------------------------------
    progress.step(`running ${reportId} for ${asOf} through schedule-report → run-report`);
    const sentBefore = stack.sentMail.length;
    const run = await stack.runReport({ reportId, asOf });
    progress.done(`${reportId} for ${asOf}: ${run.jobs.length} scope(s) (${run.jobs.join(', ')})`);
    for (const failure of run.failures) {
      out(`  ✖ ${failure.job.scopeKey}: ${(failure.error as Error)?.message ?? String(failure.error)}`);
    }
    const data = await stack.reportDeps.facts.loadPlanData(planDataQuery(config, report, asOf));
    const { itemsRead: _read, ...planData } = data;
    const model = buildReportModel(config, planData, reportId, asOf, {
      generatedAt: new Date().toISOString(),
    });
    out();
    io.stdout.write(formatSummary(model));
    out();

    const records = (await stack.reportDeps.runs.list(reportId)).filter((r) => r.asOf === asOf);
    for (const record of records) {
      const target = await copyArchivedWorkbook(
        stack.reportDeps.objects,
        stack.resources.archiveBucket,
        record,
        outDir,
      );
      if (!target) {
        out(`Run ${record.scopeKey}: ${record.status}${record.reason ? ` — ${record.reason}` : ''}`);
        continue;
      }
      out(`Workbook (${record.scopeKey}): s3://${stack.resources.archiveBucket}/${record.archiveKey}`);
      out(`  copied to ${path.relative(io.cwd, target)}`);
    }
    const newMail = stack.sentMail.slice(sentBefore);
    if (newMail.length > 0) {
      for (const mail of newMail) {
        out(
          `Email to ${mail.to.join(', ')}: ${mail.emlPath ? path.relative(io.cwd, mail.emlPath) : mail.messageId}`,
        );
      }
    } else {
      out('No email sent: the run ledger says this report was already sent for this week (no duplicates).');
    }
    out(`Read the mail in the SES emulator: ${stack.emulators.sesWebUrl}`);
    out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (run.failures.length > 0) return 1;

    if (!values.serve) return 0;
    return await serve(stack, io, {
      dropDir: path.resolve(io.cwd, values.drop ?? 'drop'),
      outDir,
      config,
      onProcessed: processed,
      outcomes,
    });
  } finally {
    if (options.beforeStop) await options.beforeStop(stack);
    await stop();
  }
}

async function serve(
  stack: LocalStack,
  io: CliIo,
  options: {
    dropDir: string;
    outDir: string;
    config: PlanConfig;
    onProcessed: ((key: string) => void)[];
    outcomes: Map<string, UploadRecord | null>;
  },
): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const endpointsPath = path.resolve(io.cwd, ENDPOINTS_FILE);
  mkdirSync(path.dirname(endpointsPath), { recursive: true });
  writeFileSync(endpointsPath, `${JSON.stringify(stack.endpointsFile(), null, 2)}\n`);

  // Download the error workbook of a rejected drop next to the other outputs.
  options.onProcessed.push((key) => {
    const record = options.outcomes.get(key);
    if (record?.status !== 'rejected' || !record.errorKey) return;
    void stack.reportDeps.objects
      .get(stack.resources.uploadsBucket, record.errorKey)
      .then((object) => {
        const target = path.join(options.outDir, 'rejected', path.basename(record.errorKey!));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, object.body);
        out(`    error workbook: ${path.relative(io.cwd, target)}`);
      })
      .catch(() => {});
  });

  const shownAs = path.relative(io.cwd, options.dropDir) || options.dropDir;
  const dropFolder = watchDropFolder({
    dropDir: options.dropDir,
    config: options.config,
    shownAs,
    onProblem: (name, message) => out(`  ✖ ${name}: ${message}`),
    async onFile({ name, kind, body }) {
      const stamp = new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z');
      const key = `incoming/${kind}/${stamp}-${path.basename(name)}`;
      out(`  ↑ ${name} → s3://${stack.resources.uploadsBucket}/${key}`);
      // No uploader address: a rejection goes to the configured contact for the kind, as in AWS
      // for an upload without uploader-email metadata.
      await stack.reportDeps.objects.put(stack.resources.uploadsBucket, key, body);
    },
  });
  out();
  out(
    `Serving. Drop CSV/XLSX files into ${shownAs}/actuals/, ${shownAs}/targets/ or ${shownAs}/milestones/ (or ${shownAs}/ when the name or header row tells the kind) to ingest them;`,
  );
  out(
    `the CLI finds this stack through ${path.relative(io.cwd, endpointsPath)} (try: npx plan-monitor runs). Ctrl-C stops.`,
  );
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  dropFolder.close();
  rmSync(endpointsPath, { force: true });
  out('Stopped.');
  return 0;
}

/** `npm start` itself: runs, prints a failure as `npm start: …`, resolves with the exit code. */
export async function startFromCommandLine(
  argv: readonly string[],
  io: CliIo = defaultIo(),
): Promise<number> {
  try {
    return await runStart(argv, io);
  } catch (error) {
    io.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof CliUsageError) io.stderr.write('Run npm start -- --help for usage.\n');
    if (process.env.PLAN_MONITOR_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return error instanceof CliUsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await startFromCommandLine(process.argv.slice(2));
}
