/**
 * `npm start`: the whole workflow on one machine, no AWS account, Docker or Java.
 *
 * Starts the emulators, creates the table and buckets, drops a generated fiscal year of
 * upload files into the S3 emulator (ingested by the ingest handler from the object-created
 * events), runs the weekly report through schedule-report → run-report, and prints a
 * summary with where the workbook, the email and the SES emulator's mail page are.
 * `--serve` keeps everything up and ingests files dropped into ./drop/ until Ctrl-C.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planDataQuery } from '../../shared/app/run-report.ts';
import { asOfOf } from '../../shared/app/schedule-report.ts';
import { type CliIo, defaultIo, loadCliConfig } from '../../shared/cli/context.ts';
import { ENDPOINTS_FILE } from '../../shared/cli/local-connection.ts';
import { createProgress } from '../../shared/cli/progress.ts';
import { formatSummary } from '../../shared/cli/summary.ts';
import { detectUploadKind } from '../../shared/cli/upload-files.ts';
import { reportById } from '../../shared/config/lookup.ts';
import { fiscalYearOf } from '../../shared/domain/calendar.ts';
import type { UploadRecord } from '../../shared/ports/index.ts';
import { buildReportModel } from '../../shared/report/build-report-model.ts';
import { DEFAULT_EMULATOR_PORTS } from './emulators.ts';
import { generateSampleYear } from './sample-year.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

export const START_HELP = `Usage: npm start -- [options]      (or: plan-monitor serve [options])

Runs Plan Monitor end to end on this machine with embedded DynamoDB, S3 and SES emulators:
generates a sample fiscal year, ingests it through the ingest handler, runs the weekly report
through the report handlers, emails it to the SES emulator and prints a summary.

Options:
  --as-of YYYY-MM-DD   report date (default: the last complete week, as the schedule would)
  --serve              keep the stack up; ingest CSV/XLSX files dropped into ./drop/ (Ctrl-C stops)
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
      throw new Error(
        `--ports "${value}": give three port numbers, e.g. --ports 8700,8701,8702 (0 = any free port)`,
      );
    }
    named[m[1] ?? order[i]!] = Number(m[2]);
  });
  return named;
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
  hooks: { beforeStop?: (stack: LocalStack) => Promise<void> } = {},
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
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
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
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
    values['as-of'] ?? asOfOf(config, report, { reportId, scheduledTime: new Date().toISOString() });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    throw new Error(`--as-of "${asOf}" must be YYYY-MM-DD, e.g. 2026-11-22`);
  const fiscalYear = fiscalYearOf(asOf, config.calendar.fiscalYearStartMonth);
  if (!config.calendar.fiscalYears.includes(fiscalYear)) {
    throw new Error(
      `asOf ${asOf} falls in ${fiscalYear}, which the configuration does not list under calendar.fiscalYears (${config.calendar.fiscalYears.join(', ')}): pass --as-of with a date in one of those years, e.g. --as-of 2026-11-22, or add ${fiscalYear} to the configuration`,
    );
  }
  const dataDir = path.resolve(io.cwd, values['data-dir'] ?? path.join('.local', 'data'));
  const outDir = path.resolve(io.cwd, values.out ?? 'out');
  const seed = values.seed ? Number(values.seed) : 2026;
  if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const outcomes = new Map<string, UploadRecord | null>();
  const processed: ((key: string) => void)[] = [];
  progress.step('starting the DynamoDB, S3 and SES emulators');
  const stack: LocalStack = await startLocalStack({
    config,
    dataDir,
    ports: parsePorts(values.ports) ?? DEFAULT_EMULATOR_PORTS,
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
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
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
      if (!record.archiveKey) {
        out(`Run ${record.scopeKey}: ${record.status}${record.reason ? ` — ${record.reason}` : ''}`);
        continue;
      }
      const object = await stack.reportDeps.objects.get(stack.resources.archiveBucket, record.archiveKey);
      const target = path.join(
        outDir,
        record.scopeKey === 'all'
          ? path.basename(record.archiveKey)
          : `${record.scopeKey}-${path.basename(record.archiveKey)}`,
      );
      writeFileSync(target, object.body);
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
    if (hooks.beforeStop) await hooks.beforeStop(stack);
    await stop();
  }
}

async function serve(
  stack: LocalStack,
  io: CliIo,
  options: {
    dropDir: string;
    outDir: string;
    config: Parameters<typeof detectUploadKind>[2];
    onProcessed: ((key: string) => void)[];
    outcomes: Map<string, UploadRecord | null>;
  },
): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const endpointsPath = path.resolve(io.cwd, ENDPOINTS_FILE);
  mkdirSync(path.dirname(endpointsPath), { recursive: true });
  writeFileSync(endpointsPath, `${JSON.stringify(stack.endpointsFile(), null, 2)}\n`);
  mkdirSync(options.dropDir, { recursive: true });

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

  const timers = new Map<string, NodeJS.Timeout>();
  const ingestDropped = async (name: string) => {
    const file = path.join(options.dropDir, name);
    if (
      !existsSync(file) ||
      !/\.(csv|xlsx|txt|tsv)$/i.test(name) ||
      name.startsWith('~$') ||
      name.startsWith('.')
    )
      return;
    const body = readFileSync(file);
    let kind: string;
    try {
      kind = await detectUploadKind(file, body, options.config);
    } catch (error) {
      out(`  ✖ ${name}: ${(error as Error).message}`);
      return;
    }
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const key = `incoming/${kind}/${stamp}-${name}`;
    out(`  ↑ ${name} → s3://${stack.resources.uploadsBucket}/${key}`);
    // No uploader address: a rejection goes to the configured contact for the kind, as in AWS
    // for an upload without uploader-email metadata.
    await stack.reportDeps.objects.put(stack.resources.uploadsBucket, key, body);
  };
  const watcher = watch(options.dropDir, (_event, filename) => {
    if (!filename) return;
    const name = filename.toString();
    clearTimeout(timers.get(name));
    // Editors and copies write in several steps: wait until the file has been quiet a moment.
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        void ingestDropped(name).catch((error: unknown) => out(`  ✖ ${name}: ${(error as Error).message}`));
      }, 600),
    );
  });

  out();
  out(
    `Serving. Drop CSV/XLSX files into ${path.relative(io.cwd, options.dropDir) || options.dropDir}/ to ingest them;`,
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
  watcher.close();
  for (const timer of timers.values()) clearTimeout(timer);
  rmSync(endpointsPath, { force: true });
  out('Stopped.');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStart(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.PLAN_MONITOR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    },
  );
}
