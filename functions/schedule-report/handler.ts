/**
 * schedule-report: EventBridge Scheduler (or a person) invokes it with `{ reportId,
 * scheduledTime }` or `{ reportId, asOf, scope?, force? }`; it works out asOf and queues one
 * run-report job per recipient scope.
 */
import planConfig from '../../plan.config.ts';
import { createSqsClient } from '../../shared/adapters/sqs-client.ts';
import { SqsReportJobQueue } from '../../shared/adapters/sqs-report-job-queue.ts';
import {
  type ReportInvocation,
  type ScheduleDeps,
  scheduleReport,
} from '../../shared/app/schedule-report.ts';
import { parseEnv, ScheduleReportEnvSchema } from '../../shared/config/env.ts';
import { logger } from '../shared/logger.ts';
import { ReportInvocationSchema } from '../shared/report-messages.ts';

export function createScheduleReportHandler(deps: ScheduleDeps) {
  return async (event: unknown, context?: { awsRequestId?: string }) => {
    const invocation: ReportInvocation = ReportInvocationSchema.parse(event);
    const requestId = context?.awsRequestId;
    const { reportId, asOf, jobs } = await scheduleReport(
      deps,
      invocation,
      ...(requestId ? [() => requestId] : []),
    );
    return { reportId, asOf, scopes: jobs.map((job) => job.scopeKey) };
  };
}

let run: ReturnType<typeof createScheduleReportHandler> | undefined;

export const handler = async (event: unknown, context?: { awsRequestId?: string }) => {
  if (!run) {
    const env = parseEnv(ScheduleReportEnvSchema, process.env);
    // SQS is the only AWS client this function needs: it loads no other SDK package.
    const jobs = new SqsReportJobQueue({ sqs: createSqsClient(), queueUrl: env.REPORT_JOBS_QUEUE_URL });
    run = createScheduleReportHandler({ config: planConfig, jobs, logger });
  }
  return run(event, context);
};
