import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY } from '../shared/adapters/table-design.ts';
import { REPORTS_PREFIX } from '../shared/app/report-links.ts';
import type {
  IngestUploadEnvInput,
  ReportLinkEnvInput,
  RunReportEnvInput,
  ScheduleReportEnvInput,
} from '../shared/config/env.ts';
import type { PlanConfig } from '../shared/config/schema.ts';
import { PlanFunction } from './constructs/plan-function.ts';
import { ReportSchedules } from './constructs/report-schedules.ts';
import { loadLambdaSizing } from './lambda-sizing.ts';
import { nagRef } from './nag.ts';
import type { StageSettings } from './stage.ts';
import { INGEST_SEMI_SPACE_MB } from './v8-flags.ts';

// Memory, timeout and heap cap of each function come from the benchmark (infra/lambda-sizing.json,
// written by `npm run bench`; how each number follows: bench/sizing.md).
const SIZING = loadLambdaSizing();

/**
 * SQS redelivers a message whose visibility timeout ran out while the function still works on
 * it; AWS recommends at least six times the function timeout for Lambda event sources.
 */
const VISIBILITY_FACTOR = 6;
/** Deliveries of one upload / report job before it goes to its dead-letter queue. */
const MAX_RECEIVE_COUNT = 3;
/** Report scopes built at once (each sends one email). */
export const REPORT_CONCURRENCY = 10;

/** A run's lease: the report function's timeout plus a minute (see RUN_LEASE_SECONDS). */
export function runLeaseSeconds(timeoutS: number): number {
  return timeoutS + 60;
}

/** Retries of the dispatcher when Scheduler's asynchronous invocation fails inside Lambda. */
const DISPATCH_RETRY_ATTEMPTS = 2;

/** Where uploads land, and the prefixes the ingest function moves them to. */
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

const DYNAMO_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const DYNAMO_WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

export interface PlanMonitorStackProps extends StackProps {
  readonly stage: StageSettings;
  /** A validated plan configuration (run it through defineConfig first). */
  readonly config: PlanConfig;
}

/**
 * Everything Plan Monitor runs on: upload and archive buckets, the DynamoDB table, the
 * upload → SQS → ingest pipeline, one Scheduler schedule per report → dispatcher → report-jobs
 * queue → report worker, SES sending, and alarms to the operators.
 */
export class PlanMonitorStack extends Stack {
  readonly uploadsBucket: s3.Bucket;
  readonly archiveBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly schedules: ReportSchedules;
  readonly functions: {
    readonly ingest: PlanFunction;
    readonly dispatch: PlanFunction;
    readonly run: PlanFunction;
    readonly link: PlanFunction;
  };
  /** The KMS HMAC key that signs report links (run-report) and checks them (report-link). */
  readonly linkKey: kms.Key;
  /** The report-link function's public URL, the base of every emailed download link. */
  readonly linkUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: PlanMonitorStackProps) {
    super(scope, id, props);
    // Grant S3 log delivery through a bucket policy, not the legacy LogDeliveryWrite ACL
    // (ACLs stay disabled on every bucket). Set here so tests and the app agree.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { stage, config } = props;

    // ---------------------------------------------------------------- storage
    // S3-managed keys (SSE-S3), not KMS: the archive is read through presigned downloads (the
    // report-link function's), which would need kms:Decrypt on the signer and break whenever a
    // key grant changes;
    // the server-access-log target cannot use SSE-KMS at all; SSE-KMS would add a KMS request
    // per object on large ingests. Access is governed by IAM, Block Public Access and TLS-only
    // policies; the data is internal plan data, not regulated personal data.
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      bucketName: this.bucketName(stage, 'access-logs'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: stage.removalPolicy,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(stage.accessLogDays) }],
    });

    this.uploadsBucket = new s3.Bucket(this, 'UploadsBucket', {
      bucketName: this.bucketName(stage, 'uploads'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy: stage.removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-processed',
          prefix: UPLOAD_PREFIXES.processed,
          expiration: Duration.days(stage.uploadsRetentionDays),
        },
        {
          id: 'expire-rejected',
          prefix: UPLOAD_PREFIXES.rejected,
          expiration: Duration.days(stage.uploadsRetentionDays),
        },
        {
          id: 'expire-noncurrent',
          noncurrentVersionExpiration: Duration.days(stage.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    this.archiveBucket = new s3.Bucket(this, 'ArchiveBucket', {
      bucketName: this.bucketName(stage, 'archive'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Reports are written once (If-None-Match); versioning keeps the first copy even if a
      // bug or an operator overwrites or deletes it.
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'archive/',
      removalPolicy: stage.removalPolicy,
      lifecycleRules: [
        {
          id: 'archive-tiers',
          // Glacier Instant Retrieval, not Flexible: report links in old emails download at once.
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
          ...(stage.archiveExpirationDays === null
            ? {}
            : { expiration: Duration.days(stage.archiveExpirationDays) }),
          noncurrentVersionExpiration: Duration.days(stage.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });

    // ---------------------------------------------------------------- queues
    const ingestDlq = this.queue('IngestDeadLetterQueue', stage, { retentionPeriod: stage.dlqRetention });
    const ingestQueue = this.queue('IngestQueue', stage, {
      visibilityTimeout: Duration.seconds(SIZING['ingest-upload'].timeoutS * VISIBILITY_FACTOR),
      deadLetterQueue: { queue: ingestDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const reportJobsDlq = this.queue('ReportJobsDeadLetterQueue', stage, {
      retentionPeriod: stage.dlqRetention,
    });
    const reportJobsQueue = this.queue('ReportJobsQueue', stage, {
      visibilityTimeout: Duration.seconds(SIZING['run-report'].timeoutS * VISIBILITY_FACTOR),
      deadLetterQueue: { queue: reportJobsDlq, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    const scheduleDlq = this.queue('ScheduleDeadLetterQueue', stage, { retentionPeriod: stage.dlqRetention });
    Validations.of(scheduleDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: EventBridge Scheduler’s target DLQ (not a redrive target, so cdk-nag cannot see it).',
    });
    const dispatchFailures = this.queue('DispatchFailureQueue', stage, {
      retentionPeriod: stage.dlqRetention,
    });
    Validations.of(dispatchFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the on-failure destination of the dispatcher’s asynchronous invocations.',
    });

    // S3 → SQS through the bucket's own NotificationConfiguration rather than
    // addEventNotification, which deploys a custom-resource Lambda with a managed policy and
    // s3:PutBucketNotification on `*`. The queue policy names the bucket by its (fixed) name,
    // so the bucket can depend on the policy without a cycle.
    const notificationsAllowed = ingestQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowUploadsBucketNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [ingestQueue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': `arn:${this.partition}:s3:::${this.bucketName(stage, 'uploads')}` },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    const cfnUploads = this.uploadsBucket.node.defaultChild as s3.CfnBucket;
    cfnUploads.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: ingestQueue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: UPLOAD_PREFIXES.incoming }] } },
        },
      ],
    };
    // S3 sends a test message when the configuration is saved: the policy must exist first.
    if (notificationsAllowed.policyDependable) {
      this.uploadsBucket.node.addDependency(notificationsAllowed.policyDependable);
    }

    // ---------------------------------------------------------------- email
    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: stage.prefix,
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const fromAddress = config.email.from;
    const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
    const identity = new ses.EmailIdentity(this, 'SenderIdentity', {
      identity: ses.Identity.domain(fromDomain),
      configurationSet,
    });
    const identityArn = (name: string) =>
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    // In the SES sandbox every recipient is a verified identity that SES also authorizes.
    const sandboxRecipients = stage.sesSandbox
      ? [
          ...new Set([
            ...config.reports.flatMap((r) => r.recipients.map((p) => p.email.toLowerCase())),
            ...Object.values(config.contacts.uploads).map((e) => e.toLowerCase()),
          ]),
        ].sort()
      : [];
    const sendEmail = new iam.PolicyStatement({
      sid: 'SendFromConfiguredIdentity',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [
        identityArn(fromDomain),
        identityArn(fromAddress),
        ...sandboxRecipients.map(identityArn),
        this.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: configurationSet.configurationSetName,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
    });

    // ---------------------------------------------------------------- functions
    const common = { POWERTOOLS_SERVICE_NAME: REPORT_RUN_FAILED_METRIC.service, STAGE: stage.name } as const;

    const ingestEnv: Required<IngestUploadEnvInput> = {
      ...common,
      TABLE_NAME: this.table.tableName,
      UPLOADS_BUCKET: this.uploadsBucket.bucketName,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
    };
    const ingest = new PlanFunction(this, 'IngestUpload', {
      name: 'ingest-upload',
      description:
        'Validates an uploaded CSV/XLSX and stores its facts, or rejects it with an error workbook',
      size: SIZING['ingest-upload'],
      environment: ingestEnv,
      stage,
      semiSpaceMb: INGEST_SEMI_SPACE_MB,
    });
    const uploads = this.uploadsBucket.bucketArn;
    ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadIncomingUploads',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [`${uploads}/${UPLOAD_PREFIXES.incoming}*`],
      }),
    );
    ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'FileProcessedAndRejectedUploads',
        actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'],
        resources: [`${uploads}/${UPLOAD_PREFIXES.processed}*`, `${uploads}/${UPLOAD_PREFIXES.rejected}*`],
      }),
    );
    ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TagIncomingUploads',
        actions: ['s3:PutObjectTagging', 's3:PutObjectVersionTagging'],
        resources: [`${uploads}/${UPLOAD_PREFIXES.incoming}*`],
      }),
    );
    ingest.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LinkRejectionWorkbooks',
        actions: ['s3:GetObject'],
        resources: [`${uploads}/${UPLOAD_PREFIXES.rejected}*`],
      }),
    );
    ingest.role.addToPrincipalPolicy(this.tableStatement([...DYNAMO_READ, ...DYNAMO_WRITE]));
    ingest.role.addToPrincipalPolicy(sendEmail);
    ingest.fn.addEventSource(
      new SqsEventSource(ingestQueue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    this.acknowledgePrefixes(ingest, [
      [`${nagRef(this.uploadsBucket)}/${UPLOAD_PREFIXES.incoming}*`, 'uploads under incoming/'],
      [`${nagRef(this.uploadsBucket)}/${UPLOAD_PREFIXES.processed}*`, 'uploads filed under processed/'],
      [`${nagRef(this.uploadsBucket)}/${UPLOAD_PREFIXES.rejected}*`, 'rejected uploads and error workbooks'],
    ]);

    // ---------------------------------------------------------------- report links
    // A workbook too large to attach is emailed as `<function URL>?t=<token>`: run-report
    // signs (archive key, expiry) with this HMAC key; the report-link function checks the MAC
    // and the expiry and redirects to a presigned download valid for a few minutes. The link
    // thus lives exactly as long as its token says, not as long as some role's credentials.
    assertLinksWithinArchive(config, stage);
    const linkKey = new kms.Key(this, 'ReportLinkKey', {
      description: 'Signs (run-report) and verifies (report-link) the download links in report emails',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      // KMS rotates symmetric encryption keys only; an HMAC key cannot rotate (cdk-nag's KMS5
      // checks symmetric keys only, so there is nothing to acknowledge). A leaked token is
      // bounded by its own expiry; disabling the key invalidates every link at once.
      enableKeyRotation: false,
      removalPolicy: stage.removalPolicy,
      // No `kms:*`: the account administers the key, and IAM policies may grant exactly the MAC
      // operations (each function's role gets one of them, on this key only).
      policy: new iam.PolicyDocument({
        statements: [
          accountAdministersKey(HMAC_KEY_ADMIN_ACTIONS),
          new iam.PolicyStatement({
            sid: 'IamPoliciesGrantMacOperations',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:GenerateMac', 'kms:VerifyMac'],
            resources: ['*'],
          }),
        ],
      }),
    });

    const linkEnv: Required<ReportLinkEnvInput> = {
      ...common,
      ARCHIVE_BUCKET: this.archiveBucket.bucketName,
      LINK_KEY_ID: linkKey.keyArn,
      OPERATORS_EMAIL: config.contacts.operators,
    };
    const link = new PlanFunction(this, 'ReportLink', {
      name: 'report-link',
      description: 'Opens an emailed report link: checks its signed token, redirects to a fresh download',
      size: SIZING['report-link'],
      environment: linkEnv,
      stage,
    });
    link.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'VerifyReportLinks',
        actions: ['kms:VerifyMac'],
        resources: [linkKey.keyArn],
      }),
    );
    link.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DownloadArchivedReports',
        actions: ['s3:GetObject'],
        resources: [`${this.archiveBucket.bucketArn}/${ARCHIVE_PREFIX}*`],
      }),
    );
    this.acknowledgePrefixes(link, [
      [
        `${nagRef(this.archiveBucket)}/${ARCHIVE_PREFIX}*`,
        'reading archived report workbooks under reports/',
      ],
    ]);
    // Public on purpose: recipients open it from their mail, with no AWS identity. The token is
    // the credential (HMAC by a key only run-report may use); GET only, checked by the handler.
    const linkUrl = link.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const runEnv: Required<RunReportEnvInput> = {
      ...common,
      TABLE_NAME: this.table.tableName,
      ARCHIVE_BUCKET: this.archiveBucket.bucketName,
      UPLOADS_BUCKET: this.uploadsBucket.bucketName,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      // The function's timeout plus a minute: longer than any live run, and well inside the
      // queue's visibility timeout (VISIBILITY_FACTOR × timeout), so a crashed run's message
      // returns after the lease and takes the run over instead of finding it still leased.
      RUN_LEASE_SECONDS: String(runLeaseSeconds(SIZING['run-report'].timeoutS)),
      LINK_KEY_ID: linkKey.keyArn,
      LINK_BASE_URL: linkUrl.url,
    };
    const run = new PlanFunction(this, 'RunReport', {
      name: 'run-report',
      description: 'Builds one report workbook for one recipient scope, archives it and emails it',
      size: SIZING['run-report'],
      environment: { ...runEnv, POWERTOOLS_METRICS_NAMESPACE: REPORT_RUN_FAILED_METRIC.namespace },
      stage,
    });
    run.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // GetObject for the HeadObject that guards the write-once put (see S3ObjectStore.put).
        sid: 'ArchiveReports',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [`${this.archiveBucket.bucketArn}/${ARCHIVE_PREFIX}*`],
      }),
    );
    run.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LinkRejectedUploads',
        actions: ['s3:GetObject'],
        resources: [`${uploads}/${UPLOAD_PREFIXES.rejected}*`],
      }),
    );
    run.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SignReportLinks',
        actions: ['kms:GenerateMac'],
        resources: [linkKey.keyArn],
      }),
    );
    run.role.addToPrincipalPolicy(this.tableStatement([...DYNAMO_READ, ...DYNAMO_WRITE]));
    run.role.addToPrincipalPolicy(sendEmail);
    run.fn.addEventSource(
      // At most REPORT_CONCURRENCY scopes at once, so a report with hundreds of scopes stays
      // within the SES sending rate and the account's Lambda concurrency; the rest wait queued.
      new SqsEventSource(reportJobsQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: REPORT_CONCURRENCY,
      }),
    );
    this.acknowledgePrefixes(run, [
      [`${nagRef(this.archiveBucket)}/${ARCHIVE_PREFIX}*`, 'archived report workbooks under reports/'],
      [`${nagRef(this.uploadsBucket)}/${UPLOAD_PREFIXES.rejected}*`, 'rejected uploads linked from reports'],
    ]);

    const dispatchEnv: Required<ScheduleReportEnvInput> = {
      ...common,
      TABLE_NAME: this.table.tableName,
      REPORT_JOBS_QUEUE_URL: reportJobsQueue.queueUrl,
    };
    const dispatch = new PlanFunction(this, 'ScheduleReport', {
      name: 'schedule-report',
      description: 'Turns a fired schedule into one report job per recipient scope',
      size: SIZING['schedule-report'],
      environment: dispatchEnv,
      stage,
    });
    dispatch.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueueReportJobs',
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [reportJobsQueue.queueArn],
      }),
    );
    dispatch.role.addToPrincipalPolicy(this.tableStatement(DYNAMO_READ));
    // Scheduler hands the event to Lambda's async queue; failures inside Lambda after that are
    // invisible to Scheduler's DLQ, so they get retries and a destination of their own.
    dispatch.fn.configureAsyncInvoke({
      retryAttempts: DISPATCH_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(2),
      onFailure: new lambdaDestinations.SqsDestination(dispatchFailures),
    });
    this.functions = { ingest, dispatch, run, link };
    this.linkKey = linkKey;
    this.linkUrl = linkUrl;

    this.schedules = new ReportSchedules(this, 'ReportSchedules', {
      reports: config.reports,
      defaultTimeZone: config.calendar.timeZone,
      target: dispatch.fn,
      deadLetterQueue: scheduleDlq,
      scheduleGroupName: stage.prefix,
      removalPolicy: stage.removalPolicy,
    });

    // ---------------------------------------------------------------- alarms
    const topic = this.alarmTopic(config.contacts.operators, stage);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const created = new cloudwatch.Alarm(this, `Alarm-${id}`, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new cwActions.SnsAction(topic));
      return created;
    };
    const period = Duration.minutes(5);
    const dlqs: [string, sqs.Queue, string][] = [
      ['IngestDeadLetters', ingestDlq, 'Uploads failed 3 times; redrive after fixing the cause'],
      ['ReportJobsDeadLetters', reportJobsDlq, 'Report jobs failed 3 times; redrive after fixing the cause'],
      ['ScheduleDeadLetters', scheduleDlq, 'Scheduler could not hand a report schedule to the dispatcher'],
      ['DispatchFailures', dispatchFailures, 'The dispatcher failed on a fired schedule after its retries'],
    ];
    for (const [id, queue, description] of dlqs) {
      alarm(
        id,
        description,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      );
    }
    for (const [id, fn] of [
      ['IngestUploadErrors', ingest],
      ['ScheduleReportErrors', dispatch],
      ['RunReportErrors', run],
      ['ReportLinkErrors', link],
    ] as const) {
      alarm(id, `The ${fn.node.id} function threw`, fn.fn.metricErrors({ period, statistic: 'Sum' }));
    }
    const group = this.schedules.group;
    alarm(
      'ScheduleTargetErrors',
      'Scheduler got errors invoking the dispatcher',
      group.metricTargetErrors({ period }),
    );
    alarm(
      'ScheduleDropped',
      'Scheduler dropped a schedule event after its retries',
      group.metricDropped({ period }),
    );
    alarm(
      'ScheduleDeadLetterFailures',
      'Scheduler could not even write a failed event to its dead-letter queue',
      group.metricFailedToBeSentToDLQ(undefined, { period }),
    );
    alarm(
      'ReportRunsNotSent',
      'A report run ended without reaching sent (see the run-report logs and `plan-monitor runs`)',
      new cloudwatch.Metric({
        namespace: REPORT_RUN_FAILED_METRIC.namespace,
        metricName: REPORT_RUN_FAILED_METRIC.metricName,
        dimensionsMap: { service: REPORT_RUN_FAILED_METRIC.service },
        statistic: 'Sum',
        period,
      }),
    );

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'UploadsBucketName', { value: this.uploadsBucket.bucketName });
    new CfnOutput(this, 'ArchiveBucketName', { value: this.archiveBucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'SesIdentity', { value: identity.emailIdentityName });
    new CfnOutput(this, 'ScheduleReportFunctionName', { value: dispatch.fn.functionName });
    new CfnOutput(this, 'ReportLinkUrl', {
      description: 'Public URL of the report-link function: the base of the download links in report emails',
      value: linkUrl.url,
    });
    new CfnOutput(this, 'ReportLinkKeyArn', {
      description: 'KMS HMAC key that signs report links; disabling it invalidates every emailed link',
      value: linkKey.keyArn,
    });
    for (const [id, queue] of dlqs.map(([name, q]) => [name, q] as const)) {
      new CfnOutput(this, `${id}QueueUrl`, { value: queue.queueUrl });
    }
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `Publish as a CNAME in the DNS of ${fromDomain} to verify the sender`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }

  /** Globally unique, stage-scoped bucket names, known before deployment (no cycles). */
  private bucketName(stage: StageSettings, purpose: string): string {
    return `${stage.prefix}-${purpose}-${this.account}-${this.region}`;
  }

  private queue(id: string, stage: StageSettings, props: sqs.QueueProps): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: stage.removalPolicy,
      ...props,
    });
  }

  private tableStatement(actions: readonly string[]): iam.PolicyStatement {
    return new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] });
  }

  private acknowledgePrefixes(fn: PlanFunction, grants: readonly [string, string][]): void {
    for (const [resource, what] of grants) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: `Object keys are only known at run time; the grant is limited to ${what}.`,
      });
    }
  }

  /** Encrypted, TLS-only topic whose only subscriber is the operators' address. */
  private alarmTopic(operators: string, stage: StageSettings): sns.Topic {
    // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS
    // key. The key policy lists actions explicitly (no `kms:*`).
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Plan Monitor alarm topic',
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
      policy: new iam.PolicyDocument({
        statements: [
          accountAdministersKey(KEY_ADMIN_ACTIONS),
          new iam.PolicyStatement({
            sid: 'CloudWatchPublishesAlarms',
            principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
          }),
        ],
      }),
    });
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Plan Monitor alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    topic.addSubscription(new snsSubscriptions.EmailSubscription(operators));
    return topic;
  }
}

/**
 * A report link must not outlive the workbook it points to: refuse (at synth) a report whose
 * `attachment.linkDays` is longer than the stage keeps archived reports.
 */
export function assertLinksWithinArchive(config: PlanConfig, stage: StageSettings): void {
  const keep = stage.archiveExpirationDays;
  if (keep === null) return;
  config.reports.forEach((report, i) => {
    if (report.attachment.linkDays > keep) {
      throw new Error(
        `reports[${i}].attachment.linkDays: report "${report.id}": links valid ${report.attachment.linkDays} days would outlive the ${keep} days the ${stage.name} stage keeps archived reports (infra/stage.ts archiveExpirationDays): use at most ${keep}`,
      );
    }
  });
}

/** The key-policy statement that lets the account (through IAM) take these key actions. */
function accountAdministersKey(actions: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AccountAdministersKey',
    principals: [new iam.AccountRootPrincipal()],
    actions: [...actions],
    resources: ['*'],
  });
}

/** What the account (through IAM) may do with the alarm key: administer it and use it. */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The alarm key's administration without its use: what the account may do with the HMAC key. */
const HMAC_KEY_ADMIN_ACTIONS = KEY_ADMIN_ACTIONS.filter(
  (action) =>
    ![
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:DisableKeyRotation',
      'kms:EnableKeyRotation',
    ].includes(action),
);
