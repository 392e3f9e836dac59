/**
 * Emulators for integration tests: a fresh table and two buckets with unique names per call,
 * so test files never see each other's data, on one of two sets of stand-ins for AWS:
 *
 * - the embedded emulators (default; `npm test`): dynalite, s3rver and aws-ses-v2-local
 *   in-process on random free ports, in a temp directory;
 * - moto in server mode (`npm run test:moto`, which sets `PLAN_MONITOR_EMULATORS=moto` and
 *   starts `moto_server` in test/support/moto-global-setup.ts): one server for DynamoDB, S3
 *   and SES v2, stricter than the embedded ones in the ways README "Emulator differences"
 *   lists. As in the deployed stack, both buckets are versioned there and the senders' domain
 *   is a verified SES identity.
 *
 * Where the two disagree the code is written for AWS, and a test that cannot see AWS's
 * behaviour on one of them says which emulator is wrong through {@link TestEmulators.emulator}.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { AlreadyExistsException, CreateEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { simpleParser } from 'mailparser';
import { inject } from 'vitest';
import { createBuckets, createTable, type Emulators, startEmulators } from '../../infra/local/emulators.ts';
import {
  type AwsClientOptions,
  createAwsClients,
  destroyAwsClients,
} from '../../shared/adapters/aws-clients.ts';

/** Which program stands in for each AWS service. */
export interface EmulatorNames {
  readonly dynamodb: 'dynalite' | 'moto';
  readonly s3: 's3rver' | 'moto';
  readonly ses: 'aws-ses-v2-local' | 'moto';
}

export interface TestEmulators extends Emulators {
  readonly tableName: string;
  readonly buckets: { readonly uploads: string; readonly archive: string };
  /** Which emulator answers each service, for tests whose outcome differs on a wrong one. */
  readonly emulator: EmulatorNames;
  /** Mail sent through this instance's SES clients since it started, oldest first. */
  sentEmails(): Promise<SesStoredEmail[]>;
}

/** One email as the SES emulator stores it. */
export interface SesStoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[]; readonly cc: string[]; readonly bcc: string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
  readonly attachments: {
    readonly content: string;
    readonly contentType: string;
    readonly filename?: string;
    readonly size: number;
  }[];
  readonly at: number;
}

/** `PLAN_MONITOR_EMULATORS=moto` switches every integration suite to moto. */
export const EMULATORS_ENV = 'PLAN_MONITOR_EMULATORS';

/**
 * The domains the test configurations send from. SES (and moto) refuse to send from an
 * unverified identity; aws-ses-v2-local sends from anything.
 */
const TEST_SENDER_DOMAINS = ['example.com', 'example-shop.com'] as const;

/** Starts (or connects to) the emulators and creates a fresh table and two buckets. */
export async function startTestEmulators(): Promise<TestEmulators> {
  return process.env[EMULATORS_ENV] === 'moto' ? onMoto() : onEmbedded();
}

function uniqueNames() {
  const suffix = randomBytes(4).toString('hex');
  return {
    suffix,
    tableName: `plan-monitor-${suffix}`,
    buckets: { uploads: `uploads-${suffix}`, archive: `archive-${suffix}` },
  };
}

async function onEmbedded(): Promise<TestEmulators> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plan-monitor-it-'));
  const emulators = await startEmulators({ dataDir, ports: { dynamodb: 0, s3: 0, ses: 0 } });
  const { tableName, buckets } = uniqueNames();
  try {
    await createTable(emulators.clients, tableName);
    await createBuckets(emulators.clients, [buckets.uploads, buckets.archive]);
  } catch (err) {
    await emulators.stop();
    throw err;
  }
  return {
    ...emulators,
    tableName,
    buckets,
    emulator: { dynamodb: 'dynalite', s3: 's3rver', ses: 'aws-ses-v2-local' },
    async sentEmails() {
      // The SES emulator's store is per process, and each test file runs in its own.
      const res = await fetch(`${emulators.sesWebUrl}/store`);
      const json = (await res.json()) as { emails: SesStoredEmail[] };
      return json.emails;
    },
    async stop() {
      await emulators.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function onMoto(): Promise<TestEmulators> {
  const endpoint = process.env.PLAN_MONITOR_MOTO_ENDPOINT ?? inject('motoEndpoint');
  if (!endpoint) {
    throw new Error(
      `${EMULATORS_ENV}=moto but no moto server: run \`npm run test:moto\` (it starts moto_server) or set PLAN_MONITOR_MOTO_ENDPOINT`,
    );
  }
  const { suffix, tableName, buckets } = uniqueNames();
  const clientOptions: AwsClientOptions = {
    region: 'us-east-1',
    endpoints: { dynamodb: endpoint, s3: endpoint, sesv2: endpoint },
    // Own credentials per instance: the SDK clients are memoised per option set, and stopping
    // one instance must not close another's.
    credentials: { accessKeyId: `moto${suffix}`, secretAccessKey: 'moto' },
    forcePathStyle: true,
    maxAttempts: 3,
  };
  const clients = createAwsClients(clientOptions);
  try {
    await createTable(clients, tableName);
    await createBuckets(clients, [buckets.uploads, buckets.archive]);
    for (const bucket of [buckets.uploads, buckets.archive]) {
      await clients.s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    }
    for (const domain of TEST_SENDER_DOMAINS) {
      try {
        await clients.sesv2.send(new CreateEmailIdentityCommand({ EmailIdentity: domain }));
      } catch (err) {
        if (!(err instanceof AlreadyExistsException)) throw err;
      }
    }
  } catch (err) {
    destroyAwsClients(clientOptions);
    throw err;
  }
  // moto keeps one mail list for the whole server; test files run one after another, so
  // this instance's mail is what was sent after it started.
  const mailBefore = (await motoSentMail(endpoint)).length;
  return {
    endpoints: { dynamodb: endpoint, s3: endpoint, sesv2: endpoint },
    sesWebUrl: `${endpoint}/moto-api/`,
    clientOptions,
    clients,
    tableName,
    buckets,
    emulator: { dynamodb: 'moto', s3: 'moto', ses: 'moto' },
    onObjectCreated() {
      throw new Error(
        'moto sends no S3 events to the test process: onObjectCreated needs the embedded s3rver',
      );
    },
    async sentEmails() {
      const mail = (await motoSentMail(endpoint)).slice(mailBefore);
      return Promise.all(mail.map((message) => storedEmail(message.id, message.raw_data)));
    },
    async stop() {
      destroyAwsClients(clientOptions);
    },
  };
}

/** Raw messages moto's SES has accepted, from its model dump (`/moto-api/data.json`). */
async function motoSentMail(endpoint: string): Promise<{ id: string; raw_data: string }[]> {
  const res = await fetch(`${endpoint}/moto-api/data.json`);
  if (!res.ok) throw new Error(`moto's /moto-api/data.json answered ${res.status}`);
  const data = (await res.json()) as { ses?: { RawMessage?: { id: string; raw_data: string }[] } };
  return data.ses?.RawMessage ?? [];
}

/** A raw MIME message read the way aws-ses-v2-local stores it, so tests see one shape. */
async function storedEmail(messageId: string, raw: string): Promise<SesStoredEmail> {
  const mail = await simpleParser(Buffer.from(raw, 'utf8'));
  const texts = (field: typeof mail.to) =>
    (Array.isArray(field) ? field : field ? [field] : []).map((address) => address.text);
  return {
    messageId,
    from: mail.from?.text ?? '',
    destination: { to: texts(mail.to), cc: texts(mail.cc), bcc: texts(mail.bcc) },
    subject: mail.subject ?? '(no subject)',
    body: { ...(mail.text ? { text: mail.text } : {}), ...(mail.html ? { html: mail.html } : {}) },
    attachments: mail.attachments.map((attachment) => ({
      content: attachment.content.toString('base64'),
      contentType: attachment.contentType,
      ...(attachment.filename ? { filename: attachment.filename } : {}),
      size: attachment.size,
    })),
    at: mail.date ? Math.floor(mail.date.getTime() / 1000) : 0,
  };
}
