/**
 * ingest-upload: consumes S3 object-created events through SQS and turns each uploaded file
 * into facts (or a rejection with an error workbook and an email). Reports batch item
 * failures so one bad message is retried alone; the S3 test event is ignored.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import planConfig from '../../plan.config.ts';
// Adapters and client factories from their own modules, not the adapters' index: the bundle
// then loads only the DynamoDB, S3 and SESv2 SDK packages this function uses.
import { DynamoFactStore } from '../../shared/adapters/dynamo-fact-store.ts';
import { DynamoMailLedger } from '../../shared/adapters/dynamo-mail-ledger.ts';
import { DynamoUploadLedger } from '../../shared/adapters/dynamo-upload-ledger.ts';
import { createDynamoClients } from '../../shared/adapters/dynamodb-client.ts';
import { createS3Client } from '../../shared/adapters/s3-client.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { createSesv2Client } from '../../shared/adapters/sesv2-client.ts';
import { handleIngestBatch, type IngestDeps, type IngestLogger } from '../../shared/app/ingest-upload.ts';
import { IngestUploadEnvSchema, parseEnv } from '../../shared/config/env.ts';

const powertools = new Logger();

const logger: IngestLogger = {
  info: (message, extra) => powertools.info(message, (extra ?? {}) as LogAttributes),
  warn: (message, extra) => powertools.warn(message, (extra ?? {}) as LogAttributes),
  error: (message, extra) => powertools.error(message, (extra ?? {}) as LogAttributes),
};

/** The handler over given ports (tests and the local runtime pass their own). */
export function createIngestHandler(deps: IngestDeps) {
  return (event: SQSEvent): Promise<SQSBatchResponse> => handleIngestBatch(deps, event);
}

/** Adapters over the AWS clients, from the function's environment (parsed once per cold start). */
export function buildDepsFromEnv(env: Record<string, string | undefined> = process.env): IngestDeps {
  const parsed = parseEnv(IngestUploadEnvSchema, env);
  const { doc } = createDynamoClients();
  return {
    config: planConfig,
    facts: new DynamoFactStore({ doc, tableName: parsed.TABLE_NAME }),
    uploads: new DynamoUploadLedger({ doc, tableName: parsed.TABLE_NAME }),
    objects: new S3ObjectStore({ s3: createS3Client() }),
    mailer: new SesMailer({ sesv2: createSesv2Client(), configurationSetName: parsed.SES_CONFIGURATION_SET }),
    mails: new DynamoMailLedger({ doc, tableName: parsed.TABLE_NAME }),
    clock: { now: () => new Date() },
    logger,
    uploadsBucket: parsed.UPLOADS_BUCKET,
  };
}

let deps: IngestDeps | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  deps ??= buildDepsFromEnv();
  return createIngestHandler(deps)(event);
};
