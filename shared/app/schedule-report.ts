/**
 * Report scheduling use case: `scheduleReport` turns a schedule firing (or a manual request)
 * into one job per recipient scope, which `runReportJob` (./run-report.ts) then does.
 *
 * Kept apart from run-report.ts on purpose: the schedule-report Lambda bundles this module, and
 * it must not pull in the workbook, email and MIME renderers (exceljs, nodemailer) it never uses.
 */
import { randomUUID } from 'node:crypto';
import { reportById, reportScopes, reportTimeZone } from '../config/lookup.ts';
import type { PlanConfig, ReportConfig } from '../config/schema.ts';
import { asOfForRule, isValidLocalDate, localDateOf } from '../domain/calendar.ts';
import type { LocalDate } from '../domain/types.ts';
import type { ReportJob, ReportJobQueue } from '../ports/index.ts';

/** Structured logger (Powertools Logger satisfies it; tests pass a silent one). */
export interface AppLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLogger: AppLogger = { info() {}, warn() {}, error() {} };

export interface ScheduleDeps {
  readonly config: PlanConfig;
  readonly jobs: ReportJobQueue;
  readonly logger?: AppLogger;
}

/** What EventBridge Scheduler sends: `scheduledTime` is `<aws.scheduler.scheduled-time>`. */
export interface ScheduledInvocation {
  readonly reportId: string;
  readonly scheduledTime: string;
}

/** A backfill or resend started by a person. */
export interface ManualInvocation {
  readonly reportId: string;
  readonly asOf: LocalDate;
  /** A scope key such as `category=pets` or `all`; every configured scope when absent. */
  readonly scope?: string;
  readonly force?: boolean;
  /**
   * Names a forced resend. Its jobs carry it, so a duplicate delivery of a job (or a retried
   * invocation with the same id) mails nothing more; each new request mails again. Defaults to
   * the Lambda request id (kept by Lambda's own retries of an asynchronous invocation).
   */
  readonly requestId?: string;
}

export type ReportInvocation = ScheduledInvocation | ManualInvocation;

export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

/**
 * The asOf a run reports on. Derived from the *scheduled* time (never the clock) in the
 * report's time zone, so a retried or late delivery maps to the same run and the same ledger row.
 */
export function asOfOf(config: PlanConfig, report: ReportConfig, invocation: ReportInvocation): LocalDate {
  if ('scheduledTime' in invocation) {
    const instant = new Date(invocation.scheduledTime);
    if (Number.isNaN(instant.getTime())) {
      throw new ReportInputError(
        `scheduledTime "${invocation.scheduledTime}" is not an ISO instant such as 2026-11-23T01:00:00Z`,
      );
    }
    const firedOn = localDateOf(instant, reportTimeZone(config, report));
    return asOfForRule(firedOn, report.asOfRule, config.calendar.fiscalYearStartMonth);
  }
  if (!isValidLocalDate(invocation.asOf)) {
    throw new ReportInputError(
      `asOf "${String(invocation.asOf)}" is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22`,
    );
  }
  return invocation.asOf;
}

/** Fan a report out into one job per recipient scope. */
export async function scheduleReport(
  deps: ScheduleDeps,
  invocation: ReportInvocation,
  defaultRequestId: () => string = randomUUID,
): Promise<{ reportId: string; asOf: LocalDate; jobs: readonly ReportJob[] }> {
  const report = reportById(deps.config, invocation.reportId);
  const asOf = asOfOf(deps.config, report, invocation);
  let scopes = reportScopes(deps.config, report);
  const wanted = 'scope' in invocation ? invocation.scope : undefined;
  if (wanted !== undefined) {
    scopes = scopes.filter((scope) => scope.key === wanted);
    if (scopes.length === 0) {
      const known = reportScopes(deps.config, report).map((scope) => scope.key);
      throw new ReportInputError(
        `report "${report.id}" has no recipients with scope "${wanted}"; its scopes are: ${known.join(', ')}`,
      );
    }
  }
  const force = 'force' in invocation && invocation.force === true;
  const requestId = force
    ? ('requestId' in invocation && invocation.requestId) || defaultRequestId()
    : undefined;
  const jobs: ReportJob[] = scopes.map((scope) => ({
    reportId: report.id,
    asOf,
    scopeKey: scope.key,
    force,
    ...(requestId ? { requestId } : {}),
  }));
  await deps.jobs.enqueue(jobs);
  deps.logger?.info('report scheduled', {
    reportId: report.id,
    asOf,
    scopes: jobs.map((job) => job.scopeKey),
  });
  return { reportId: report.id, asOf, jobs };
}
