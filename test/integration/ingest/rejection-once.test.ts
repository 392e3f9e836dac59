/**
 * Issue 11 points 4–6 on the emulators (dynalite, s3rver, aws-ses-v2-local) through the real
 * adapters: values the store cannot hold are rejected before any write, rejection emails stay
 * small, and each rejection is mailed exactly once — or, when SES's answer is lost, at most
 * once — with SES failing, losing its reply or refusing an address on a chosen call.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoUploadLedger, SesMailer } from '../../../shared/adapters/index.ts';
import {
  type IngestDeps,
  ingestUpload,
  type UploadedObject,
  uploadOrder,
} from '../../../shared/app/ingest-upload.ts';
import { rejectionMailId } from '../../../shared/app/reject-upload.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { type Fault, faultySes } from '../../support/faulty-ses.ts';
import { ingestDeps, uploadObject } from './support.ts';

const FIXTURES = new URL('../../fixtures/uploads/files/', import.meta.url);

describe('rejections on the emulators', () => {
  let emulators: TestEmulators;
  let facts: IngestDeps['facts'];
  let mails: IngestDeps['mails'];
  const errors: string[] = [];
  let sequence = 0;

  beforeAll(async () => {
    emulators = await startTestEmulators();
    ({ facts, mails } = ingestDeps(emulators));
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  /** Ingest deps over the emulators; a redelivery may take over a claim at once (lease 0). */
  function depsWith(faults: Map<number, Fault> = new Map()) {
    const { doc, sesv2 } = emulators.clients;
    const ses = faultySes(sesv2, faults);
    const uploads = new DynamoUploadLedger({
      doc,
      tableName: emulators.tableName,
      processingLeaseSeconds: 0,
    });
    const deps = ingestDeps(emulators, {
      facts,
      uploads,
      mailer: new SesMailer({ sesv2: ses.client, sleep: async () => {} }),
      mails,
      logger: { info() {}, warn() {}, error: (message) => void errors.push(message) },
    });
    return { deps, uploads, ses };
  }

  async function put(kind: string, file: string, uploader = 'anna@example.com'): Promise<UploadedObject> {
    sequence += 1;
    const key = `incoming/${kind}/${sequence}-${file}`;
    const body = readFileSync(new URL(file, FIXTURES));
    const uploaded = await uploadObject(emulators, key, body, { 'uploader-email': uploader });
    return {
      bucket: emulators.buckets.uploads,
      key,
      sequencer: sequence.toString(16).padStart(4, '0'),
      eventTime: new Date(Date.UTC(2026, 10, 23, 1, 0, sequence)).toISOString(),
      ...uploaded,
    };
  }

  /** Emails whose subject names the object. */
  async function mailsAbout(object: UploadedObject) {
    const name = object.key.slice(object.key.lastIndexOf('/') + 1);
    return (await emulators.sentEmails()).filter((email) => email.subject.includes(name));
  }

  async function everything() {
    return facts.loadPlanData({
      kpis: ['gmv', 'orders'],
      start: '2026-01-01',
      end: '2026-12-31',
      targetVersions: ['budget'],
    });
  }

  it.each([
    ['actuals', 'bad-value-1e309.csv'],
    ['actuals', 'bad-value-2-53-plus-one.csv'],
    ['actuals', 'bad-value-1e-200.csv'],
    ['targets', 'bad-targets-1e16.csv'],
    ['milestones', 'bad-milestone-id-1100-bytes.csv'],
    ['milestones', 'bad-milestone-title-450kb.csv'],
    ['milestones', 'bad-milestone-id-line-break.csv'],
  ])('rejects %s %s before any write, and mails the uploader once', async (kind, file) => {
    const { deps } = depsWith();
    const object = await put(kind, file);
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({
      status: 'rejected',
      notice: 'sent',
      notified: 'anna@example.com',
      errors: 1,
    });
    const data = await everything();
    expect(data.actuals).toEqual([]);
    expect(data.targets).toEqual([]);
    expect(data.milestones).toEqual([]);
    const sent = await mailsAbout(object);
    expect(sent).toHaveLength(1);
  });

  it('keeps the rejection email of a 1 MB cell and of 25 long values small', async () => {
    const { deps } = depsWith();
    for (const file of ['bad-kpi-1mb-cell.csv', 'bad-25-long-values.csv']) {
      const object = await put('actuals', file);
      await ingestUpload(deps, object);
      const [email] = await mailsAbout(object);
      expect(email, file).toBeDefined();
      const bodyChars = (email!.body.text ?? '').length + (email!.body.html ?? '').length;
      expect(bodyChars, file).toBeLessThan(200_000);
      expect(
        email!.attachments.reduce((n, a) => n + a.size, 0),
        file,
      ).toBeLessThan(1_000_000);
    }
  });

  it('mails once when SES accepted but its reply was lost, and logs the email as in doubt', async () => {
    const { deps, ses } = depsWith(new Map([[1, 'lose-reply']]));
    const object = await put('actuals', 'bad-value-1e20.csv');
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({ status: 'rejected', notice: 'in_doubt' });
    expect(errors.some((e) => e.includes('in doubt'))).toBe(true);
    // A redelivery of the same event changes nothing.
    expect(await ingestUpload(deps, object)).toMatchObject({ status: 'replay' });
    expect(ses.calls()).toBe(1);
    expect(await mailsAbout(object)).toHaveLength(1);
  });

  it('mails once when the upload ledger fails after SES accepted, and completes on the redelivery', async () => {
    const { deps, uploads, ses } = depsWith();
    const finish = uploads.finish.bind(uploads);
    let failures = 1;
    uploads.finish = async (record) => {
      if (record.status === 'rejected' && failures-- > 0)
        throw new Error('ProvisionedThroughputExceededException (injected)');
      return finish(record);
    };
    const object = await put('actuals', 'bad-value-minus-1e309.csv');
    await expect(ingestUpload(deps, object)).rejects.toThrow('injected');
    const again = await ingestUpload(deps, object);
    expect(again).toMatchObject({ status: 'rejected', notice: 'already_sent', notified: 'anna@example.com' });
    expect(ses.calls()).toBe(1);
    expect(await mailsAbout(object)).toHaveLength(1);
    const ledger = await uploads.list();
    expect(ledger.find((record) => record.key === object.key)?.status).toBe('rejected');
  });

  it('sends nothing again after a crash between the intent mark and SES (at most once)', async () => {
    const { deps, ses } = depsWith();
    const object = await put('actuals', 'bad-value-1e-200.csv');
    // The process died after marking the email and before SES answered: the mark stays.
    await mails.reserve(
      rejectionMailId(object, uploadOrder(object.eventTime, object.sequencer)),
      new Date().toISOString(),
    );
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({ status: 'rejected', notice: 'in_doubt' });
    expect(ses.calls()).toBe(0);
  });

  it('falls back to the uploads contact when SES refuses the uploader, and completes as rejected', async () => {
    const { deps, uploads, ses } = depsWith(new Map([[1, 'reject-address']]));
    const object = await put('targets', 'bad-targets-1e309.csv', 'nobody-verified@example.com');
    const outcome = await ingestUpload(deps, object);
    expect(outcome).toMatchObject({
      status: 'rejected',
      notice: 'fallback',
      notified: 'finance@example.com',
    });
    const sent = await mailsAbout(object);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destination.to).toEqual(['finance@example.com']);
    expect(sent[0]!.body.text).toContain(
      'could not be delivered to the uploader nobody-verified@example.com',
    );
    expect(ses.calls()).toBe(2);
    expect((await uploads.list()).find((record) => record.key === object.key)?.status).toBe('rejected');
    // Redelivered: nothing more to anyone.
    expect(await ingestUpload(deps, object)).toMatchObject({ status: 'replay' });
    expect(await mailsAbout(object)).toHaveLength(1);
  });

  it('retries SES throttling inside the send and mails once', async () => {
    const { deps, ses } = depsWith(
      new Map<number, Fault>([
        [1, 'throttle'],
        [2, 'throttle'],
      ]),
    );
    const object = await put('actuals', 'bad-value-fullwidth-huge.csv');
    expect(await ingestUpload(deps, object)).toMatchObject({ status: 'rejected', notice: 'sent' });
    expect(ses.calls()).toBe(3);
    expect(await mailsAbout(object)).toHaveLength(1);
  });

  it('treats an SES call with no answer as in doubt: no second email on any redelivery', async () => {
    const { deps, ses } = depsWith(new Map([[1, 'no-answer']]));
    const object = await put('actuals', 'bad-value-thousands-huge.csv');
    expect(await ingestUpload(deps, object)).toMatchObject({ status: 'rejected', notice: 'in_doubt' });
    expect(ses.calls()).toBe(1);
    expect(await mailsAbout(object)).toHaveLength(0);
  });

  it('keeps each mark with one conditional write per transition (DynamoMailLedger on dynalite)', async () => {
    const id = `upload-rejected:${'k'.repeat(2000)}`; // longer than any key: stored under its hash
    const at = new Date().toISOString();
    expect(await mails.reserve(id, at)).toEqual({ claimed: true });
    expect(await mails.reserve(id, at)).toEqual({
      claimed: false,
      mark: { state: 'sending', messageId: null, at },
    });
    await mails.release(id, 'MessageRejected', at);
    expect(await mails.reserve(id, at)).toEqual({ claimed: true });
    await mails.markSent(id, 'ses-1', at);
    await mails.release(id, 'late refusal of another attempt', at); // never undoes a sent
    expect(await mails.reserve(id, at)).toEqual({
      claimed: false,
      mark: { state: 'sent', messageId: 'ses-1', at },
    });
  });
});
