import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBuckets,
  createTable,
  type Emulators,
  type S3Event,
  startEmulators,
} from '../../../infra/local/emulators.ts';
import { DynamoRunLedger } from '../../../shared/adapters/dynamo-run-ledger.ts';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { SesMailer } from '../../../shared/adapters/ses-mailer.ts';

const sesStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as { clearStore(): void };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const free = { dynamodb: 0, s3: 0, ses: 0 };

describe('startEmulators', () => {
  it('keeps DynamoDB and S3 data in dataDir across a restart', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'plan-monitor-emu-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first: Emulators = await startEmulators({ dataDir, ports: free });
    await createTable(first.clients, 'plan-monitor');
    await createBuckets(first.clients, ['archive']);
    await new DynamoRunLedger({ doc: first.clients.doc, tableName: 'plan-monitor' }).claim({
      reportId: 'weekly',
      asOf: '2026-11-22',
      scopeKey: 'all',
      now: '2026-11-23T01:00:00.000Z',
      leaseSeconds: 60,
      force: false,
    });
    await new S3ObjectStore({ s3: first.clients.s3 }).put(
      'archive',
      'a.txt',
      new TextEncoder().encode('kept'),
    );
    await first.stop();

    // Act
    const second = await startEmulators({ dataDir, ports: free });
    cleanups.push(() => second.stop());
    const runs = await new DynamoRunLedger({ doc: second.clients.doc, tableName: 'plan-monitor' }).list(
      'weekly',
    );
    const object = await new S3ObjectStore({ s3: second.clients.s3 }).get('archive', 'a.txt');

    // Assess
    expect(runs.map((r) => r.asOf)).toEqual(['2026-11-22']);
    expect(new TextDecoder().decode(object.body)).toBe('kept');
  });

  it("keeps the SES emulator's sent mail in dataDir across a restart", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'plan-monitor-emu-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startEmulators({ dataDir, ports: free });
    const raw = new TextEncoder().encode(
      'From: reports@example.com\r\nTo: ceo@example.com\r\nSubject: kept across restarts\r\n\r\nhello\r\n',
    );
    await new SesMailer({ sesv2: first.clients.sesv2 }).send({
      from: 'reports@example.com',
      to: ['ceo@example.com'],
      raw,
    });
    await first.stop();
    // The emulator's store lives in this process: empty it so only the file can bring the mail back.
    sesStore.clearStore();

    // Act
    const second = await startEmulators({ dataDir, ports: free });
    cleanups.push(() => second.stop());
    const stored = (await (await fetch(`${second.sesWebUrl}/store`)).json()) as {
      emails: { subject: string }[];
    };

    // Assess
    expect(stored.emails.map((email) => email.subject)).toEqual(['kept across restarts']);
  });

  it("reports s3rver's created objects to onObjectCreated listeners, with the key unencoded", async () => {
    // Prepare
    const emulators = await startEmulators({ dataDir: null, ports: free });
    cleanups.push(() => emulators.stop());
    await createBuckets(emulators.clients, ['uploads']);
    const store = new S3ObjectStore({ s3: emulators.clients.s3 });
    const events: S3Event[] = [];
    const unsubscribe = emulators.onObjectCreated((e) => events.push(e));

    // Act
    await store.put('uploads', 'incoming/actuals/销售 数据.csv', new TextEncoder().encode('x'));
    unsubscribe();
    await store.put('uploads', 'incoming/actuals/after.csv', new TextEncoder().encode('x'));

    // Assess
    expect(events.map((e) => e.Records[0]?.s3.object.key)).toEqual(['incoming/actuals/销售 数据.csv']);
    expect(events[0]?.Records[0]?.s3.bucket.name).toBe('uploads');
  });

  it('says which emulator cannot get its port, and leaves none of the others listening', async () => {
    // Prepare
    const blocker = await listenOn(0);
    cleanups.push(() => closeServer(blocker));
    const busy = (blocker.address() as { port: number }).port;
    const probe = await listenOn(0);
    const dynamoPort = (probe.address() as { port: number }).port;
    await closeServer(probe);

    // Act
    const result = startEmulators({ dataDir: null, ports: { dynamodb: dynamoPort, s3: busy, ses: 0 } });

    // Assess
    await expect(result).rejects.toThrow(
      `S3 (s3rver) cannot listen on 127.0.0.1:${busy}: the port is in use`,
    );
    const reused = await listenOn(dynamoPort);
    await closeServer(reused);
  });
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
