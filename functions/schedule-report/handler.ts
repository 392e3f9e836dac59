/**
 * schedule-report: EventBridge Scheduler (or a person) invokes it with `{ reportId,
 * scheduledTime }` or `{ reportId, asOf, scope?, force? }`; it works out asOf and queues one
 * run-report job per recipient scope.
 */
import planConfig from '../../plan.config.ts';
import { createAwsClients, SqsReportJobQueue } from '../../shared/adapters/index.ts';
import {
  type ReportInvocation,
  type ScheduleDeps,
  scheduleReport,
} from '../../shared/app/schedule-report.ts';
import { parseEnv, ScheduleReportEnvSchema } from '../../shared/config/env.ts';
import { logger } from '../shared/report-deps.ts';
import { ReportInvocationSchema } from '../shared/report-messages.ts';

export function createScheduleReportHandler(deps: ScheduleDeps) {
  return async (event: unknown) => {
    const invocation: ReportInvocation = ReportInvocationSchema.parse(event);
    const { reportId, asOf, jobs } = await scheduleReport(deps, invocation);
    return { reportId, asOf, scopes: jobs.map((job) => job.scopeKey) };
  };
}

let run: ReturnType<typeof createScheduleReportHandler> | undefined;

export const handler = async (event: unknown) => {
  if (!run) {
    const env = parseEnv(ScheduleReportEnvSchema, process.env);
    const { sqs } = createAwsClients();
    const jobs = new SqsReportJobQueue({ sqs, queueUrl: env.REPORT_JOBS_QUEUE_URL });
    run = createScheduleReportHandler({ config: planConfig, jobs, logger });
  }
  return run(event);
};
