import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RunReportEnvInput } from '../../shared/config/env.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { FunctionName, FunctionSize } from '../lambda-sizing.ts';
import { ARCHIVE_PREFIX, REPORT_CONCURRENCY, REPORT_RUN_FAILED_METRIC, runLeaseSeconds } from '../names.ts';
import type { StageSettings } from '../stage.ts';
import { ChartAssets } from './chart-assets.ts';
import type { Email } from './email.ts';
import { consumeQueue, grantObjects, grantTable } from './grants.ts';
import { PlanFunction } from './plan-function.ts';
import { workQueue } from './plan-queue.ts';
import { ReportDispatch } from './report-dispatch.ts';
import type { ReportLinks } from './report-links.ts';
import type { ReportSchedules } from './report-schedules.ts';
import type { Storage } from './storage.ts';

export interface ReportPipelineProps {
  readonly stage: StageSettings;
  readonly config: PlanConfig;
  readonly storage: Storage;
  readonly email: Email;
  readonly links: ReportLinks;
  readonly sizes: Readonly<Record<Extract<FunctionName, 'run-report' | 'schedule-report'>, FunctionSize>>;
  readonly common: { readonly POWERTOOLS_SERVICE_NAME: string; readonly STAGE: string };
}

/**
 * One Scheduler schedule per report → dispatcher (schedule-report, ReportDispatch) → report-jobs
 * queue → report worker (run-report), which builds one workbook per recipient scope, archives
 * and mails it.
 */
export class ReportPipeline extends Construct {
  readonly run: PlanFunction;
  readonly dispatch: PlanFunction;
  readonly schedules: ReportSchedules;
  /** Dead-letter queues by alarm name, with what a message in each means. */
  readonly deadLetters: readonly { id: string; queue: sqs.Queue; meaning: string }[];

  constructor(scope: Construct, id: string, props: ReportPipelineProps) {
    super(scope, id);
    const { stage, config, storage, email, links } = props;

    const runEnv: Required<RunReportEnvInput> = {
      ...props.common,
      TABLE_NAME: storage.table.tableName,
      ARCHIVE_BUCKET: storage.archiveBucket.bucketName,
      UPLOADS_BUCKET: storage.uploadsBucket.bucketName,
      SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
      // The function's timeout plus a minute: longer than any live run, and well inside the
      // queue's visibility timeout (VISIBILITY_FACTOR × timeout), so a crashed run's message
      // returns after the lease and takes the run over instead of finding it still leased.
      RUN_LEASE_SECONDS: String(runLeaseSeconds(props.sizes['run-report'].timeoutS)),
      LINK_KEY_ID: links.key.keyArn,
      LINK_BASE_URL: links.url.url,
    };
    this.run = new PlanFunction(this, 'RunReport', {
      name: 'run-report',
      description: 'Builds one report workbook for one recipient scope, archives it and emails it',
      size: props.sizes['run-report'],
      environment: { ...runEnv, POWERTOOLS_METRICS_NAMESPACE: REPORT_RUN_FAILED_METRIC.namespace },
      stage,
    });
    new ChartAssets(this, 'ChartAssets').attachTo(this.run.fn);
    const jobs = workQueue(this, 'JobsQueue', stage, this.run.size.timeoutS);
    grantObjects(
      this.run,
      'ArchiveReports',
      storage.archiveBucket,
      ARCHIVE_PREFIX,
      // GetObject: HeadObject before the write-once put, and presigned links (local runs).
      ['s3:GetObject', 's3:PutObject'],
      'archived report workbooks',
    );
    links.grantSign(this.run.role);
    grantTable(this.run, storage.table.tableArn, [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    email.grantSend(this.run.role);
    // At most REPORT_CONCURRENCY scopes at once, so a report with hundreds of scopes stays within
    // the SES sending rate and the account's Lambda concurrency; the rest wait queued.
    consumeQueue(this.run, jobs.queue, REPORT_CONCURRENCY);

    const dispatcher = new ReportDispatch(this, 'Dispatch', {
      stage,
      config,
      tableName: storage.table.tableName,
      jobsQueue: jobs.queue,
      size: props.sizes['schedule-report'],
      common: props.common,
    });
    this.dispatch = dispatcher.fn;
    this.schedules = dispatcher.schedules;

    this.deadLetters = [
      {
        id: 'ReportJobsDeadLetters',
        queue: jobs.deadLetters,
        meaning: 'Report jobs failed 3 times; redrive after fixing the cause',
      },
      {
        id: 'ScheduleDeadLetters',
        queue: dispatcher.scheduleDeadLetters,
        meaning: 'Scheduler could not hand a report schedule to the dispatcher',
      },
      {
        id: 'DispatchFailures',
        queue: dispatcher.failures,
        meaning: 'The dispatcher failed on a fired schedule after its retries',
      },
    ];
  }
}
