import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  decodeS3Key,
  handleIngestBatch,
  type IngestDeps,
  ingestUpload,
  parseS3EventsFromSqs,
  type UploadedObject,
  uploadOrder,
} from '../../../shared/app/ingest-upload.ts';
import { defineConfig } from '../../../shared/config/define-config.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';
import {
  FixedClock,
  MemoryFactStore,
  MemoryMailLedger,
  MemoryObjectStore,
  MemoryUploadLedger,
  RecordingMailer,
} from './fakes/memory-ports.ts';

const BUCKET = 'plan-uploads';
const fixture = (file: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '../../fixtures/uploads/files', file)));

let objects: MemoryObjectStore;
let facts: MemoryFactStore;
let uploads: MemoryUploadLedger;
let mailer: RecordingMailer;
let deps: IngestDeps;

beforeEach(() => {
  objects = new MemoryObjectStore();
  facts = new MemoryFactStore();
  uploads = new MemoryUploadLedger();
  mailer = new RecordingMailer();
  deps = {
    config: uploadTestConfig,
    objects,
    facts,
    uploads,
    mailer,
    mails: new MemoryMailLedger(),
    clock: new FixedClock(),
  };
});

function uploadFile(
  key: string,
  file: string,
  metadata: Record<string, string> = {},
  event: Partial<UploadedObject> = {},
): UploadedObject {
  const body = fixture(file);
  const versionId = objects.upload(BUCKET, key, body, metadata);
  return {
    bucket: BUCKET,
    key,
    versionId,
    sequencer: '0062E99A88DC407460',
    eventTime: '2026-11-23T01:00:00.000Z',
    size: body.byteLength,
    ...event,
  };
}

async function readWorkbook(bytes: Uint8Array) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

describe('ingestUpload accepting a file', () => {
  it('writes every fact with an upload source ordered by event time and sequencer, files the original under processed/ and records the upload', async () => {
    const object = uploadFile('incoming/actuals/team-a/11月 销售.csv', 'good-actuals-utf8.csv', {
      'uploader-email': 'ana@example.com',
    });
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({ status: 'accepted', kind: 'actuals', rows: 4, written: 4, skipped: 0 });
    expect(facts.calls).toEqual([
      {
        kind: 'actuals',
        count: 4,
        source: {
          bucket: BUCKET,
          key: object.key,
          versionId: object.versionId,
          order: uploadOrder(object.eventTime, object.sequencer),
          uploadedBy: 'ana@example.com',
        },
      },
    ]);
    expect(facts.actuals.get('gmv|2026-11-23|category=beauty&channel=jd')?.value.value).toBe(1_000_000);
    expect(objects.has(BUCKET, object.key)).toBe(false);
    expect(objects.tagsOf(BUCKET, 'processed/actuals/team-a/11月 销售.csv')).toEqual({
      'plan-monitor-status': 'processed',
    });
    expect(uploads.history).toHaveLength(1);
    expect(uploads.history[0]).toMatchObject({ status: 'accepted', rows: 4, errors: 0, kind: 'actuals' });
    expect(uploads.history[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(mailer.sent).toHaveLength(0);
  });

  it('routes targets and milestones by prefix', async () => {
    await ingestUpload(deps, uploadFile('incoming/targets/budget.csv', 'good-targets.csv'));
    await ingestUpload(deps, uploadFile('incoming/milestones/pmo/m.xlsx', 'good-milestones.xlsx'));
    expect(facts.calls.map((c) => [c.kind, c.count])).toEqual([
      ['targets', 5],
      ['milestones', 2],
    ]);
  });

  it('orders uploads so that plain string comparison is time order, then sequencer order', () => {
    const a = uploadOrder('2026-11-23T01:00:00.000Z', 'FF');
    const b = uploadOrder('2026-11-23T01:00:00.001Z', '01');
    const c = uploadOrder('2026-11-23T01:00:00.001Z', '0A');
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });
});

describe('ingestUpload rejecting a file', () => {
  it('writes nothing, puts the error workbook under rejected/ and mails the uploader with it attached', async () => {
    const object = uploadFile('incoming/actuals/team-a/bad.csv', 'bad-many-errors.csv', {
      'uploader-email': 'ana@example.com',
    });
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({
      status: 'rejected',
      errors: 5,
      errorKey: 'rejected/incoming/actuals/team-a/bad.csv.errors.xlsx',
      notified: 'ana@example.com',
    });
    expect(facts.calls).toHaveLength(0);
    expect(uploads.history[0]).toMatchObject({
      status: 'rejected',
      errors: 5,
      rows: 4,
      errorKey: 'rejected/incoming/actuals/team-a/bad.csv.errors.xlsx',
    });
    expect(objects.has(BUCKET, object.key)).toBe(false);
    expect(objects.tagsOf(BUCKET, 'rejected/incoming/actuals/team-a/bad.csv')).toEqual({
      'plan-monitor-status': 'rejected',
    });

    const stored = await objects.get(BUCKET, 'rejected/incoming/actuals/team-a/bad.csv.errors.xlsx');
    const workbook = await readWorkbook(stored.body);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      '摘要 Summary',
      '错误明细 Rows',
      '错误列表 Errors',
    ]);
    const rows = workbook.getWorksheet('错误明细 Rows')!;
    expect(rows.getRow(1).values).toEqual([undefined, 'date', 'kpi', 'channel', 'value', '错误 Errors']);
    // Row 2 of the upload (gmvv) stays row 2, with the KPI cell highlighted and annotated.
    expect(rows.getCell('B2').value).toBe('gmvv');
    expect((rows.getCell('B2').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
    expect(JSON.stringify(rows.getCell('B2').note)).toContain('Did you mean');
    expect(String(rows.getCell('E2').value)).toContain('Unknown KPI');
    expect(rows.getCell('A2').fill).toBeUndefined();
    // Row 5 has two errors: both cells red, both messages in the error column.
    expect((rows.getCell('D5').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
    expect((rows.getCell('C5').fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
    expect(String(rows.getCell('E5').value).split('\n')).toHaveLength(2);
    const list = workbook.getWorksheet('错误列表 Errors')!;
    expect(list.rowCount).toBe(6);
    const summary = workbook.getWorksheet('摘要 Summary')!;
    const summaryText = JSON.stringify(summary.getSheetValues());
    expect(summaryText).toContain('incoming/actuals/team-a/bad.csv');
    expect(summaryText).toContain('unknown_kpi');

    expect(mailer.sent).toHaveLength(1);
    const email = mailer.sent[0]!;
    expect(email.to).toEqual(['ana@example.com']);
    expect(email.from).toBe('plan@example.com');
    const parsed = await simpleParser(Buffer.from(email.raw));
    expect(parsed.subject).toContain('bad.csv');
    expect(parsed.text).toContain('Row 2 · kpi · "gmvv"');
    expect(parsed.html).toContain('Did you mean');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.filename).toBe('bad.csv.errors.xlsx');
    const attached = await readWorkbook(new Uint8Array(parsed.attachments[0]!.content));
    expect(attached.getWorksheet('错误明细 Rows')!.getCell('B2').value).toBe('gmvv');
  });

  it('mails the configured contact for the kind when the object names no uploader', async () => {
    await ingestUpload(deps, uploadFile('incoming/targets/t.csv', 'bad-mixed-grains-targets.csv'));
    expect(mailer.sent[0]!.to).toEqual(['finance@example.com']);
  });

  it('never mails an uploader address outside the allowed domains (metadata is set by whoever uploads)', async () => {
    await ingestUpload(
      deps,
      uploadFile('incoming/milestones/m.csv', 'bad-milestone-status.csv', {
        'uploader-email': 'x@evil.test',
      }),
    );
    expect(mailer.sent[0]!.to).toEqual(['pmo@example.com']);
  });

  it('still reports a file that cannot be decoded at all, with a summary-only workbook', async () => {
    const object = uploadFile('incoming/actuals/gbk.csv', 'bad-mojibake.csv');
    const outcome = await ingestUpload(deps, object);
    expect(outcome.status).toBe('rejected');
    const workbook = await readWorkbook(
      (await objects.get(BUCKET, 'rejected/incoming/actuals/gbk.csv.errors.xlsx')).body,
    );
    expect(JSON.stringify(workbook.getWorksheet('摘要 Summary')!.getSheetValues())).toContain('CSV UTF-8');
    expect(workbook.getWorksheet('错误明细 Rows')!.rowCount).toBe(0);
  });

  it('rejects a file above the size limit without reading it', async () => {
    deps = {
      ...deps,
      config: defineConfig({ ...uploadTestConfig, ingest: { maxFileBytes: 1000, maxRows: 10 } }),
    };
    const object: UploadedObject = {
      bucket: BUCKET,
      key: 'incoming/actuals/huge.csv',
      versionId: objects.upload(BUCKET, 'incoming/actuals/huge.csv', new Uint8Array(8)),
      sequencer: '01',
      eventTime: '2026-11-23T01:00:00.000Z',
      size: 5 * 1024 * 1024,
    };
    const reads = vi.spyOn(objects, 'get');
    const outcome = await ingestUpload(deps, object);
    expect(outcome.status).toBe('rejected');
    expect(reads).not.toHaveBeenCalled();
    expect(facts.calls).toHaveLength(0);
    const parsed = await simpleParser(Buffer.from(mailer.sent[0]!.raw));
    expect(parsed.text).toContain('The file is 5.0 MB, larger than the 1 KB');
  });
});

describe('ingestUpload idempotency and ordering', () => {
  it('treats the same event delivered twice as a no-op', async () => {
    const object = uploadFile('incoming/actuals/a.csv', 'good-actuals-utf8.csv');
    await ingestUpload(deps, object);
    const again = await ingestUpload(deps, object);
    expect(again).toMatchObject({ status: 'replay' });
    expect(facts.calls).toHaveLength(1);
    expect(uploads.history).toHaveLength(1);
  });

  it('does not mail a second time when a rejected upload is replayed', async () => {
    const object = uploadFile('incoming/actuals/a.csv', 'bad-unknown-kpi.csv');
    await ingestUpload(deps, object);
    await ingestUpload(deps, object);
    expect(mailer.sent).toHaveLength(1);
  });

  it('skips an older version that arrives after a newer one', async () => {
    const older = uploadFile(
      'incoming/actuals/a.csv',
      'good-actuals-semicolon.csv',
      {},
      {
        sequencer: '0062E99A88DC407460',
        eventTime: '2026-11-23T01:00:00.000Z',
      },
    );
    const newer = uploadFile(
      'incoming/actuals/a.csv',
      'good-actuals-utf8.csv',
      {},
      {
        sequencer: '0062E99A88DC407461',
        eventTime: '2026-11-23T01:05:00.000Z',
      },
    );
    expect((await ingestUpload(deps, newer)).status).toBe('accepted');
    expect(await ingestUpload(deps, older)).toMatchObject({ status: 'skipped_older' });
    expect(facts.calls).toHaveLength(1);
    expect(facts.calls[0]!.source.versionId).toBe(newer.versionId);
  });

  it('ignores objects outside incoming/<kind>/ with a log line', async () => {
    const logged: string[] = [];
    deps = { ...deps, logger: { info: (m) => logged.push(m), warn() {}, error() {} } };
    for (const key of [
      'rejected/incoming/actuals/a.csv.errors.xlsx',
      'incoming/other/a.csv',
      'incoming/actuals/',
    ]) {
      expect(await ingestUpload(deps, { ...uploadFile(key, 'good-actuals-utf8.csv') })).toMatchObject({
        status: 'ignored',
      });
    }
    expect(facts.calls).toHaveLength(0);
    expect(logged.filter((m) => m.startsWith('ignored'))).toHaveLength(3);
  });
});

function sqsRecord(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's3',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:uploads',
    awsRegion: 'us-east-1',
  };
}

function s3Event(key: string, extra: { versionId?: string; sequencer?: string; size?: number } = {}) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-11-23T01:00:00.000Z',
        s3: {
          bucket: { name: BUCKET },
          object: {
            key,
            size: extra.size ?? 10,
            versionId: extra.versionId,
            sequencer: extra.sequencer ?? '0A',
          },
        },
      },
    ],
  };
}

describe('parseS3EventsFromSqs', () => {
  it('decodes keys: + is a space and Chinese names are percent-encoded UTF-8', () => {
    const encoded = `incoming/actuals/${encodeURIComponent('华东 团队').replace('%20', '+')}/${encodeURIComponent('11月 销售+退款.csv').replace('%20', '+')}`;
    const [message] = parseS3EventsFromSqs({ Records: [sqsRecord('m1', s3Event(encoded))] });
    expect(message!.objects[0]!.key).toBe('incoming/actuals/华东 团队/11月 销售+退款.csv');
  });

  it('keeps a key that is not encoded (the local emulator) when it cannot be decoded', () => {
    expect(decodeS3Key('incoming/actuals/100%.csv')).toBe('incoming/actuals/100%.csv');
  });

  it('ignores the S3 test event and events other than ObjectCreated', () => {
    const removed = s3Event('incoming/actuals/a.csv');
    removed.Records[0]!.eventName = 'ObjectRemoved:Delete';
    const out = parseS3EventsFromSqs({
      Records: [
        sqsRecord('t', { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }),
        sqsRecord('r', removed),
      ],
    });
    expect(out.map((m) => m.objects)).toEqual([[], []]);
    expect(out.every((m) => m.error === undefined)).toBe(true);
  });
});

describe('handleIngestBatch', () => {
  it('reports only the failing messages so one bad message never fails the others', async () => {
    const good = uploadFile('incoming/actuals/good.csv', 'good-actuals-utf8.csv');
    const failing = uploadFile('incoming/targets/t.csv', 'good-targets.csv');
    const event: SQSEvent = {
      Records: [
        sqsRecord('not-json', '{oops'),
        sqsRecord('fails', s3Event(failing.key, { versionId: failing.versionId!, size: failing.size })),
        sqsRecord('test', { Event: 's3:TestEvent' }),
        sqsRecord('ok', s3Event(good.key, { versionId: good.versionId!, size: good.size })),
      ],
    };
    facts.failNextPut = true; // the targets write (second message) fails
    const response = await handleIngestBatch(deps, event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'not-json' }, { itemIdentifier: 'fails' }]);
    expect(facts.calls.map((c) => c.source.key)).toEqual(['incoming/actuals/good.csv']);
  });

  it('processes a retried message whose first attempt crashed after claiming', async () => {
    const object = uploadFile('incoming/targets/t.csv', 'good-targets.csv');
    const event: SQSEvent = {
      Records: [sqsRecord('m', s3Event(object.key, { versionId: object.versionId!, size: object.size }))],
    };
    facts.failNextPut = true;
    expect((await handleIngestBatch(deps, event)).batchItemFailures).toHaveLength(1);
    // Redelivered while the crashed attempt's lease still runs: failed again, never dropped.
    expect((await handleIngestBatch(deps, event)).batchItemFailures).toHaveLength(1);
    expect(facts.calls).toHaveLength(0);
    const clock = deps.clock as FixedClock;
    clock.current = new Date(clock.current.getTime() + 16 * 60 * 1000);
    expect((await handleIngestBatch(deps, event)).batchItemFailures).toHaveLength(0);
    expect(facts.calls).toHaveLength(1);
  });
});
