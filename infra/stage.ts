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
  /**
   * An SES identity exists once per account and region, so exactly one stack in an account may
   * create the sender's domain identity (`create`); any other stage there uses it by name
   * (`import`). Default: prod creates it, dev uses prod's. Override with `-c sesIdentity=create`
   * (e.g. dev alone in its own account) or `-c sesIdentity=import`.
   */
  readonly sesIdentity: 'create' | 'import';
  /**
   * The most memory any function may ask for. New accounts may allocate at most 3,008 MB until
   * a Service Quotas increase; a benchmark size above this is cut down to it (with a synth
   * warning). Raise it with `-c lambdaMemoryMaxMb=10240` once the quota allows.
   */
  readonly lambdaMemoryMaxMb: number;
  /**
   * Reserved concurrency of the public report-link function: its ceiling, so a flood of link
   * requests cannot starve ingest and report runs. `null` reserves nothing — needed on a new
   * account, whose concurrency quota (10) leaves no room for a reservation (Lambda keeps at
   * least 10 unreserved). Override with `-c reportLinkConcurrency=<n>|none`.
   */
  readonly reportLinkConcurrency: number | null;
}

/** Lambda's per-function memory limit without a quota increase on a new account. */
export const NEW_ACCOUNT_MEMORY_MAX_MB = 3008;

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
    sesIdentity: 'import',
    lambdaMemoryMaxMb: NEW_ACCOUNT_MEMORY_MAX_MB,
    reportLinkConcurrency: null,
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
    sesIdentity: 'create',
    lambdaMemoryMaxMb: NEW_ACCOUNT_MEMORY_MAX_MB,
    reportLinkConcurrency: 10,
  },
};

/** CDK context values (`-c key=value`) that override a stage's defaults for one deployment. */
export interface StageOverrides {
  readonly sesIdentity?: unknown;
  readonly lambdaMemoryMaxMb?: unknown;
  readonly reportLinkConcurrency?: unknown;
}

/**
 * Settings of a stage named on the command line (`-c stage=dev|prod`), with the context
 * overrides applied; a bad value fails synthesis saying what is allowed.
 */
export function stageSettings(name: unknown, overrides: StageOverrides = {}): StageSettings {
  if (typeof name !== 'string' || !(STAGES as readonly string[]).includes(name)) {
    throw new Error(`Unknown stage "${String(name)}": run cdk with -c stage=dev or -c stage=prod`);
  }
  const base = SETTINGS[name as StageName];
  return {
    ...base,
    sesIdentity: overrideOf(overrides.sesIdentity, base.sesIdentity, 'sesIdentity', (v) =>
      v === 'create' || v === 'import' ? v : undefined,
    ),
    lambdaMemoryMaxMb: overrideOf(
      overrides.lambdaMemoryMaxMb,
      base.lambdaMemoryMaxMb,
      'lambdaMemoryMaxMb',
      (v) => {
        const n = Number(v);
        return Number.isInteger(n) && n >= 128 && n <= 10_240 ? n : undefined;
      },
    ),
    reportLinkConcurrency: overrideOf(
      overrides.reportLinkConcurrency,
      base.reportLinkConcurrency,
      'reportLinkConcurrency',
      (v) => {
        if (v === 'none') return null;
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 ? n : undefined;
      },
    ),
  };
}

const ALLOWED: Record<keyof StageOverrides, string> = {
  sesIdentity: 'create or import',
  lambdaMemoryMaxMb: 'a whole number of MB from 128 to 10240',
  reportLinkConcurrency: 'a whole number ≥ 1, or none',
};

function overrideOf<T>(
  raw: unknown,
  fallback: T,
  key: keyof StageOverrides,
  parse: (value: unknown) => T | undefined,
): T {
  if (raw === undefined) return fallback;
  const parsed = parse(raw);
  if (parsed === undefined) {
    throw new Error(`-c ${key}=${String(raw)}: expected ${ALLOWED[key]}`);
  }
  return parsed;
}
