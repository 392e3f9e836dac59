/**
 * Emulators for integration tests: random free ports, a temp directory, and unique table and
 * bucket names per call so test files never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuckets, createTable, type Emulators, startEmulators } from '../../infra/local/emulators.ts';

export interface TestEmulators extends Emulators {
  readonly tableName: string;
  readonly buckets: { readonly uploads: string; readonly archive: string };
  /** Sent mail in the SES emulator (its `/store` JSON API), optionally only since a message id set. */
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

/** Starts the emulators on free ports and creates a fresh table and two buckets. */
export async function startTestEmulators(): Promise<TestEmulators> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plan-monitor-it-'));
  const emulators = await startEmulators({ dataDir, ports: { dynamodb: 0, s3: 0, ses: 0 } });
  const suffix = randomBytes(4).toString('hex');
  const tableName = `plan-monitor-${suffix}`;
  const buckets = { uploads: `uploads-${suffix}`, archive: `archive-${suffix}` };
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
    async sentEmails() {
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
