/**
 * The local stack: the emulators plus the production handlers wired to them, in one process.
 * `npm start`, `plan-monitor serve` and the integration tests build on it.
 *
 * Uploads travel the AWS way: an object created in s3rver becomes an S3 event, wrapped in an
 * SQS message exactly as the S3 → SQS notification delivers it, and handed to the ingest
 * handler. Reports go schedule-report → (in-process job queue) → run-report, with the same
 * adapters (DynamoDB, S3, SES v2 over the SDK) as in AWS.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createIngestHandler } from '../../functions/ingest-upload/handler.ts';
import { createRunReportHandler } from '../../functions/run-report/handler.ts';
import { createScheduleReportHandler } from '../../functions/schedule-report/handler.ts';
import type { AwsClients } from '../../shared/adapters/index.ts';
import {
  DynamoFactStore,
  DynamoMailLedger,
  DynamoRunLedger,
  DynamoUploadLedger,
  S3ObjectStore,
  SesMailer,
} from '../../shared/adapters/index.ts';
import { inProcessJobQueue, type ReportDeps } from '../../shared/app/run-report.ts';
import { silentLogger } from '../../shared/app/schedule-report.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { Mailer, OutgoingEmail, ReportJob, UploadRecord } from '../../shared/ports/index.ts';
import { createBuckets, createTable, type Emulators, type S3Event, startEmulators } from './emulators.ts';

/** Names of the local resources (s3rver wants 3–63 character bucket names). */
export const LOCAL_RESOURCES = {
  tableName: 'plan-monitor-local',
  uploadsBucket: 'plan-monitor-uploads',
  archiveBucket: 'plan-monitor-reports',
} as const;

/** What `serve` writes to `.local/endpoints.json` so the CLI can find the running stack. */
export interface EndpointsFile {
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly sesv2: string };
  readonly sesWebUrl: string;
  readonly tableName: string;
  readonly uploadsBucket: string;
  readonly archiveBucket: string;
  readonly dataDir: string;
  readonly pid: number;
}

export interface LocalStackOptions {
  readonly config: PlanConfig;
  /** Emulator data (LevelDB, s3rver files). */
  readonly dataDir: string;
  readonly ports?: { readonly dynamodb?: number; readonly s3?: number; readonly ses?: number };
  /** Where raw copies of sent emails (`.eml`) go; none when absent. */
  readonly mailDir?: string;
  /** Called when an upload finished processing (accepted, rejected, skipped). */
  readonly onUploadProcessed?: (key: string, record: UploadRecord | null, error: unknown) => void;
}

export interface SentMail {
  readonly messageId: string;
  readonly to: readonly string[];
  readonly emlPath: string | null;
}

export interface LocalStack {
  readonly emulators: Emulators;
  readonly config: PlanConfig;
  readonly reportDeps: ReportDeps;
  readonly resources: typeof LOCAL_RESOURCES;
  /** Emails sent through the stack's mailer in this process. */
  readonly sentMail: SentMail[];
  /** Resolves when every upload event received so far has been processed. */
  idle(): Promise<void>;
  /** Runs a report through schedule-report → run-report; returns the failures of its jobs. */
  runReport(input: { reportId: string; asOf: string; scope?: string; force?: boolean }): Promise<{
    jobs: readonly string[];
    failures: readonly { job: ReportJob; error: unknown }[];
  }>;
  endpointsFile(): EndpointsFile;
  stop(): Promise<void>;
}

/** S3 event keys are URL-encoded with `+` for spaces; s3rver hands them over raw. */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** Wraps an S3 notification into the SQS event Lambda receives from an S3 → SQS notification. */
export function s3EventToSqsEvent(event: S3Event, region = 'us-east-1'): SQSEvent {
  const body = {
    Records: event.Records.map((r) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: r.eventTime,
      eventName: r.eventName,
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: r.s3.bucket.name, arn: `arn:aws:s3:::${r.s3.bucket.name}` },
        object: {
          key: encodeS3EventKey(r.s3.object.key),
          size: r.s3.object.size ?? 0,
          eTag: r.s3.object.eTag ?? '',
          sequencer: r.s3.object.sequencer,
        },
      },
    })),
  };
  const now = Date.now();
  const record: SQSRecord = {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(now),
      SenderId: 'AIDAJLOCALS3NOTIFICATION',
      ApproximateFirstReceiveTimestamp: String(now),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${region}:000000000000:plan-monitor-uploads`,
    awsRegion: region,
  };
  return { Records: [record] };
}

/** A mailer that also keeps the raw MIME as an `.eml` file, for people without a mail client. */
function teeMailer(inner: Mailer, mailDir: string | undefined, sent: SentMail[]): Mailer {
  return {
    async send(email: OutgoingEmail) {
      const result = await inner.send(email);
      let emlPath: string | null = null;
      if (mailDir) {
        mkdirSync(mailDir, { recursive: true });
        emlPath = path.join(mailDir, `${result.messageId.replace(/[^\w.-]/g, '_')}.eml`);
        writeFileSync(emlPath, email.raw);
      }
      sent.push({ messageId: result.messageId, to: email.to, emlPath });
      return result;
    },
  };
}

export interface LocalHandlers {
  readonly reportDeps: ReportDeps;
  /** The ingest-upload handler, fed SQS events. */
  ingest(event: SQSEvent): Promise<SQSBatchResponse>;
  /** schedule-report → in-process queue → run-report, as a schedule firing would. */
  runReport(input: { reportId: string; asOf: string; scope?: string; force?: boolean }): Promise<{
    jobs: readonly string[];
    failures: readonly { job: ReportJob; error: unknown }[];
  }>;
}

/**
 * Wires the production handlers to the adapters over `clients` (emulators or AWS), as the
 * functions' composition roots do from their environment.
 */
export function wireLocalHandlers(
  clients: AwsClients,
  config: PlanConfig,
  options: {
    tableName?: string;
    uploadsBucket?: string;
    archiveBucket?: string;
    mailDir?: string | undefined;
    sentMail?: SentMail[];
  } = {},
): LocalHandlers {
  const tableName = options.tableName ?? LOCAL_RESOURCES.tableName;
  const facts = new DynamoFactStore({ doc: clients.doc, tableName });
  const uploads = new DynamoUploadLedger({ doc: clients.doc, tableName });
  const objects = new S3ObjectStore({ s3: clients.s3 });
  const mailer = teeMailer(new SesMailer({ sesv2: clients.sesv2 }), options.mailDir, options.sentMail ?? []);
  const mails = new DynamoMailLedger({ doc: clients.doc, tableName });
  const clock = { now: () => new Date() };
  const reportDeps: ReportDeps = {
    config,
    facts,
    runs: new DynamoRunLedger({ doc: clients.doc, tableName }),
    uploads,
    objects,
    mailer,
    mails,
    clock,
    archiveBucket: options.archiveBucket ?? LOCAL_RESOURCES.archiveBucket,
    logger: silentLogger,
    // Local runs take seconds: a run interrupted by Ctrl-C is taken over two minutes later.
    leaseSeconds: 120,
  };
  const ingest = createIngestHandler({
    config,
    facts,
    uploads,
    objects,
    mailer,
    mails,
    clock,
    uploadsBucket: options.uploadsBucket ?? LOCAL_RESOURCES.uploadsBucket,
    logger: silentLogger,
  });

  const runReportHandler = createRunReportHandler(reportDeps);
  const runJob = async (job: ReportJob) => {
    const event: SQSEvent = {
      Records: [
        {
          ...s3EventToSqsEvent({ Records: [] }).Records[0]!,
          body: JSON.stringify(job),
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:plan-monitor-report-jobs',
        },
      ],
    };
    const result = await runReportHandler(event);
    if (result.batchItemFailures.length > 0) {
      throw new Error(
        `run-report did not finish ${job.reportId} ${job.asOf} ${job.scopeKey} (it failed, or an interrupted run still holds it for up to 2 minutes): see plan-monitor runs`,
      );
    }
  };
  return {
    reportDeps,
    ingest: (event) => ingest(event),
    async runReport({ reportId, asOf, scope, force }) {
      const queue = inProcessJobQueue(runJob);
      const schedule = createScheduleReportHandler({ config, jobs: queue, logger: silentLogger });
      const out = await schedule({
        reportId,
        asOf,
        ...(scope ? { scope } : {}),
        ...(force ? { force } : {}),
      });
      return { jobs: out.scopes, failures: queue.failures };
    },
  };
}

/** Starts the emulators, creates the table and buckets, and wires the handlers. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  mkdirSync(options.dataDir, { recursive: true });
  const emulators = await startEmulators({
    dataDir: options.dataDir,
    ...(options.ports ? { ports: options.ports } : {}),
  });
  try {
    const { clients } = emulators;
    await createTable(clients, LOCAL_RESOURCES.tableName);
    await createBuckets(clients, [LOCAL_RESOURCES.uploadsBucket, LOCAL_RESOURCES.archiveBucket]);
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  const sentMail: SentMail[] = [];
  const handlers = wireLocalHandlers(emulators.clients, options.config, {
    mailDir: options.mailDir,
    sentMail,
  });
  const { reportDeps } = handlers;
  const uploads = reportDeps.uploads;

  const pending = new Set<Promise<void>>();
  const unsubscribe = emulators.onObjectCreated((event) => {
    const records = event.Records.filter(
      (r) => r.s3.bucket.name === LOCAL_RESOURCES.uploadsBucket && r.s3.object.key.startsWith('incoming/'),
    );
    if (records.length === 0) return;
    const work = (async () => {
      for (const record of records) {
        const key = record.s3.object.key;
        let error: unknown = null;
        try {
          const result = await handlers.ingest(s3EventToSqsEvent({ Records: [record] }));
          if (result.batchItemFailures.length > 0)
            error = new Error(`ingest handler reported a failure for ${key}`);
        } catch (caught) {
          error = caught;
        }
        const recordOut = (await uploads.list(500)).find((u) => u.key === key) ?? null;
        options.onUploadProcessed?.(key, recordOut, error);
      }
    })();
    pending.add(work);
    void work.finally(() => pending.delete(work));
  });

  return {
    emulators,
    config: options.config,
    reportDeps,
    resources: LOCAL_RESOURCES,
    sentMail,
    async idle() {
      // New events may arrive while we wait (s3rver emits after the PUT's response).
      await new Promise((r) => setTimeout(r, 50));
      while (pending.size > 0) {
        await Promise.allSettled([...pending]);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    runReport: handlers.runReport,
    endpointsFile() {
      return {
        endpoints: emulators.endpoints,
        sesWebUrl: emulators.sesWebUrl,
        ...LOCAL_RESOURCES,
        dataDir: options.dataDir,
        pid: process.pid,
      };
    },
    async stop() {
      unsubscribe();
      await Promise.allSettled([...pending]);
      await emulators.stop();
    },
  };
}
