/**
 * Report use case: `runReportJob` does one job (queued by `scheduleReport`, see
 * ./schedule-report.ts): claim the run in the ledger, read the plan data, build the model,
 * render the workbook, archive it, email it, record the outcome. Jobs are independent so one
 * failing scope never blocks the others, and the ledger makes a duplicate delivery or a retry
 * send no second email.
 */
import { reportById, reportScopes } from '../config/lookup.ts';
import type { PlanConfig, ReportConfig } from '../config/schema.ts';
import { compareDates, fiscalYearRange, reportRange } from '../domain/calendar.ts';
import type { LocalDate } from '../domain/types.ts';
import type {
  Clock,
  FactStore,
  Mailer,
  MailLedger,
  ObjectStore,
  PlanDataQuery,
  ReportJob,
  ReportJobQueue,
  ReportLinks,
  RunLedger,
  RunRecord,
  UploadLedger,
} from '../ports/index.ts';
import { buildReportModel } from '../report/build-report-model.ts';
import { emailCharts, withWorkbookCharts } from '../report/charts/report-charts.ts';
import { labels } from '../report/i18n.ts';
import { earliestComparedDay } from '../report/model/comparisons.ts';
import { leadRanges } from '../report/model/ranges.ts';
import { type EmailLink, renderEmail } from '../report/render/email.ts';
import { renderWorkbook, workbookFileName } from '../report/render/excel.ts';
import { composeMime } from '../report/render/mime.ts';
import type { ReportModel } from '../report/report-model.ts';
import { REPORTS_PREFIX } from './report-links.ts';
import { type AppLogger, ReportInputError, silentLogger } from './schedule-report.ts';
import { type SendOnceOutcome, sendOnce } from './send-once.ts';

export interface ReportDeps {
  readonly config: PlanConfig;
  readonly facts: FactStore;
  readonly objects: ObjectStore;
  readonly mailer: Mailer;
  /** Marks each email before SES gets it, so no retry or redelivery sends it twice. */
  readonly mails: MailLedger;
  readonly runs: RunLedger;
  readonly uploads: UploadLedger;
  readonly clock: Clock;
  readonly archiveBucket: string;
  readonly logger?: AppLogger;
  /**
   * How long a `started` run is considered alive before another delivery may take it over
   * (a crash). Must exceed the worker's timeout so two live workers never both send.
   */
  readonly leaseSeconds?: number;
  /**
   * Links to workbooks too large to attach, valid for the report's `attachment.linkDays`
   * (AWS: signed links to the report-link function). Without it — the local runtime, whose
   * emulator credentials are static, so a presigned URL's expiry is real — the link is
   * `objects.presign`, whose stated expiry is what the credentials allow.
   */
  readonly links?: ReportLinks;
}

export type JobOutcome =
  | { readonly status: 'sent'; readonly record: RunRecord; readonly model: ReportModel }
  | { readonly status: 'skipped'; readonly record: RunRecord }
  /** Another delivery already handled (or is handling) this run: nothing was sent. */
  | { readonly status: 'duplicate'; readonly record: RunRecord };

/** The KPIs a report reads: its own, its scorecard's and headline's, and the components of ratios. */
export function kpisNeeded(config: PlanConfig, report: ReportConfig): string[] {
  const ids = new Set([...report.kpis, ...(report.scorecard.kpis ?? [])]);
  if (report.headline) ids.add(report.headline.kpi);
  for (const kpi of config.kpis) {
    if (ids.has(kpi.id) && kpi.aggregation === 'ratio') {
      if (kpi.numerator) ids.add(kpi.numerator);
      if (kpi.denominator) ids.add(kpi.denominator);
    }
  }
  return [...ids];
}

/**
 * What a report reads from the FactStore for one asOf: its KPIs (with ratio components), from
 * the earliest day any shown range, the fiscal year (outlook, trend) or a comparison (the
 * same period last year) needs, through asOf, for its target version and compare version.
 */
export function planDataQuery(config: PlanConfig, report: ReportConfig, asOf: LocalDate): PlanDataQuery {
  const startMonth = config.calendar.fiscalYearStartMonth;
  let start = fiscalYearRange(asOf, startMonth).start;
  for (const kind of [...report.ranges, ...leadRanges(report)]) {
    const range = reportRange(kind, asOf, startMonth);
    if (compareDates(range.start, start) < 0) start = range.start;
  }
  // The comparisons read the period before and the same period last year (issue 15).
  const compared = earliestComparedDay(report, asOf, startMonth);
  if (compareDates(compared, start) < 0) start = compared;
  return {
    kpis: kpisNeeded(config, report),
    start,
    end: asOf,
    targetVersions: [report.targetVersion, ...(report.compareVersion ? [report.compareVersion] : [])],
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Run one (report, asOf, scope) job exactly once. Throws when the run fails (after recording
 * `failed` in the ledger) so the queue retries it; a failed send is never recorded as sent.
 */
export async function runReportJob(deps: ReportDeps, job: ReportJob): Promise<JobOutcome> {
  const { config, clock } = deps;
  const logger = deps.logger ?? silentLogger;
  const report = reportById(config, job.reportId);
  const scope = reportScopes(config, report).find((candidate) => candidate.key === job.scopeKey);
  if (!scope) {
    throw new ReportInputError(`report "${report.id}" has no recipient scope "${job.scopeKey}"`);
  }
  const context = { reportId: report.id, asOf: job.asOf, scope: scope.key };

  const claim = await deps.runs.claim({
    reportId: report.id,
    asOf: job.asOf,
    scopeKey: scope.key,
    now: clock.now().toISOString(),
    leaseSeconds: deps.leaseSeconds ?? 900,
    force: job.force,
  });
  if (!claim.claimed) {
    if (claim.record.status === 'started') {
      // Another delivery holds a live lease: it may still send, or it crashed. Deleting this
      // message now would leave a crashed run `started` for good, so it comes back after the
      // queue's visibility timeout (longer than the lease) and finds `sent` or takes over.
      logger.info('run in progress elsewhere: retry later', { ...context, attempt: claim.record.attempt });
      throw new RunInProgressError(context, claim.record);
    }
    logger.info('run already handled: nothing sent', { ...context, status: claim.record.status });
    return { status: 'duplicate', record: claim.record };
  }
  const attempt = claim.record.attempt;
  const finish = (status: 'sent' | 'skipped' | 'failed', extra: Partial<RunRecord> = {}) =>
    deps.runs.finish({
      reportId: report.id,
      asOf: job.asOf,
      scopeKey: scope.key,
      attempt,
      status,
      now: clock.now().toISOString(),
      archiveKey: extra.archiveKey ?? null,
      messageId: extra.messageId ?? null,
      reason: extra.reason ?? null,
    });

  // Set once an email may have gone out (accepted, or in doubt): from then on nothing may
  // record `failed`. (A retry would not mail twice — the mail ledger holds the mark — but the
  // run's record must say what the recipients got.)
  let sentMessageId: string | null = null;
  const mailContext = { mailer: deps.mailer, mails: deps.mails, clock, logger };
  try {
    // Checked again just before sending: the configuration may have been edited by hand.
    assertRecipientsAllowed(
      config,
      report,
      scope.recipients.map((recipient) => recipient.email),
    );

    const kpis = kpisNeeded(config, report);
    // The run this one follows: the last one sent for this period or an earlier one. A later
    // period's run says nothing about what the recipients of this period have seen (a backfill
    // of an earlier week is news to them even when no data arrived since the later week).
    const lastSent = await deps.runs.lastSent(report.id, scope.key, job.asOf);
    if (report.whenNoNewData !== 'send' && !job.force && lastSent?.finishedAt) {
      const lastWrite = await deps.facts.lastWriteAt(kpis);
      // Against when that run started, not when it finished: data committed while it was
      // reading and rendering may not be in what it sent.
      if (!lastWrite || lastWrite <= lastSent.startedAt) {
        const note = await skipForNoNewData(deps, report, scope.recipients, job, lastSent, mailContext);
        if (note?.status === 'refused') throw new MailNotSentError(note.reason);
        const noteId = note && 'messageId' in note ? note.messageId : null;
        if (note) sentMessageId = noteId ?? '';
        const reason = `no new data since the last sent run${note?.status === 'in_doubt' ? ' (note in doubt: not resent)' : ''}`;
        await finish('skipped', { messageId: noteId, reason });
        logger.info('no new data: run skipped', { ...context, note: note?.status ?? 'none' });
        const finishedAt = clock.now().toISOString();
        return {
          status: 'skipped',
          record: { ...claim.record, status: 'skipped', messageId: noteId, reason, finishedAt },
        };
      }
    }

    const startMonth = config.calendar.fiscalYearStartMonth;
    const fiscalYear = fiscalYearRange(job.asOf, startMonth);
    const data = await deps.facts.loadPlanData(planDataQuery(config, report, job.asOf));
    const rejected = await deps.uploads.rejectedSince(
      lastSent?.finishedAt ?? `${fiscalYear.start}T00:00:00Z`,
    );
    const scoped = scope.key !== 'all';
    const model = buildReportModel(config, data, report.id, job.asOf, {
      scope: scoped ? scope.dims : undefined,
      generatedAt: clock.now().toISOString(),
      // A scoped recipient sees nothing of other scopes: not how much was read in all, and not
      // the names of rejected files, which may hold any scope's rows (the uploader is told).
      sources: [
        ...(scoped ? [] : [`DynamoDB facts: ${data.itemsRead} items read`]),
        `Target version: ${report.targetVersion}`,
      ],
      rejectedUploads: scoped
        ? []
        : rejected.map((upload) => ({
            key: upload.key,
            errors: upload.errors,
            finishedAt: upload.finishedAt ?? upload.startedAt,
          })),
    });

    const chartFailed = (what: string, error: unknown) =>
      logger.error(`${what} charts not drawn: the report goes out without them`, {
        ...context,
        error: describeError(error),
      });
    const workbook = await withWorkbookCharts(await renderWorkbook(model), model, chartFailed);
    const fileName = workbookFileName(model);
    // One archive object per attempt: a resend or a retry after a crash never overwrites.
    const archiveKey = `${REPORTS_PREFIX}${report.id}/${model.periodKey}/${scope.key}/${fileName.replace(/\.xlsx$/, '')}.r${attempt}.xlsx`;
    await deps.objects.put(deps.archiveBucket, archiveKey, workbook, {
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      metadata: { 'report-id': report.id, 'as-of': job.asOf, scope: scope.key, attempt: String(attempt) },
      ifNoneMatch: true,
    });

    const tooLarge = workbook.byteLength > report.attachment.maxBytes;
    const link = tooLarge ? await workbookLink(deps, report, archiveKey, job.asOf, scope.dims) : null;
    const charts = await emailCharts(model, chartFailed);
    const rendered = renderEmail(model, {
      ...(link ? { link } : { attachment: { filename: fileName, content: workbook } }),
      charts: charts.map((chart) => chart.email),
    });
    const to = scope.recipients.map((recipient) => recipient.email);
    const raw = await composeMime({
      from: config.email.from,
      to,
      ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      inline: charts.map((chart) => chart.image),
      attachments: link ? [] : [{ filename: fileName, content: workbook }],
    });
    const mail = await sendOnce(
      mailContext,
      runMailId(job, 'report', attempt),
      {
        from: config.email.from,
        to,
        ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
        raw,
      },
      context,
    );
    if (mail.status === 'refused') throw new MailNotSentError(mail.reason);
    const messageId = 'messageId' in mail ? mail.messageId : null;
    sentMessageId = messageId ?? '';
    if (mail.status !== 'sent') {
      // An earlier attempt sent it (or may have): record the run as sent, send nothing more.
      const reason =
        mail.status === 'in_doubt' ? `email in doubt since ${mail.since}: not resent` : 'already sent';
      await recordSent(() => finish('sent', { archiveKey, messageId, reason }), logger, {
        ...context,
        messageId,
      });
      const record: RunRecord = {
        ...claim.record,
        status: 'sent',
        archiveKey,
        messageId,
        reason,
        finishedAt: clock.now().toISOString(),
      };
      return { status: 'duplicate', record };
    }
    await recordSent(() => finish('sent', { archiveKey, messageId }), logger, { ...context, messageId });
    logger.info('report sent', {
      ...context,
      archiveKey,
      messageId,
      bytes: workbook.byteLength,
      linked: tooLarge,
      ...(link ? { link: link.kind, linkExpiresAt: link.expiresAt } : {}),
    });
    return {
      status: 'sent',
      model,
      record: {
        ...claim.record,
        status: 'sent',
        archiveKey,
        messageId,
        finishedAt: clock.now().toISOString(),
      },
    };
  } catch (error) {
    if (sentMessageId !== null) {
      // The mail went out; only the bookkeeping after it failed (recordSent already logged).
      logger.error('report sent, but a step after the send failed: not retried', {
        ...context,
        attempt,
        messageId: sentMessageId,
        error: describeError(error),
      });
      throw new ReportSentError(context, sentMessageId, error);
    }
    logger.error('report run failed', { ...context, attempt, error: describeError(error) });
    await finish('failed', { reason: describeError(error) }).catch((ledgerError: unknown) => {
      logger.error('could not record the failure in the run ledger', {
        ...context,
        error: describeError(ledgerError),
      });
    });
    throw error;
  }
}

/**
 * The link that replaces a too-large attachment, valid for the report's `attachment.linkDays`.
 * With {@link ReportDeps.links} it is reusable (a fresh download on every open until its
 * expiry; after that the operators can resend); without it, a presigned URL and the command
 * that writes the same workbook locally.
 */
async function workbookLink(
  deps: ReportDeps,
  report: ReportConfig,
  archiveKey: string,
  asOf: LocalDate,
  dims: Readonly<Record<string, string>>,
): Promise<EmailLink> {
  const seconds = report.attachment.linkDays * 24 * 3600;
  if (deps.links) {
    const link = await deps.links.linkTo(deps.archiveBucket, archiveKey, seconds);
    return { kind: 'reusable', ...link, contact: deps.config.contacts.operators };
  }
  const link = await deps.objects.presign(deps.archiveBucket, archiveKey, seconds);
  return { kind: 'presigned', ...link, command: localReportCommand(report.id, asOf, dims) };
}

/** `npx plan-monitor report <id> --as-of <asOf> [--scope k=v]… --out out`: the workbook, written locally. */
export function localReportCommand(
  reportId: string,
  asOf: LocalDate,
  dims: Readonly<Record<string, string>> = {},
): string {
  const quote = (arg: string) => (/^[\w=.,:@/+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  const scope = Object.entries(dims).map(([dim, value]) => ` --scope ${quote(`${dim}=${value}`)}`);
  return `npx plan-monitor report ${quote(reportId)} --as-of ${asOf}${scope.join('')} --out out`;
}

/** Another delivery of the same run holds a live lease: retry this message later. */
export class RunInProgressError extends Error {
  constructor(
    readonly run: { reportId: string; asOf: string; scope: string },
    readonly record: RunRecord,
  ) {
    super(
      `run ${run.reportId} ${run.asOf} ${run.scope} is in progress (attempt ${record.attempt}, started ${record.startedAt}): retry after its lease`,
    );
    this.name = 'RunInProgressError';
  }
}

/**
 * SES accepted the mail but a step after it failed (the ledger could not be told `sent`).
 * The caller must not retry the job: the recipients already have their email.
 */
export class ReportSentError extends Error {
  constructor(
    readonly run: { reportId: string; asOf: string; scope: string },
    readonly messageId: string,
    cause: unknown,
  ) {
    super(
      `run ${run.reportId} ${run.asOf} ${run.scope} was sent (SES message ${messageId}) but not recorded as sent: ${describeError(cause)}`,
      { cause },
    );
    this.name = 'ReportSentError';
  }
}

/**
 * Records `sent`, retrying a few times: the mail is out, so a lost ledger write must not turn
 * into a retried (second) email. Throws only when every attempt failed.
 */
async function recordSent(
  write: () => Promise<unknown>,
  logger: AppLogger,
  context: Record<string, unknown>,
  attempts = 4,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (error) {
      logger.error('could not record the sent run in the ledger', {
        ...context,
        attempt,
        error: describeError(error),
      });
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

export class RecipientNotAllowedError extends Error {
  constructor(readonly addresses: readonly string[]) {
    super(
      `refusing to send to ${addresses.join(', ')}: not in email.allowedDomains. Fix the address or add its domain in plan.config.ts`,
    );
    this.name = 'RecipientNotAllowedError';
  }
}

export function assertRecipientsAllowed(
  config: PlanConfig,
  report: ReportConfig,
  addresses: readonly string[],
) {
  const domains = new Set(config.email.allowedDomains.map((domain) => domain.toLowerCase()));
  const outside = addresses.filter((address) => !domains.has(address.split('@')[1]?.toLowerCase() ?? ''));
  if (outside.length > 0) throw new RecipientNotAllowedError(outside);
  if (addresses.length === 0)
    throw new ReportInputError(`report "${report.id}" has no recipients for this scope`);
}

/**
 * The id of a run's email in the mail ledger: one per (report, asOf, scope) and kind, and per
 * forced resend request, so a redelivered job never mails twice while a new resend does. (A
 * forced job queued before request ids existed falls back to its attempt.)
 */
export function runMailId(job: ReportJob, kind: 'report' | 'note', attempt: number): string {
  const request = job.force ? `forced:${job.requestId ?? `attempt-${attempt}`}` : 'scheduled';
  return `run:${job.reportId}#${job.asOf}#${job.scopeKey}#${kind}#${request}`;
}

/** SES refused the email for good (nothing was sent): the run fails and is retried. */
export class MailNotSentError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MailNotSentError';
  }
}

/** Sends the "no new data" note once, when the report asks for one; `null` when it does not. */
async function skipForNoNewData(
  deps: ReportDeps,
  report: ReportConfig,
  recipients: readonly { email: string }[],
  job: ReportJob,
  lastSent: RunRecord,
  mail: Parameters<typeof sendOnce>[0],
): Promise<SendOnceOutcome | null> {
  if (report.whenNoNewData !== 'note') return null;
  // No model is built for a skipped run (nothing new to read), so the note is composed here,
  // from the same labels the report email uses.
  const language = report.language;
  const words = labels(language).text;
  const subject = `${report.name[language]} · ${job.asOf} · ${words.noNewDataSubject}`;
  const text =
    language === 'zh'
      ? `${words.noNewData}（上次发送：${lastSent.asOf}）`
      : `${words.noNewData} (last sent: ${lastSent.asOf})`;
  const to = recipients.map((recipient) => recipient.email);
  const raw = await composeMime({
    from: deps.config.email.from,
    to,
    subject,
    html: `<p style="font-family:Arial,sans-serif;font-size:14px">${text}</p>`,
    text,
    attachments: [],
  });
  return sendOnce(
    mail,
    runMailId(job, 'note', 0),
    { from: deps.config.email.from, to, raw },
    {
      reportId: job.reportId,
      asOf: job.asOf,
      scope: job.scopeKey,
    },
  );
}

/**
 * A job queue that runs each job at once in this process (the local runtime's stand-in for
 * SQS). Every job runs even when another fails; failures are returned, not thrown.
 */
export function inProcessJobQueue(run: (job: ReportJob) => Promise<unknown>) {
  const failures: { job: ReportJob; error: unknown }[] = [];
  const queue: ReportJobQueue & { failures: typeof failures } = {
    failures,
    async enqueue(jobs) {
      for (const job of jobs) {
        try {
          await run(job);
        } catch (error) {
          failures.push({ job, error });
        }
      }
    },
  };
  return queue;
}
