import {
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('S3ObjectStore on the S3 emulator', () => {
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

  it('never overwrites when ifNoneMatch is set (S3 decides, with no HeadObject first)', async () => {
    // Prepare
    const key = 'reports/weekly/2026-W47/all/report.xlsx';
    await store().put(emu.buckets.archive, key, bytes('first'), { ifNoneMatch: true });

    // Act
    const second = store().put(emu.buckets.archive, key, bytes('second'), { ifNoneMatch: true });

    // Assess
    if (emu.emulator.s3 === 's3rver') {
      // s3rver ignores If-None-Match and overwrites; S3 and moto answer 412 (moto run proves it).
      await expect(second).resolves.toBeUndefined();
      expect(text((await store().get(emu.buckets.archive, key)).body)).toBe('second');
      return;
    }
    await expect(second).rejects.toBeInstanceOf(ObjectExistsError);
    expect(text((await store().get(emu.buckets.archive, key)).body)).toBe('first');
  });

  it('moves exactly one version: copied with its metadata and the new tags, that version deleted, a newer one kept', async () => {
    // Prepare
    const key = 'incoming/targets/预算 plan.xlsx';
    const first = await emu.clients.s3.send(
      new PutObjectCommand({
        Bucket: emu.buckets.uploads,
        Key: key,
        Body: 'first',
        ContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        Metadata: { 'uploader-email': 'ana@example.com' },
      }),
    );
    const versioned = emu.emulator.s3 !== 's3rver'; // s3rver has no versioning at all
    if (versioned) {
      await emu.clients.s3.send(
        new PutObjectCommand({ Bucket: emu.buckets.uploads, Key: key, Body: 'newer' }),
      );
    }

    // Act
    await store().copyVersion(
      emu.buckets.uploads,
      key,
      first.VersionId ?? null,
      'processed/targets/预算 plan.xlsx',
      {
        'plan-monitor-status': 'processed',
      },
    );
    await store().deleteVersion(emu.buckets.uploads, key, first.VersionId ?? null);

    // Assess
    const moved = await store().get(emu.buckets.uploads, 'processed/targets/预算 plan.xlsx');
    expect(text(moved.body)).toBe('first');
    expect(moved.metadata).toEqual({ 'uploader-email': 'ana@example.com' });
    expect(moved.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const tags = await emu.clients.s3.send(
      new GetObjectTaggingCommand({ Bucket: emu.buckets.uploads, Key: 'processed/targets/预算 plan.xlsx' }),
    );
    // s3rver ignores x-amz-tagging on CopyObject (and PutObject); S3 and moto apply it.
    expect(tags.TagSet).toEqual(
      emu.emulator.s3 === 's3rver' ? [] : [{ Key: 'plan-monitor-status', Value: 'processed' }],
    );
    if (versioned) {
      const left = await emu.clients.s3.send(
        new ListObjectVersionsCommand({ Bucket: emu.buckets.uploads, Prefix: key }),
      );
      // Only the newer version is left, and no delete marker: the moved version is gone for good.
      expect((left.Versions ?? []).map((v) => v.VersionId)).not.toContain(first.VersionId);
      expect(left.Versions ?? []).toHaveLength(1);
      expect(left.DeleteMarkers ?? []).toEqual([]);
      expect(text((await store().get(emu.buckets.uploads, key)).body)).toBe('newer');
    } else {
      const left = await emu.clients.s3.send(
        new ListObjectsV2Command({ Bucket: emu.buckets.uploads, Prefix: key }),
      );
      expect(left.Contents ?? []).toEqual([]);
    }
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
});

describe('SesMailer on the SES emulator', () => {
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
