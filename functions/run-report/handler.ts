/**
 * run-report: consumes report jobs from SQS, one (report, asOf, scope) per message, and
 * reports batch item failures so one failing scope is retried alone.
 *
 * Everything but types is imported on the first event (functions/shared/lazy.ts): the module
 * load, which Lambda's cold start waits for, evaluates none of the engine, renderers or SDK
 * (test/unit/functions/load-time-imports.test.ts holds it to that).
 *
 * New rendering code — charts, fonts — joins the render path behind the use case
 * (shared/app/run-report.ts and what it imports), never a module this file imports statically:
 * it is then evaluated on the first job, which renders anyway. Its modules do no work at top
 * level (no font read, no WebAssembly instantiated): that is done on the first render and
 * memoised, or behind an `await import()` where only some reports draw a chart. Its code still
 * adds to the one bundle file V8 compiles at load (65–100 ms of CPU per minified MiB here:
 * bench/NOTES.md), so an asset such as a font is read from the function's files or a layer at
 * render time, not inlined into the bundle.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ReportDeps } from '../../shared/app/run-report.ts';
import { lazyOnce } from '../shared/lazy.ts';

export interface RunReportHandlerOptions {
  /** Called once per job that ended without a send (the stack alarms on it). */
  readonly onRunFailed?: (messageBody: string) => void;
}

export function createRunReportHandler(deps: ReportDeps, options: RunReportHandlerOptions = {}) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const [{ ReportSentError, RunInProgressError, runReportJob }, { ReportJobSchema }] = await Promise.all([
      import('../../shared/app/run-report.ts'),
      import('../shared/report-messages.ts'),
    ]);
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

const run = lazyOnce(async () => {
  const [{ Metrics, MetricUnit }, { parseEnv, RunReportEnvSchema }, { reportDepsFromEnv }] =
    await Promise.all([
      import('@aws-lambda-powertools/metrics'),
      import('../../shared/config/env.ts'),
      import('../shared/report-deps.ts'),
    ]);
  const deps = reportDepsFromEnv(parseEnv(RunReportEnvSchema, process.env));
  // Namespace from POWERTOOLS_METRICS_NAMESPACE, `service` dimension from POWERTOOLS_SERVICE_NAME:
  // the stack's ReportRunFailed alarm watches exactly that metric.
  const metrics = new Metrics();
  return createRunReportHandler(deps, {
    onRunFailed: () => {
      metrics.addMetric('ReportRunFailed', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    },
  });
});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => (await run())(event);
