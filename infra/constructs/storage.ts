import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY } from '../../shared/adapters/table-design.ts';
import { bucketName, UPLOAD_PREFIXES } from '../names.ts';
import { acknowledgeControl } from '../policy-checks.ts';
import type { StageSettings } from '../stage.ts';

/**
 * The uploads bucket, the report archive, their access-log bucket and the DynamoDB table.
 *
 * S3-managed keys (SSE-S3), not KMS: the archive is read through presigned downloads (the
 * report-link function's), which would need kms:Decrypt on the signer and break whenever a key
 * grant changes; the server-access-log target cannot use SSE-KMS at all; SSE-KMS would add a KMS
 * request per object on large ingests. Access is governed by IAM, Block Public Access and
 * TLS-only policies; the data is internal plan data, not regulated personal data.
 */
export class Storage extends Construct {
  readonly uploadsBucket: s3.Bucket;
  readonly archiveBucket: s3.Bucket;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, stage: StageSettings) {
    super(scope, id);
    const common = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: stage.removalPolicy,
    } as const;
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      ...common,
      bucketName: bucketName(this, stage, 'access-logs'),
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(stage.accessLogDays) }],
    });
    const versionedAndLogged = { ...common, versioned: true, serverAccessLogsBucket: accessLogs } as const;
    const oldVersions = {
      noncurrentVersionExpiration: Duration.days(stage.noncurrentVersionDays),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    } as const;

    this.uploadsBucket = new s3.Bucket(this, 'UploadsBucket', {
      ...versionedAndLogged,
      bucketName: bucketName(this, stage, 'uploads'),
      serverAccessLogsPrefix: 'uploads/',
      lifecycleRules: [
        ...[UPLOAD_PREFIXES.processed, UPLOAD_PREFIXES.rejected].map((prefix) => ({
          id: `expire-${prefix.replace('/', '')}`,
          prefix,
          expiration: Duration.days(stage.uploadsRetentionDays),
        })),
        { id: 'expire-noncurrent', ...oldVersions },
      ],
    });

    this.archiveBucket = new s3.Bucket(this, 'ArchiveBucket', {
      ...versionedAndLogged,
      bucketName: bucketName(this, stage, 'archive'),
      // Reports are written once (If-None-Match); versioning keeps the first copy even if a bug
      // or an operator overwrites or deletes it.
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        {
          id: 'archive-tiers',
          transitions: archiveTransitions(stage.archiveExpirationDays),
          ...(stage.archiveExpirationDays === null
            ? {}
            : { expiration: Duration.days(stage.archiveExpirationDays) }),
          ...oldVersions,
        },
      ],
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key (aws/dynamodb), not the default AWS-owned one: key use shows in
      // CloudTrail, and it needs no key policy or grant of ours (Control Tower CT.DYNAMODB.PR.2).
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });

    for (const bucket of [accessLogs, this.uploadsBucket, this.archiveBucket]) {
      acknowledgeControl(
        bucket,
        's3_bucket_default_encryption_kms_check',
        'SSE-S3, not SSE-KMS: presigned report downloads would need kms:Decrypt for the signer, the access-log target cannot use SSE-KMS, and large ingests would pay a KMS request per object; access is governed by IAM, Block Public Access and TLS-only policies.',
      );
      acknowledgeControl(
        bucket,
        's3_bucket_object_lock_enabled_check',
        'Object Lock would stop the lifecycle rules from expiring old uploads, logs and (dev) reports; the archive is protected by write-once puts (If-None-Match) and versioning instead.',
      );
    }
    acknowledgeControl(
      accessLogs,
      's3_bucket_versioning_enabled_check',
      'Server access logs are written once by S3 log delivery and expire by lifecycle; versions would only keep expired logs longer.',
    );
    acknowledgeControl(
      accessLogs,
      's3_bucket_logging_enabled_check',
      'This is the access-log bucket of the other two; logging it to itself would loop, and to another bucket would need a third log bucket for nothing.',
    );
    for (const bucket of [accessLogs, this.archiveBucket]) {
      acknowledgeControl(
        bucket,
        's3_event_notifications_enabled_check',
        'Nothing reacts to new objects here (logs, archived reports written by run-report itself); only the uploads bucket notifies, its ingest queue.',
      );
    }
  }
}

/**
 * Standard → Standard-IA after 30 days → Glacier Instant Retrieval after 180 (Instant, not
 * Flexible: report links in old emails download at once). S3 refuses a rule whose expiration is
 * not later than each of its transitions, so an archive that expires keeps only the tiers it
 * reaches first (dev: 90 days → IA only).
 */
export function archiveTransitions(expirationDays: number | null): s3.Transition[] {
  const tiers: s3.Transition[] = [
    { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
    { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
  ];
  return tiers.filter((t) => expirationDays === null || t.transitionAfter!.toDays() < expirationDays);
}
