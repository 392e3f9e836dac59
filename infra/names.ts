/**
 * Names the constructs, the handlers and the tests share: object prefixes, the run-failed
 * metric, queue timing and the run lease. One place, so a construct cannot drift from another.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { REPORTS_PREFIX } from '../shared/app/report-links.ts';
import type { StageSettings } from './stage.ts';

/** Where uploads land, and the prefixes the ingest function files them under. */
export const UPLOAD_PREFIXES = {
  incoming: 'incoming/',
  processed: 'processed/',
  rejected: 'rejected/',
} as const;

/** Archived workbooks: `reports/<reportId>/<periodKey>/<scope>/<file>.r<attempt>.xlsx`, written once, never overwritten. */
export const ARCHIVE_PREFIX = REPORTS_PREFIX;

/**
 * Contract with run-report: a run that ends in anything but `sent`/`skipped` emits this
 * metric (Powertools Metrics: `metrics.addMetric('ReportRunFailed', MetricUnit.Count, 1)`);
 * the namespace comes from POWERTOOLS_METRICS_NAMESPACE and Powertools adds the `service`
 * dimension from POWERTOOLS_SERVICE_NAME.
 */
export const REPORT_RUN_FAILED_METRIC = {
  namespace: 'PlanMonitor',
  metricName: 'ReportRunFailed',
  service: 'plan-monitor',
} as const;

/**
 * SQS redelivers a message whose visibility timeout ran out while the function still works on
 * it; AWS recommends at least six times the function timeout for Lambda event sources.
 */
export const VISIBILITY_FACTOR = 6;
/** Deliveries of one upload / report job before it goes to its dead-letter queue. */
export const MAX_RECEIVE_COUNT = 3;
/** Report scopes built at once (each sends one email). */
export const REPORT_CONCURRENCY = 10;
/** Uploads ingested at once. */
export const INGEST_CONCURRENCY = 5;

/** A run's lease: the report function's timeout plus a minute (see RUN_LEASE_SECONDS). */
export function runLeaseSeconds(timeoutS: number): number {
  return timeoutS + 60;
}

/** Globally unique, stage-scoped bucket names, known before deployment (no cycles). */
export function bucketName(scope: IConstruct, stage: StageSettings, purpose: string): string {
  const stack = Stack.of(scope);
  return `${stage.prefix}-${purpose}-${stack.account}-${stack.region}`;
}
