/**
 * Issue 11 point 3 (one grain per series across uploads, through the rejection path) and issue
 * 13 point 6 (a 1,024-byte S3 key) with the real ingest use case on the emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest-upload/handler.ts';
import type { IngestDeps } from '../../../shared/app/ingest-upload.ts';
import { type SesStoredEmail, startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { ingestDeps, sqsEvent, uploadObject } from './support.ts';

let emulators: TestEmulators;
let deps: IngestDeps;
let ingest: ReturnType<typeof createIngestHandler>;
let sequencer = 0x1000;

beforeAll(async () => {
  emulators = await startTestEmulators();
  deps = ingestDeps(emulators);
  ingest = createIngestHandler(deps);
});

afterAll(async () => {
  await emulators?.stop();
});

/** Uploads `body` under `key` and delivers its event; returns the mail sent meanwhile. */
async function deliver(key: string, body: string): Promise<SesStoredEmail[]> {
  const uploaded = await uploadObject(emulators, key, body, { 'uploader-email': 'ana@example.com' });
  const mailBefore = (await emulators.sentEmails()).length;
  sequencer += 1;
  const time = new Date(Date.parse('2026-11-23T00:00:00Z') + sequencer * 1000).toISOString();
  const result = await ingest(
    sqsEvent(emulators.buckets.uploads, key, sequencer.toString(16), time, uploaded),
  );
  expect(result.batchItemFailures).toEqual([]);
  return (await emulators.sentEmails()).slice(mailBefore);
}

async function statusOf(key: string) {
  return (await deps.uploads.list(1000)).find((r) => r.key === key)?.status;
}

async function planData(kpis: string[]) {
  return deps.facts.loadPlanData({
    kpis,
    start: '2026-01-01',
    end: '2026-12-31',
    targetVersions: ['budget'],
  });
}

describe('one grain per series, across uploads', () => {
  it('rejects daily targets for a series a monthly file holds, naming that file and how to switch', async () => {
    await deliver(
      'incoming/targets/plan.csv',
      'version,kpi,period,channel,value\nbudget,gmv,2026-11,tmall,3000\n',
    );
    expect(await statusOf('incoming/targets/plan.csv')).toBe('accepted');

    const mail = await deliver(
      'incoming/targets/daily.csv',
      'version,kpi,period,channel,value\nbudget,gmv,2026-11-01,tmall,100\nbudget,gmv,2026-11-02,tmall,100\n',
    );

    expect(await statusOf('incoming/targets/daily.csv')).toBe('rejected');
    expect(mail).toHaveLength(1);
    expect(mail[0]?.destination.to).toEqual(['ana@example.com']);
    const text = mail[0]?.body.text ?? '';
    expect(text).toContain('already held at month grain by s3://');
    expect(text).toContain('incoming/targets/plan.csv');
    expect(text).toContain('upload this data as a new version of incoming/targets/plan.csv');
    const targets = (await planData(['gmv'])).targets.filter((t) => t.dims.channel === 'tmall');
    expect(targets.map((t) => [t.period, t.value])).toEqual([['2026-11', 3000]]);
  });

  it('lets a new version of the holding file switch the grain, hiding the old grain at its commit', async () => {
    const mail = await deliver(
      'incoming/targets/plan.csv',
      'version,kpi,period,channel,value\nbudget,gmv,2026-11-01,tmall,100\nbudget,gmv,2026-11-02,tmall,120\n',
    );

    expect(mail).toHaveLength(0);
    const targets = (await planData(['gmv'])).targets.filter((t) => t.dims.channel === 'tmall');
    expect(targets.map((t) => [t.period, t.value]).sort()).toEqual([
      ['2026-11-01', 100],
      ['2026-11-02', 120],
    ]);
    // And now the monthly file of another name is the one refused.
    await deliver(
      'incoming/targets/monthly-again.csv',
      'version,kpi,period,channel,value\nbudget,gmv,2026-12,tmall,1\n',
    );
    expect(await statusOf('incoming/targets/monthly-again.csv')).toBe('rejected');
  });

  it('rejects an actuals file holding daily rows and a period total of the same series (310, not 620)', async () => {
    const mail = await deliver(
      'incoming/actuals/with-total.csv',
      'date,kpi,channel,value\n2026-10-01,orders,jd,100\n2026-10-02,orders,jd,210\n2026-10,orders,jd,310\n',
    );

    expect(await statusOf('incoming/actuals/with-total.csv')).toBe('rejected');
    expect(mail[0]?.body.text).toContain('come in two grains in this file: day and month');
    expect((await planData(['orders'])).actuals.filter((a) => a.dims.channel === 'jd')).toEqual([]);
  });

  it('rejects monthly actuals for a series daily actuals of another file hold', async () => {
    await deliver('incoming/actuals/daily.csv', 'date,kpi,channel,value\n2026-09-01,orders,douyin,5\n');
    expect(await statusOf('incoming/actuals/daily.csv')).toBe('accepted');

    await deliver('incoming/actuals/month.csv', 'date,kpi,channel,value\n2026-09,orders,douyin,50\n');

    expect(await statusOf('incoming/actuals/month.csv')).toBe('rejected');
    const douyin = (await planData(['orders'])).actuals.filter((a) => a.dims.channel === 'douyin');
    expect(douyin.map((a) => [a.period, a.value])).toEqual([['2026-09-01', 5]]);
  });
});

describe('S3 keys as long as S3 allows', () => {
  it('ingests and lists an upload whose key is 1,024 bytes of UTF-8', async () => {
    // Folders of ≤ 200 bytes: s3rver stores keys as paths, and file systems cap a name at 255.
    const prefix = 'incoming/actuals/';
    const segment = `${'数'.repeat(60)}/`; // 181 bytes
    let key = prefix;
    while (Buffer.byteLength(key) + Buffer.byteLength(segment) + 4 <= 1024) key += segment;
    key += 'x'.repeat(1024 - 4 - Buffer.byteLength(key));
    key += '.csv';
    expect(Buffer.byteLength(key)).toBe(1024);

    await deliver(key, 'date,kpi,channel,value\n2026-08-01,gmv,jd,77\n');

    expect(await statusOf(key)).toBe('accepted');
    expect((await planData(['gmv'])).actuals).toContainEqual({
      kpi: 'gmv',
      period: '2026-08-01',
      dims: { channel: 'jd' },
      value: 77,
    });
  });
});
