import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlanConfig } from '../shared/config/schema.ts';
import { Alarms } from './constructs/alarms.ts';
import { Email } from './constructs/email.ts';
import { IngestPipeline } from './constructs/ingest-pipeline.ts';
import { ReportLinks } from './constructs/report-links.ts';
import { ReportPipeline } from './constructs/report-pipeline.ts';
import { Storage } from './constructs/storage.ts';
import { type FunctionName, type FunctionSize, loadLambdaSizing } from './lambda-sizing.ts';
import { REPORT_RUN_FAILED_METRIC } from './names.ts';
import type { StageSettings } from './stage.ts';

export { assertLinksWithinArchive } from './constructs/report-links.ts';
export {
  ARCHIVE_PREFIX,
  REPORT_CONCURRENCY,
  REPORT_RUN_FAILED_METRIC,
  runLeaseSeconds,
  UPLOAD_PREFIXES,
} from './names.ts';

export interface PlanMonitorStackProps extends StackProps {
  readonly stage: StageSettings;
  /** A validated plan configuration (run it through defineConfig first). */
  readonly config: PlanConfig;
  /** Function sizes; default infra/lambda-sizing.json (tests pass their own). */
  readonly sizes?: Record<FunctionName, FunctionSize>;
}

/**
 * Everything Plan Monitor runs on, one construct per concern: storage (buckets, table), email
 * (SES), the ingest pipeline, report links, the report pipeline (schedules → dispatcher →
 * report jobs → report worker) and the alarms; this class wires them and names the outputs.
 */
export class PlanMonitorStack extends Stack {
  readonly storage: Storage;
  readonly email: Email;
  readonly ingest: IngestPipeline;
  readonly links: ReportLinks;
  readonly reports: ReportPipeline;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: PlanMonitorStackProps) {
    super(scope, id, props);
    // Grant S3 log delivery through a bucket policy, not the legacy LogDeliveryWrite ACL (ACLs
    // stay disabled on every bucket). Set here so tests and the app agree.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { stage, config } = props;
    // Memory, timeout and heap cap of each function come from the benchmark
    // (infra/lambda-sizing.json, written by `npm run bench`; rules: bench/sizing.md), memory
    // within the stage's lambdaMemoryMaxMb.
    const sizes = props.sizes ?? loadLambdaSizing();
    const common = { POWERTOOLS_SERVICE_NAME: REPORT_RUN_FAILED_METRIC.service, STAGE: stage.name } as const;

    this.storage = new Storage(this, 'Storage', stage);
    this.email = new Email(this, 'Email', { stage, config });
    this.ingest = new IngestPipeline(this, 'Ingest', {
      stage,
      storage: this.storage,
      email: this.email,
      size: sizes['ingest-upload'],
      common,
    });
    this.links = new ReportLinks(this, 'Links', {
      stage,
      config,
      storage: this.storage,
      size: sizes['report-link'],
      common,
    });
    this.reports = new ReportPipeline(this, 'Reports', {
      stage,
      config,
      storage: this.storage,
      email: this.email,
      links: this.links,
      sizes,
      common,
    });
    const deadLetters = [
      {
        id: 'IngestDeadLetters',
        queue: this.ingest.deadLetters,
        meaning: 'Uploads failed 3 times; redrive after fixing the cause',
      },
      ...this.reports.deadLetters,
    ];
    this.alarms = new Alarms(this, 'Alarms', {
      stage,
      operators: config.contacts.operators,
      deadLetters,
      functions: [
        { id: 'IngestUpload', fn: this.ingest.fn },
        { id: 'ScheduleReport', fn: this.reports.dispatch },
        { id: 'RunReport', fn: this.reports.run },
        { id: 'ReportLink', fn: this.links.fn },
      ],
      scheduleGroup: this.reports.schedules.group,
    });

    this.outputs(deadLetters);
  }

  private outputs(deadLetters: readonly { id: string; queue: { queueUrl: string } }[]): void {
    const { storage, email, links } = this;
    new CfnOutput(this, 'UploadsBucketName', { value: storage.uploadsBucket.bucketName });
    new CfnOutput(this, 'ArchiveBucketName', { value: storage.archiveBucket.bucketName });
    new CfnOutput(this, 'TableName', { value: storage.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'SesIdentity', {
      description: email.createdIdentity
        ? 'SES domain identity this stack created (verify it through the DkimRecord outputs)'
        : 'SES domain identity this stack sends from; another stage in this account creates it (sesIdentity=import)',
      value: email.fromDomain,
    });
    new CfnOutput(this, 'ScheduleReportFunctionName', { value: this.reports.dispatch.fn.functionName });
    new CfnOutput(this, 'ReportLinkUrl', {
      description: 'Public URL of the report-link function: the base of the download links in report emails',
      value: links.url.url,
    });
    new CfnOutput(this, 'ReportLinkKeyArn', {
      description: 'KMS HMAC key that signs report links; disabling it invalidates every emailed link',
      value: links.key.keyArn,
    });
    for (const { id, queue } of deadLetters) new CfnOutput(this, `${id}QueueUrl`, { value: queue.queueUrl });
    email.createdIdentity?.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `Publish as a CNAME in the DNS of ${email.fromDomain} to verify the sender`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }
}
