import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Event } from '../../../infra/local/emulators.ts';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { SesMailer } from '../../../shared/adapters/ses-mailer.ts';
import { ObjectExistsError } from '../../../shared/ports/index.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emu: TestEmulators;

beforeAll(async () => {
  emu = await startTestEmulators();
});

afterAll(async () => {
  await emu?.stop();
});

const bytes = (s: string) => new TextEncoder().encode(s);

describe('S3ObjectStore on s3rver', () => {
  const store = () => new S3ObjectStore({ s3: emu.clients.s3 });

  it('puts and gets an object with its metadata and content type', async () => {
    // Act
    await store().put(emu.buckets.uploads, 'incoming/actuals/团队 A/gmv 11月.csv', bytes('date,kpi\n'), {
      contentType: 'text/csv',
      metadata: { 'uploader-email': 'ana@example.com' },
    });
    const got = await store().get(emu.buckets.uploads, 'incoming/actuals/团队 A/gmv 11月.csv');

    // Assess
    expect(new TextDecoder().decode(got.body)).toBe('date,kpi\n');
    expect(got.metadata).toEqual({ 'uploader-email': 'ana@example.com' });
    expect(got.contentType).toBe('text/csv');
    expect(got.lastModified).toMatch(/^\d{4}-/);
  });

  it('never overwrites when ifNoneMatch is set', async () => {
    // Prepare
    const key = 'reports/weekly/2026-W47/all/report.xlsx';
    await store().put(emu.buckets.archive, key, bytes('first'), { ifNoneMatch: true });

    // Act
    const second = store().put(emu.buckets.archive, key, bytes('second'), { ifNoneMatch: true });

    // Assess
    await expect(second).rejects.toBeInstanceOf(ObjectExistsError);
    expect(new TextDecoder().decode((await store().get(emu.buckets.archive, key)).body)).toBe('first');
  });

  it('tags and copies objects', async () => {
    // Prepare
    const key = 'incoming/targets/budget plan.xlsx';
    await store().put(emu.buckets.uploads, key, bytes('xlsx'));

    // Act
    await store().tag(emu.buckets.uploads, key, null, { status: 'accepted' });
    await store().copy(emu.buckets.uploads, key, 'processed/targets/budget plan.xlsx');

    // Assess
    const tags = await emu.clients.s3.send(
      new GetObjectTaggingCommand({ Bucket: emu.buckets.uploads, Key: key }),
    );
    expect(tags.TagSet).toEqual([{ Key: 'status', Value: 'accepted' }]);
    const copied = await store().get(emu.buckets.uploads, 'processed/targets/budget plan.xlsx');
    expect(new TextDecoder().decode(copied.body)).toBe('xlsx');
  });

  it('presigns a link that downloads the object', async () => {
    // Prepare
    const key = 'reports/weekly/2026-W47/all/link.xlsx';
    await store().put(emu.buckets.archive, key, bytes('workbook bytes'));

    // Act
    const { url, expiresAt } = await store().presign(emu.buckets.archive, key, 3600);
    const res = await fetch(url);

    // Assess
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('workbook bytes');
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
  });

  it('reports created objects to onObjectCreated listeners, with the key unencoded', async () => {
    // Prepare
    const events: S3Event[] = [];
    const unsubscribe = emu.onObjectCreated((e) => events.push(e));

    // Act
    await store().put(emu.buckets.uploads, 'incoming/actuals/销售 数据.csv', bytes('x'));
    unsubscribe();
    await store().put(emu.buckets.uploads, 'incoming/actuals/after.csv', bytes('x'));

    // Assess
    expect(events.map((e) => e.Records[0]?.s3.object.key)).toEqual(['incoming/actuals/销售 数据.csv']);
    expect(events[0]?.Records[0]?.s3.bucket.name).toBe(emu.buckets.uploads);
  });
});

describe('SesMailer on aws-ses-v2-local', () => {
  it('sends a raw MIME message that shows up in the SES emulator store', async () => {
    // Prepare
    const subject = `每周进度 · ${Date.now()}`;
    const raw = bytes(
      [
        'From: plan-monitor@example.com',
        'To: boss@example.com',
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        'GMV MTD -5.0%',
        '',
      ].join('\r\n'),
    );

    // Act
    const { messageId } = await new SesMailer({ sesv2: emu.clients.sesv2 }).send({
      from: 'plan-monitor@example.com',
      to: ['boss@example.com'],
      raw,
    });
    const emails = await emu.sentEmails();

    // Assess
    const sent = emails.find((e) => e.messageId === messageId);
    expect(sent).toMatchObject({ subject, destination: { to: ['boss@example.com'] } });
    expect(sent?.body.text).toContain('GMV MTD -5.0%');
  });
});
