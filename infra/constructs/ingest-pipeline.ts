import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { IngestUploadEnvInput } from '../../shared/config/env.ts';
import type { FunctionSize } from '../lambda-sizing.ts';
import { bucketName, INGEST_CONCURRENCY, UPLOAD_PREFIXES } from '../names.ts';
import type { StageSettings } from '../stage.ts';
import { INGEST_SEMI_SPACE_MB } from '../v8-flags.ts';
import type { Email } from './email.ts';
import { consumeQueue, grantObjects, grantTable } from './grants.ts';
import { PlanFunction } from './plan-function.ts';
import { workQueue } from './plan-queue.ts';
import type { Storage } from './storage.ts';

export interface IngestPipelineProps {
  readonly stage: StageSettings;
  readonly storage: Storage;
  readonly email: Email;
  readonly size: FunctionSize;
  readonly common: { readonly POWERTOOLS_SERVICE_NAME: string; readonly STAGE: string };
}

/**
 * Upload → SQS → ingest: objects created under incoming/ notify the ingest queue; the ingest
 * function validates each file, stores its facts, tags it, or files an error workbook under
 * rejected/ and mails the uploader.
 */
export class IngestPipeline extends Construct {
  readonly fn: PlanFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    const { stage, storage, email } = props;
    const uploads = storage.uploadsBucket;
    const environment: Required<IngestUploadEnvInput> = {
      ...props.common,
      TABLE_NAME: storage.table.tableName,
      UPLOADS_BUCKET: uploads.bucketName,
      SES_CONFIGURATION_SET: email.configurationSet.configurationSetName,
    };
    this.fn = new PlanFunction(this, 'IngestUpload', {
      name: 'ingest-upload',
      description:
        'Validates an uploaded CSV/XLSX and stores its facts, or rejects it with an error workbook',
      size: props.size,
      environment,
      stage,
      semiSpaceMb: INGEST_SEMI_SPACE_MB,
    });
    const { queue, deadLetters } = workQueue(this, 'Queue', stage, this.fn.size.timeoutS);
    this.deadLetters = deadLetters;
    notifyOnIncoming(uploads, bucketName(this, stage, 'uploads'), queue);

    const { incoming, processed, rejected } = UPLOAD_PREFIXES;
    // A handled upload is filed away (shared/app/file-upload.ts): read (and copy) the notified
    // version, then delete that version alone. s3:DeleteObject covers only the unversioned
    // path (the local emulator); the buckets here are versioned, so events name a version.
    grantObjects(
      this.fn,
      'ReadAndFileIncomingUploads',
      uploads,
      incoming,
      ['s3:GetObject', 's3:GetObjectVersion', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      'uploaded files (read the notified version, delete it once filed away)',
    );
    grantObjects(
      this.fn,
      'FileAcceptedUploads',
      uploads,
      processed,
      ['s3:PutObject', 's3:PutObjectTagging'],
      'accepted originals (a tagged copy)',
    );
    grantObjects(
      this.fn,
      'FileRejectedUploads',
      uploads,
      rejected,
      ['s3:PutObject', 's3:PutObjectTagging'],
      'rejected originals (a tagged copy) and their error workbooks',
    );
    grantTable(this.fn, storage.table.tableArn, [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      // Releasing the per-kind writer lock, and replacing a crashed attempt's history record.
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    email.grantSend(this.fn.role);
    consumeQueue(this.fn, queue, INGEST_CONCURRENCY);
  }
}

/**
 * S3 → SQS through the bucket's own NotificationConfiguration rather than addEventNotification,
 * which deploys a custom-resource Lambda with a managed policy and s3:PutBucketNotification on
 * `*`. The queue policy names the bucket by its (fixed) name, so the bucket can depend on the
 * policy without a cycle.
 */
function notifyOnIncoming(bucket: s3.Bucket, name: string, queue: sqs.Queue): void {
  const allowed = queue.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowUploadsBucketNotifications',
      principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': `arn:${bucket.stack.partition}:s3:::${name}` },
        StringEquals: { 'aws:SourceAccount': bucket.stack.account },
      },
    }),
  );
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  cfnBucket.notificationConfiguration = {
    queueConfigurations: [
      {
        event: 's3:ObjectCreated:*',
        queue: queue.queueArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: UPLOAD_PREFIXES.incoming }] } },
      },
    ],
  };
  // S3 sends a test message when the configuration is saved: the policy must exist first.
  if (allowed.policyDependable) bucket.node.addDependency(allowed.policyDependable);
}
