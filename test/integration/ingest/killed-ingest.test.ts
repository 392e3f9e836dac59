/**
 * Issue 11: a process killed mid-ingest, then the message redelivered. The ingest runs in a
 * child process that is SIGKILLed at a seeded random moment of its run; a reader then sees the
 * previous upload or the new one whole, and the redelivery (after the leases ran out) leaves
 * the new one accepted, nothing doubled and no lock behind.
 */
import { spawn } from 'node:child_process';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFactStore, DynamoUploadLedger } from '../../../shared/adapters/index.ts';
import { keys } from '../../../shared/adapters/table-design.ts';
import { ingestUpload, type UploadedObject, uploadOrder } from '../../../shared/app/ingest-upload.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { seededRandom } from './faults.ts';
import { ingestDeps, uploadObject } from './support.ts';

const CHILD = new URL('./ingest-child.ts', import.meta.url).pathname;

let emulators: TestEmulators;

beforeAll(async () => {
  emulators = await startTestEmulators();
});

afterAll(async () => {
  await emulators?.stop();
});

/** 300 rows: 3 channels × 2 categories × 50 days. */
function csv(version: number): string {
  const lines = ['date,kpi,channel,category,value'];
  for (let d = 0; d < 50; d++) {
    const day = new Date(Date.parse('2026-10-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10);
    for (const channel of ['tmall', 'jd', 'douyin']) {
      for (const category of ['pets', 'beauty'])
        lines.push(`${day},sessions,${channel},${category},${version * 1000 + d}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the child; kills it `killAfterMs` after it said it started ingesting (never when undefined). */
function runChild(object: UploadedObject, killAfterMs?: number): Promise<{ killed: boolean; ms: number }> {
  const arg = JSON.stringify({
    clientOptions: emulators.clientOptions,
    tableName: emulators.tableName,
    object,
  });
  return new Promise((resolve, reject) => {
    // Node itself with tsx as a loader, not the tsx command: that one runs the script in a
    // second process, which a SIGKILL of the first would leave running (still writing).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, arg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let started = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!started && chunk.toString().includes('ingesting')) {
        started = Date.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, ms: Date.now() - started });
      else if (code === 0) resolve({ killed: false, ms: Date.now() - started });
      else reject(new Error(`ingest child exited ${code}: ${stderr}`));
    });
  });
}

describe('an ingest killed mid-way, then redelivered', () => {
  it('shows the old upload or the new one whole after each kill, and the redelivery completes it', async () => {
    const key = 'incoming/actuals/sessions.csv';
    const reader = new DynamoFactStore({ doc: emulators.clients.doc, tableName: emulators.tableName });
    const read = async () =>
      new Map(
        (
          await reader.loadPlanData({
            kpis: ['sessions'],
            start: '2026-10-01',
            end: '2026-11-30',
            targetVersions: [],
          })
        ).actuals.map((f) => [`${f.period}|${f.dims.channel}|${f.dims.category}`, f.value]),
      );
    const expectedOf = (version: number) => {
      const out = new Map<string, number>();
      for (const line of csv(version).trim().split('\n').slice(1)) {
        const [day, , channel, category, value] = line.split(',');
        out.set(`${day}|${channel}|${category}`, Number(value));
      }
      return out;
    };
    const objectOf = async (version: number): Promise<UploadedObject> => ({
      bucket: emulators.buckets.uploads,
      key,
      sequencer: (0x100 + version).toString(16),
      eventTime: new Date(Date.parse('2026-11-23T00:00:00Z') + version * 1000).toISOString(),
      ...(await uploadObject(emulators, key, csv(version))),
    });

    // Version 1 stands; its run tells how long an ingest takes here.
    const first = await runChild(await objectOf(1));
    expect(first.killed).toBe(false);
    expect(await read()).toEqual(expectedOf(1));

    const random = seededRandom(11);
    let leaseOver = 0;
    const seen = { old: 0, new: 0, killed: 0 };
    for (let version = 2; version <= 5; version++) {
      const object = await objectOf(version);
      const run = await runChild(object, Math.floor(random() * first.ms));
      const state = await read();
      const isOld = JSON.stringify([...state].sort()) === JSON.stringify([...expectedOf(version - 1)].sort());
      const isNew = JSON.stringify([...state].sort()) === JSON.stringify([...expectedOf(version)].sort());
      expect(isOld || isNew, `version ${version} killed after ${run.ms} ms: half-visible`).toBe(true);
      seen[isNew ? 'new' : 'old'] += 1;
      if (run.killed) seen.killed += 1;

      // Redelivery once the killed run's leases (ledger 900 s, writer lock 960 s) ran out.
      leaseOver += 1000 * 1000;
      const later = () => new Date(Date.now() + leaseOver);
      const { doc } = emulators.clients;
      const deps = ingestDeps(emulators, {
        facts: new DynamoFactStore({ doc, tableName: emulators.tableName, now: later }),
        uploads: new DynamoUploadLedger({ doc, tableName: emulators.tableName, now: later }),
        clock: { now: later },
      });
      const outcome = await ingestUpload(deps, object);
      expect(['accepted', 'replay']).toContain(outcome.status);
      expect(await read()).toEqual(expectedOf(version));
      const history = (await deps.uploads.list(1000)).filter(
        (r) => r.order === uploadOrder(object.eventTime, object.sequencer),
      );
      expect(history.length).toBeGreaterThan(0);
      expect(history.every((r) => r.status === 'accepted')).toBe(true);
      const lock = await doc.send(
        new GetCommand({
          TableName: emulators.tableName,
          Key: keys.writerLock('actuals'),
          ConsistentRead: true,
        }),
      );
      expect(lock.Item).toBeUndefined();
    }
    expect(seen.old + seen.new).toBe(4);
    expect(seen.killed).toBeGreaterThan(0);
  });
});
