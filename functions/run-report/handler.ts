/**
 * run-report: consumes report jobs from SQS, one (report, asOf, scope) per message, and
 * reports batch item failures so one failing scope is retried alone.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ReportDeps, runReportJob } from '../../shared/app/run-report.ts';
import { parseEnv, RunReportEnvSchema } from '../../shared/config/env.ts';
import { reportDepsFromEnv } from '../shared/report-deps.ts';
import { ReportJobSchema } from '../shared/report-messages.ts';

export function createRunReportHandler(deps: ReportDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await runReportJob(deps, ReportJobSchema.parse(JSON.parse(record.body)));
      } catch {
        // runReportJob has logged and recorded the failure; SQS redelivers this message alone.
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let run: ReturnType<typeof createRunReportHandler> | undefined;

export const handler = async (event: SQSEvent) => {
  run ??= createRunReportHandler(reportDepsFromEnv(parseEnv(RunReportEnvSchema, process.env)));
  return run(event);
};
