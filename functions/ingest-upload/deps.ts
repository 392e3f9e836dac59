/**
 * The ingest-upload composition root: adapters over the AWS clients, from the function's
 * environment. Imported by the handler on its first event (functions/shared/lazy.ts), so the
 * module load of the function does not pay for the SDK clients and the upload readers.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
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
import type { IngestDeps, IngestLogger } from '../../shared/app/ingest-upload.ts';
import { IngestUploadEnvSchema, parseEnv } from '../../shared/config/env.ts';

const powertools = new Logger();

const logger: IngestLogger = {
  info: (message, extra) => powertools.info(message, (extra ?? {}) as LogAttributes),
  warn: (message, extra) => powertools.warn(message, (extra ?? {}) as LogAttributes),
  error: (message, extra) => powertools.error(message, (extra ?? {}) as LogAttributes),
};

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
