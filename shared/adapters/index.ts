/**
 * AWS implementations of the ports (shared/ports) and the clients they run on. For the local
 * runtime, the CLI and tests: Lambda handlers import the modules they need directly, since
 * this index loads every SDK package.
 */
export type { AwsClientOptions } from './aws-client-options.ts';
export { type AwsClients, createAwsClients, destroyAwsClients } from './aws-clients.ts';
export { BatchRetryExhaustedError, type RetryOptions } from './dynamo-batch.ts';
export { DynamoFactStore, type DynamoFactStoreOptions } from './dynamo-fact-store.ts';
export { DynamoMailLedger, type DynamoMailLedgerOptions } from './dynamo-mail-ledger.ts';
export { DynamoRunLedger, type DynamoRunLedgerOptions, RunNotClaimedError } from './dynamo-run-ledger.ts';
export {
  DynamoUploadLedger,
  type DynamoUploadLedgerOptions,
  UploadInProgressError,
} from './dynamo-upload-ledger.ts';
export { createDynamoClients, type DynamoClients, destroyDynamoClients } from './dynamodb-client.ts';
export { createKmsClient, destroyKmsClient } from './kms-client.ts';
export { KmsMacKey, type KmsMacKeyOptions } from './kms-mac-key.ts';
export { createBuckets, createTable } from './provision.ts';
export { createS3Client, destroyS3Client } from './s3-client.ts';
export {
  MAX_PRESIGN_SECONDS,
  S3ObjectStore,
  type S3ObjectStoreOptions,
  UNKNOWN_EXPIRY_PRESIGN_SECONDS,
} from './s3-object-store.ts';
export { SesMailer, type SesMailerOptions } from './ses-mailer.ts';
export { createSesv2Client, destroySesv2Client } from './sesv2-client.ts';
export { createSqsClient, destroySqsClient } from './sqs-client.ts';
export {
  ReportJobEnqueueError,
  SqsReportJobQueue,
  type SqsReportJobQueueOptions,
} from './sqs-report-job-queue.ts';
export * from './table-design.ts';
