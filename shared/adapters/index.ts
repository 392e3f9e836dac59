/** AWS implementations of the ports (shared/ports) and the clients they run on. */
export {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
  destroyAwsClients,
} from './aws-clients.ts';
export { BatchRetryExhaustedError, type RetryOptions } from './dynamo-batch.ts';
export { DynamoFactStore, type DynamoFactStoreOptions } from './dynamo-fact-store.ts';
export { DynamoRunLedger, type DynamoRunLedgerOptions, RunNotClaimedError } from './dynamo-run-ledger.ts';
export {
  DynamoUploadLedger,
  type DynamoUploadLedgerOptions,
  UploadInProgressError,
} from './dynamo-upload-ledger.ts';
export { createBuckets, createTable } from './provision.ts';
export { MAX_PRESIGN_SECONDS, S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.ts';
export { SesMailer, type SesMailerOptions } from './ses-mailer.ts';
export {
  ReportJobEnqueueError,
  SqsReportJobQueue,
  type SqsReportJobQueueOptions,
} from './sqs-report-job-queue.ts';
export * from './table-design.ts';
