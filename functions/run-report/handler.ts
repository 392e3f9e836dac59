/**
 * run-report: consumes report jobs from SQS, one (report, asOf, scope) per message, and
 * reports batch item failures so one failing scope is retried alone.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  type ReportDeps,
  ReportSentError,
  RunInProgressError,
  runReportJob,
} from '../../shared/app/run-report.ts';
import { parseEnv, RunReportEnvSchema } from '../../shared/config/env.ts';
import { reportDepsFromEnv } from '../shared/report-deps.ts';
import { ReportJobSchema } from '../shared/report-messages.ts';

export interface RunReportHandlerOptions {
  /** Called once per job that ended without a send (the stack alarms on it). */
  readonly onRunFailed?: (messageBody: string) => void;
}

export function createRunReportHandler(deps: ReportDeps, options: RunReportHandlerOptions = {}) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await runReportJob(deps, ReportJobSchema.parse(JSON.parse(record.body)));
      } catch (error) {
        if (error instanceof RunInProgressError) {
          // Not a failure: another delivery holds the run. Back on the queue after the
          // visibility timeout, by when that run is `sent` or its lease has run out.
          batchItemFailures.push({ itemIdentifier: record.messageId });
          continue;
        }
        // runReportJob has logged (and, unless the mail went out, recorded) the failure.
        deps.logger?.error('report job failed', { messageId: record.messageId, error: String(error) });
        options.onRunFailed?.(record.body);
        // Sent but not recorded: a retry would mail the recipients twice, so it is not retried.
        if (!(error instanceof ReportSentError)) batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let run: ReturnType<typeof createRunReportHandler> | undefined;

export const handler = async (event: SQSEvent) => {
  if (!run) {
    // Namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME:
    // the stack's ReportRunFailed alarm watches exactly that metric.
    const metrics = new Metrics();
    run = createRunReportHandler(reportDepsFromEnv(parseEnv(RunReportEnvSchema, process.env)), {
      onRunFailed: () => {
        metrics.addMetric('ReportRunFailed', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      },
    });
  }
  return run(event);
};
