/**
 * `plan-monitor report <reportId> --as-of D`: compute a report from a folder of upload files
 * (no store), or from the running local stack's store; print it, write it, or send it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planDataQuery } from '../../app/run-report.ts';
import { reportById, scopeKey } from '../../config/lookup.ts';
import type { PlanConfig } from '../../config/schema.ts';
import type { PlanData } from '../../domain/types.ts';
import { buildReportModel } from '../../report/build-report-model.ts';
import type { ReportModel } from '../../report/report-model.ts';
import { copyArchivedWorkbook } from '../archived-workbooks.ts';
import {
  type CliContext,
  CliUsageError,
  loadCliConfig,
  parseCommandArgs,
  parseScope,
  requireAsOfInPlan,
  requireDate,
  requireFolder,
} from '../context.ts';
import { connectToLocalStack, type LocalConnection } from '../local-connection.ts';
import { createProgress, type Progress } from '../progress.ts';
import { formatSummary } from '../summary.ts';
import { listUploadFiles, parseLocalFile, planDataFromFiles } from '../upload-files.ts';

export const REPORT_HELP = `Usage: plan-monitor report <reportId> --as-of YYYY-MM-DD [options]

Computes a report for asOf (inclusive, in the business time zone).

Where the data comes from:
  --from-files <dir>   parse and validate every upload file in <dir> (recursively; same rules
                       as ingestion) and build the report from them — no store, no AWS.
                       A file with errors stops the command (fix it or move it out).
  (default)            the running local stack (plan-monitor serve / npm start -- --serve),
                       found through .local/endpoints.json (--endpoints <file>).

What to do with it:
  --json               print the report model (JSON) on stdout
  --out <dir>          write the workbook (.xlsx), the email (.html) and a .eml there;
                       with --send, the archived workbook and the email that was sent
  --send               run it through the stack's schedule-report → run-report handlers:
                       archived and emailed once per (report, asOf, scope); a repeat sends
                       nothing and says so; --force resends
  (default)            print a summary table

Other options:
  --scope dim=value    restrict to a recipient scope (repeatable), e.g. --scope category=pets
  --config <file>      plan configuration (default: the repository's plan.config.ts)

Examples:
  plan-monitor report weekly-progress --as-of 2026-11-22 --from-files ./uploads --out ./out
  plan-monitor report weekly-progress --as-of 2026-11-22 --json > model.json
  plan-monitor report weekly-progress --as-of 2026-11-22 --send
`;

async function dataFromFiles(
  dir: string,
  config: PlanConfig,
  progress: Progress,
  ctx: CliContext,
): Promise<{ data: PlanData; sources: string[] }> {
  const files = listUploadFiles(dir);
  if (files.length === 0) throw new Error(`no .csv or .xlsx upload files under ${dir}`);
  const parsed = [];
  progress.step(`reading ${files.length} upload file(s) from ${dir}`);
  for (const [i, file] of files.entries()) {
    progress.update(i, files.length);
    parsed.push(await parseLocalFile(file, config));
  }
  progress.done(`read ${files.length} file(s)`);
  const bad = parsed.filter((p) => !p.result.ok);
  if (bad.length > 0) {
    for (const p of bad) {
      if (p.result.ok) continue;
      const first = p.result.errors[0];
      ctx.io.stderr.write(
        `✖ ${path.relative(ctx.cwd, p.file)}: ${p.result.errorCount} error(s)${first ? `, first: row ${first.row} ${first.column ? `"${first.column}" ` : ''}${first.message}` : ''}\n`,
      );
    }
    throw new Error(
      `${bad.length} file(s) failed validation (run plan-monitor validate on them for every error); fix them or move them out of ${dir}`,
    );
  }
  return {
    data: planDataFromFiles(parsed),
    sources: parsed.map((p) => `file: ${path.relative(dir, p.file)} (${p.kind}, ${p.result.rows} rows)`),
  };
}

async function writeOutputs(model: ReportModel, outDir: string): Promise<string[]> {
  const { renderWorkbook, workbookFileName } = await import('../../report/render/excel.ts');
  const { renderEmail } = await import('../../report/render/email.ts');
  const { composeMime } = await import('../../report/render/mime.ts');
  const { emailCharts, withWorkbookCharts } = await import('../../report/charts/report-charts.ts');
  mkdirSync(outDir, { recursive: true });
  const chartFailed = (what: string, error: unknown) => {
    throw new Error(
      `${what} charts could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
    );
  };
  const workbook = await withWorkbookCharts(await renderWorkbook(model), model, chartFailed);
  const fileName = workbookFileName(model);
  const xlsxPath = path.join(outDir, fileName);
  writeFileSync(xlsxPath, workbook);
  const charts = await emailCharts(model, chartFailed);
  const rendered = renderEmail(model, {
    attachment: { filename: fileName, content: workbook },
    charts: charts.map((chart) => chart.email),
  });
  const base = fileName.replace(/\.xlsx$/, '');
  // The .html preview opens in a browser, which cannot resolve cid: references: the images
  // are written beside it and referenced by file name (the .eml keeps the cid: parts).
  let previewHtml = rendered.html;
  const chartPaths = charts.map((chart) => {
    const file = `${base}.${chart.image.filename}`;
    writeFileSync(path.join(outDir, file), chart.image.content);
    previewHtml = previewHtml.replaceAll(`cid:${chart.email.cid}`, encodeURI(file));
    return path.join(outDir, file);
  });
  const htmlPath = path.join(outDir, `${base}.html`);
  writeFileSync(htmlPath, previewHtml);
  const raw = await composeMime({
    from: 'plan-monitor@localhost',
    to: ['preview@localhost'],
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    inline: charts.map((chart) => chart.image),
    attachments: [{ filename: fileName, content: workbook }],
  });
  const emlPath = path.join(outDir, `${base}.eml`);
  writeFileSync(emlPath, raw);
  return [xlsxPath, htmlPath, emlPath, ...chartPaths];
}

/**
 * Runs the report through the stack's schedule-report → run-report handlers and says, per
 * scope, what this call did: sent, skipped, failed — or nothing, because the run ledger
 * already held the run (then --force sends again). With an out folder, the archived workbook
 * is copied there (the email's .eml is written there by the stack's mailer).
 */
async function sendReport(
  stack: LocalConnection,
  ctx: CliContext,
  progress: Progress,
  input: {
    reportId: string;
    asOf: string;
    scope: Record<string, string> | undefined;
    force: boolean;
    outDir: string | undefined;
  },
): Promise<number> {
  const { reportId, asOf, scope, outDir } = input;
  const ledger = async () =>
    new Map(
      (await stack.reportDeps.runs.list(reportId))
        .filter((r) => r.asOf === asOf)
        .map((r) => [r.scopeKey, r] as const),
    );
  const before = await ledger();
  progress.step(`sending ${reportId} for ${asOf} through schedule-report → run-report`);
  const out = await stack.runReport({
    reportId,
    asOf,
    ...(scope ? { scope: scopeKey(scope) } : {}),
    force: input.force,
  });
  progress.done();
  const after = await ledger();
  for (const job of out.jobs) {
    const record = after.get(job);
    const earlier = before.get(job);
    // The ledger's claim stamps startedAt and counts the attempt: unchanged means untouched.
    const untouched =
      record && earlier && earlier.startedAt === record.startedAt && earlier.attempt === record.attempt;
    const detail = `${record?.messageId ? ` (message ${record.messageId})` : ''}${record?.reason ? ` — ${record.reason}` : ''}`;
    ctx.io.stdout.write(
      untouched
        ? `${job}: nothing sent now — already ${record.status}${record.finishedAt ? ` at ${record.finishedAt}` : ''}${detail}; add --force to send it again\n`
        : `${job}: ${record?.status ?? 'unknown'}${detail}\n`,
    );
    if (outDir && record) {
      const file = await copyArchivedWorkbook(
        stack.reportDeps.objects,
        stack.endpoints.archiveBucket,
        record,
        outDir,
      );
      if (file) ctx.io.stderr.write(`wrote ${path.relative(ctx.cwd, file) || file}\n`);
    }
  }
  for (const failure of out.failures) {
    ctx.io.stderr.write(
      `✖ ${failure.job.scopeKey}: ${(failure.error as Error).message ?? String(failure.error)}\n`,
    );
  }
  ctx.io.stdout.write(`Read the mail at ${stack.endpoints.sesWebUrl}\n`);
  return out.failures.length > 0 ? 1 : 0;
}

export const reportCommand = {
  summary: 'compute, print, write or send a report',
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      'as-of': { type: 'string' },
      scope: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      out: { type: 'string' },
      send: { type: 'boolean' },
      force: { type: 'boolean' },
      'from-files': { type: 'string' },
      endpoints: { type: 'string' },
    });
    if (values.help) {
      ctx.io.stdout.write(REPORT_HELP);
      return 0;
    }
    const reportId = positionals[0];
    if (!reportId)
      throw new CliUsageError('name the report, e.g. plan-monitor report weekly-progress --as-of 2026-11-22');
    if (positionals.length > 1) throw new CliUsageError(`unexpected argument "${positionals[1]}"`);
    const asOf = requireDate(values['as-of'], '--as-of');
    const scope = parseScope(values.scope);
    if (values.send && values['from-files']) {
      throw new CliUsageError(
        "--send goes through the stack's store; it cannot be combined with --from-files",
      );
    }
    const fromFiles = values['from-files'] && requireFolder(ctx, values['from-files'], '--from-files');
    const outDir = values.out ? path.resolve(ctx.cwd, values.out) : undefined;
    const config = await loadCliConfig(ctx, values.config);
    const report = reportById(config, reportId);
    requireAsOfInPlan(config, asOf);
    const progress = createProgress(ctx.io.stderr, { quiet: values.json === true && !ctx.io.stderr.isTTY });

    if (values.send) {
      const stack = await connectToLocalStack(ctx, config, values.endpoints, { mailDir: outDir });
      try {
        return await sendReport(stack, ctx, progress, {
          reportId: report.id,
          asOf,
          scope,
          force: values.force === true,
          outDir,
        });
      } finally {
        stack.close();
      }
    }

    let data: PlanData;
    let sources: string[];
    if (fromFiles) {
      ({ data, sources } = await dataFromFiles(fromFiles, config, progress, ctx));
    } else {
      const stack = await connectToLocalStack(ctx, config, values.endpoints);
      try {
        progress.step('reading plan data from the local stack');
        const loaded = await stack.reportDeps.facts.loadPlanData(planDataQuery(config, report, asOf));
        progress.done(`read ${loaded.itemsRead} items`);
        const { itemsRead, ...rest } = loaded;
        data = rest;
        sources = [`DynamoDB facts: ${itemsRead} items read`];
      } finally {
        stack.close();
      }
    }
    progress.step('computing the report');
    const model = buildReportModel(config, data, report.id, asOf, {
      ...(scope ? { scope } : {}),
      generatedAt: new Date().toISOString(),
      sources,
    });
    progress.done();
    if (values.json) ctx.io.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
    else ctx.io.stdout.write(formatSummary(model));
    if (outDir) {
      progress.step('rendering the workbook and the email');
      const written = await writeOutputs(model, outDir);
      progress.done();
      for (const file of written) ctx.io.stderr.write(`wrote ${path.relative(ctx.cwd, file) || file}\n`);
    }
    return 0;
  },
};
