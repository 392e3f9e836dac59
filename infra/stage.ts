import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** Everything that differs between a throw-away dev stack and production. */
export interface StageSettings {
  readonly name: StageName;
  /** Prefix of physical names (buckets, schedule group, SES configuration set). */
  readonly prefix: string;
  /** Table, buckets, queues and log groups: kept in prod, deleted with a dev stack. */
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly logRetention: logs.RetentionDays;
  /** Days a processed/ or rejected/ upload is kept (the facts live on in DynamoDB). */
  readonly uploadsRetentionDays: number;
  /** Days an overwritten or deleted object version is kept before it expires. */
  readonly noncurrentVersionDays: number;
  /** Days server access logs are kept. */
  readonly accessLogDays: number;
  /** Archived reports expire after this many days; `null` keeps them for good. */
  readonly archiveExpirationDays: number | null;
  /** How long a dead-letter message waits for an operator (SQS allows at most 14 days). */
  readonly dlqRetention: Duration;
  /**
   * The account's SES is still in the sandbox, where SES also authorizes each send against the
   * recipient's (verified) identity: the sending grant then names every configured recipient.
   */
  readonly sesSandbox: boolean;
}

const SETTINGS: Record<StageName, StageSettings> = {
  dev: {
    name: 'dev',
    prefix: 'plan-monitor-dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: logs.RetentionDays.TWO_WEEKS,
    uploadsRetentionDays: 30,
    noncurrentVersionDays: 7,
    accessLogDays: 30,
    archiveExpirationDays: 90,
    dlqRetention: Duration.days(14),
    sesSandbox: true,
  },
  prod: {
    name: 'prod',
    prefix: 'plan-monitor-prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: logs.RetentionDays.ONE_YEAR,
    uploadsRetentionDays: 400,
    noncurrentVersionDays: 90,
    accessLogDays: 365,
    archiveExpirationDays: null,
    dlqRetention: Duration.days(14),
    sesSandbox: false,
  },
};

/** Settings of a stage named on the command line (`-c stage=dev|prod`). */
export function stageSettings(name: unknown): StageSettings {
  if (typeof name === 'string' && (STAGES as readonly string[]).includes(name)) {
    return SETTINGS[name as StageName];
  }
  throw new Error(`Unknown stage "${String(name)}": run cdk with -c stage=dev or -c stage=prod`);
}
