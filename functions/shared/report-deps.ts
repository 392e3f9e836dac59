/**
 * Builds the run-report use case's dependencies from a function's environment: the DynamoDB,
 * S3 and SES adapters over memoised AWS clients, and report links signed with the KMS HMAC key
 * (the run-report composition root and the integration tests wire them the same way). Adapters
 * and client factories are imported from their own modules, not the adapters' index, so the
 * bundle loads only the DynamoDB, S3, SESv2 and KMS SDK packages — not SQS.
 *
 * The run-report handler imports this module on its first event, never at module load; so must
 * anything added to the report's render path (charts, fonts: functions/run-report/handler.ts
 * says how). The KMS client is created on the first oversized workbook (kms-client.ts).
 */
import planConfig from '../../plan.config.ts';
import type { AwsClients } from '../../shared/adapters/aws-clients.ts';
import { DynamoFactStore } from '../../shared/adapters/dynamo-fact-store.ts';
import { DynamoMailLedger } from '../../shared/adapters/dynamo-mail-ledger.ts';
import { DynamoRunLedger } from '../../shared/adapters/dynamo-run-ledger.ts';
import { DynamoUploadLedger } from '../../shared/adapters/dynamo-upload-ledger.ts';
import { createDynamoClients } from '../../shared/adapters/dynamodb-client.ts';
import { createKmsClient } from '../../shared/adapters/kms-client.ts';
import { KmsMacKey } from '../../shared/adapters/kms-mac-key.ts';
import { createS3Client } from '../../shared/adapters/s3-client.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { createSesv2Client } from '../../shared/adapters/sesv2-client.ts';
import { signedReportLinks } from '../../shared/app/report-links.ts';
import type { ReportDeps } from '../../shared/app/run-report.ts';
import type { AppLogger } from '../../shared/app/schedule-report.ts';
import type { RunReportEnv } from '../../shared/config/env.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { Clock, ReportLinks } from '../../shared/ports/index.ts';
import { logger } from './logger.ts';

/**
 * The lease where nothing says otherwise (the local runtime, the CLI): a run `started` longer
 * ago than this crashed. In AWS the stack sets RUN_LEASE_SECONDS from the function's timeout.
 */
export const RUN_LEASE_SECONDS = 16 * 60;

export interface ReportDepsOptions {
  /** The clients the report adapters use (a full {@link AwsClients} set will do). */
  readonly clients: Pick<AwsClients, 'doc' | 's3' | 'sesv2'>;
  readonly tableName: string;
  readonly archiveBucket: string;
  readonly configurationSetName?: string | undefined;
  readonly config?: PlanConfig;
  readonly logger?: AppLogger;
  readonly clock?: Clock;
  readonly leaseSeconds?: number;
  /** Links for workbooks too large to attach; without them, presigned URLs (local runs). */
  readonly links?: ReportLinks;
}

/** The report use cases' ports over a set of AWS clients (real AWS or the local emulators). */
export function reportDeps(options: ReportDepsOptions): ReportDeps {
  const { clients, tableName } = options;
  return {
    config: options.config ?? planConfig,
    // Daily actuals as typed-array columns, not one object each (issue 16, bench/NOTES.md).
    facts: new DynamoFactStore({ doc: clients.doc, tableName, dailyActualsAsColumns: true }),
    runs: new DynamoRunLedger({ doc: clients.doc, tableName }),
    uploads: new DynamoUploadLedger({ doc: clients.doc, tableName }),
    objects: new S3ObjectStore({ s3: clients.s3 }),
    mailer: new SesMailer({ sesv2: clients.sesv2, configurationSetName: options.configurationSetName }),
    mails: new DynamoMailLedger({ doc: clients.doc, tableName }),
    clock: options.clock ?? { now: () => new Date() },
    archiveBucket: options.archiveBucket,
    logger: options.logger ?? logger,
    leaseSeconds: options.leaseSeconds ?? RUN_LEASE_SECONDS,
    ...(options.links ? { links: options.links } : {}),
  };
}

export function reportDepsFromEnv(env: RunReportEnv): ReportDeps {
  const clock: Clock = { now: () => new Date() };
  const links =
    env.LINK_KEY_ID && env.LINK_BASE_URL
      ? signedReportLinks({
          key: new KmsMacKey({ kms: createKmsClient(), keyId: env.LINK_KEY_ID }),
          baseUrl: env.LINK_BASE_URL,
          bucket: env.ARCHIVE_BUCKET,
          clock,
        })
      : undefined;
  return reportDeps({
    clock,
    ...(links ? { links } : {}),
    clients: { doc: createDynamoClients().doc, s3: createS3Client(), sesv2: createSesv2Client() },
    tableName: env.TABLE_NAME,
    archiveBucket: env.ARCHIVE_BUCKET,
    configurationSetName: env.SES_CONFIGURATION_SET,
    leaseSeconds: env.RUN_LEASE_SECONDS,
  });
}
