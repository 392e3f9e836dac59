import { readFileSync } from 'node:fs';
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../../functions/ingest-upload/handler.ts';
import type { IngestDeps } from '../../../shared/app/ingest-upload.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { ingestDeps, sqsEvent, uploadObject } from './support.ts';

const FIXTURES = new URL('../../fixtures/uploads/files/', import.meta.url);

describe('ingest-upload on the emulators', () => {
  let emulators: TestEmulators;
  let deps: IngestDeps;
  let ingest: ReturnType<typeof createIngestHandler>;

  const upload = (key: string, body: Uint8Array | string, metadata: Record<string, string> = {}) =>
    uploadObject(emulators, key, body, metadata);

  async function gmvFacts() {
    const data = await deps.facts.loadPlanData({
      kpis: ['gmv'],
      start: '2026-01-01',
      end: '2026-12-31',
      targetVersions: ['budget'],
    });
    return data.actuals.map((fact) => ({ period: fact.period, dims: fact.dims, value: fact.value }));
  }

  beforeAll(async () => {
    emulators = await startTestEmulators();
    deps = ingestDeps(emulators);
    ingest = createIngestHandler(deps);
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('turns a good upload (Chinese name with spaces, GBK, Chinese headers) into queryable facts', async () => {
    const key = 'incoming/actuals/运营 团队/十一月 实际.csv';
    const uploaded = await upload(key, readFileSync(new URL('good-actuals-gbk.csv', FIXTURES)));

    const result = await ingest(
      sqsEvent(emulators.buckets.uploads, key, '0A01', '2026-11-23T02:00:00.000Z', uploaded),
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(await gmvFacts()).toContainEqual({
      period: '2026-11-22',
      dims: { channel: 'tmall', category: 'pets' },
      value: 1234.5,
    });
    // Filed under processed/ (so the lifecycle rule expires it), tagged, gone from incoming/.
    const filed = 'processed/actuals/运营 团队/十一月 实际.csv';
    const tagging = await emulators.clients.s3.send(
      new GetObjectTaggingCommand({ Bucket: emulators.buckets.uploads, Key: filed }),
    );
    // s3rver ignores x-amz-tagging on CopyObject; S3 and moto apply it.
    expect(tagging.TagSet).toEqual(
      emulators.emulator.s3 === 's3rver' ? [] : [{ Key: 'plan-monitor-status', Value: 'processed' }],
    );
    const incoming = await emulators.clients.s3.send(
      new ListObjectsV2Command({ Bucket: emulators.buckets.uploads, Prefix: 'incoming/actuals/运营 团队/' }),
    );
    expect(incoming.Contents ?? []).toEqual([]);
    const ledger = await deps.uploads.list();
    expect(ledger.find((record) => record.key === key)?.status).toBe('accepted');
  });

  it('rejects a bad upload whole: nothing written, an error workbook under rejected/, an email to the uploader', async () => {
    const key = 'incoming/actuals/partner/bad export.csv';
    const body = 'date,kpi,channel,value\n2026-11-20,gmv,tmall,500\n2026-11-21,gmv,tmal,600\n';
    const uploaded = await upload(key, body, { 'uploader-email': 'anna@example.com' });
    const before = await gmvFacts();
    const mailBefore = (await emulators.sentEmails()).length;

    const result = await ingest(
      sqsEvent(emulators.buckets.uploads, key, '0B01', '2026-11-23T03:00:00.000Z', uploaded),
    );

    expect(result.batchItemFailures).toEqual([]);
    // The good first row of the bad file was not written either.
    expect(await gmvFacts()).toEqual(before);
    expect((await gmvFacts()).some((fact) => fact.period === '2026-11-20')).toBe(false);

    const errorWorkbook = await emulators.clients.s3.send(
      new GetObjectCommand({ Bucket: emulators.buckets.uploads, Key: `rejected/${key}.errors.xlsx` }),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await errorWorkbook.Body!.transformToByteArray()) as unknown as ArrayBuffer);
    const cells: string[] = [];
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value)))),
    );
    expect(cells.join('\n')).toMatch(/tmal/);
    expect(cells.join('\n')).toMatch(/tmall/); // the "did you mean" suggestion

    const mail = (await emulators.sentEmails()).slice(mailBefore);
    expect(mail).toHaveLength(1);
    expect(mail[0]?.destination.to).toEqual(['anna@example.com']);
    expect(mail[0]?.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/\.errors\.xlsx$/)]);
    const ledger = await deps.uploads.list();
    expect(ledger.find((record) => record.key === key)).toMatchObject({ status: 'rejected', errors: 1 });
  });

  it('changes nothing when the same event is delivered again', async () => {
    const key = 'incoming/actuals/replay.csv';
    const uploaded = await upload(key, 'date,kpi,channel,value\n2026-11-10,gmv,jd,700\n');
    const event = sqsEvent(emulators.buckets.uploads, key, '0C01', '2026-11-23T04:00:00.000Z', uploaded);
    await ingest(event);
    const afterFirst = await gmvFacts();
    const mailAfterFirst = (await emulators.sentEmails()).length;

    const replay = await ingest(event);

    expect(replay.batchItemFailures).toEqual([]);
    expect(await gmvFacts()).toEqual(afterFirst);
    expect((await emulators.sentEmails()).length).toBe(mailAfterFirst);
  });

  it('ignores an older version of a file that arrives after a newer one', async () => {
    const key = 'incoming/actuals/late.csv';
    // The newer upload (later event, larger sequencer) is processed first…
    const newer = await upload(key, 'date,kpi,channel,value\n2026-11-12,gmv,douyin,2000\n');
    await ingest(sqsEvent(emulators.buckets.uploads, key, '0D02', '2026-11-23T05:00:02.000Z', newer));
    // …then the event of the older version is delivered late.
    const older = await upload(key, 'date,kpi,channel,value\n2026-11-12,gmv,douyin,1000\n');

    const late = await ingest(
      sqsEvent(emulators.buckets.uploads, key, '0D01', '2026-11-23T05:00:01.000Z', older),
    );

    expect(late.batchItemFailures).toEqual([]);
    const douyin = (await gmvFacts()).filter(
      (fact) => fact.dims.channel === 'douyin' && fact.period === '2026-11-12',
    );
    expect(douyin.map((fact) => fact.value)).toEqual([2000]);
  });
});
