/**
 * Builds the report use cases' dependencies from a function's environment: the DynamoDB,
 * S3 and SES adapters over memoised AWS clients. Shared by the schedule-report and
 * run-report composition roots so both wire the same adapters the same way.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import planConfig from '../../plan.config.ts';
import {
  type AwsClients,
  createAwsClients,
  DynamoFactStore,
  DynamoRunLedger,
  DynamoUploadLedger,
  S3ObjectStore,
  SesMailer,
} from '../../shared/adapters/index.ts';
import type { ReportDeps } from '../../shared/app/run-report.ts';
import type { AppLogger } from '../../shared/app/schedule-report.ts';
import type { RunReportEnv } from '../../shared/config/env.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { Clock } from '../../shared/ports/index.ts';

const powertools = new Logger();

/** Powertools Logger behind the use cases' small logging interface. */
export const logger: AppLogger = {
  info: (message, extra) => powertools.info(message, (extra ?? {}) as LogAttributes),
  warn: (message, extra) => powertools.warn(message, (extra ?? {}) as LogAttributes),
  error: (message, extra) => powertools.error(message, (extra ?? {}) as LogAttributes),
};

/** Lambda's longest run plus a margin: a `started` run older than this crashed. */
export const RUN_LEASE_SECONDS = 16 * 60;

export interface ReportDepsOptions {
  readonly clients: AwsClients;
  readonly tableName: string;
  readonly archiveBucket: string;
  readonly configurationSetName?: string | undefined;
  readonly config?: PlanConfig;
  readonly logger?: AppLogger;
  readonly clock?: Clock;
}

/** The report use cases' ports over a set of AWS clients (real AWS or the local emulators). */
export function reportDeps(options: ReportDepsOptions): ReportDeps {
  const { clients, tableName } = options;
  return {
    config: options.config ?? planConfig,
    facts: new DynamoFactStore({ doc: clients.doc, tableName }),
    runs: new DynamoRunLedger({ doc: clients.doc, tableName }),
    uploads: new DynamoUploadLedger({ doc: clients.doc, tableName }),
    objects: new S3ObjectStore({ s3: clients.s3 }),
    mailer: new SesMailer({ sesv2: clients.sesv2, configurationSetName: options.configurationSetName }),
    clock: options.clock ?? { now: () => new Date() },
    archiveBucket: options.archiveBucket,
    logger: options.logger ?? logger,
    leaseSeconds: RUN_LEASE_SECONDS,
  };
}

export function reportDepsFromEnv(env: RunReportEnv): ReportDeps {
  return reportDeps({
    clients: createAwsClients(),
    tableName: env.TABLE_NAME,
    archiveBucket: env.ARCHIVE_BUCKET,
    configurationSetName: env.SES_CONFIGURATION_SET,
  });
}
