/**
 * The rejection path: one email whatever is redelivered, a refused address falls back to the
 * uploads contact, and the upload always completes as rejected. Emails stay small whatever the
 * upload held.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { type IngestDeps, ingestUpload, type UploadedObject } from '../../../shared/app/ingest-upload.ts';
import { composeRejectionEmail, MAX_ATTACHMENT_BYTES } from '../../../shared/app/reject-upload.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import { type Mailer, MailRefusedError, type OutgoingEmail } from '../../../shared/ports/index.ts';
import { HOSTILE_CASES } from '../../fixtures/uploads/cases.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';
import {
  FixedClock,
  MemoryFactStore,
  MemoryMailLedger,
  MemoryObjectStore,
  MemoryUploadLedger,
} from './fakes/memory-ports.ts';

const BUCKET = 'uploads';
const fixture = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/uploads/files/${file}`, import.meta.url)));

/** Refuses (permanently) every address in `refused`; accepts the rest. */
class RefusingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  constructor(private readonly refused: ReadonlySet<string>) {}
  async send(email: OutgoingEmail) {
    if (email.to.some((to) => this.refused.has(to))) {
      throw new MailRefusedError(`MessageRejected: Email address is not verified: ${email.to[0]}`, true);
    }
    this.sent.push(email);
    return { messageId: `m-${this.sent.length}` };
  }
}

let objects: MemoryObjectStore;
let uploads: MemoryUploadLedger;
let mails: MemoryMailLedger;

beforeEach(() => {
  objects = new MemoryObjectStore();
  uploads = new MemoryUploadLedger(0);
  mails = new MemoryMailLedger();
});

function depsWith(mailer: Mailer): IngestDeps {
  return {
    config: uploadTestConfig,
    objects,
    facts: new MemoryFactStore(),
    uploads,
    mailer,
    mails,
    clock: new FixedClock(),
  };
}

function upload(file: string, metadata: Record<string, string>): UploadedObject {
  const body = fixture(file);
  const key = `incoming/actuals/${file}`;
  const versionId = objects.upload(BUCKET, key, body, metadata);
  return {
    bucket: BUCKET,
    key,
    versionId,
    sequencer: '0A',
    eventTime: '2026-11-23T01:00:00.000Z',
    size: body.byteLength,
  };
}

const text = (email: OutgoingEmail) => Buffer.from(email.raw).toString('utf8');

describe('a rejected upload whose uploader SES refuses', () => {
  it('mails the uploads contact instead, saying whom it could not reach, and completes as rejected', async () => {
    const mailer = new RefusingMailer(new Set(['ana@example.com']));
    const outcome = await ingestUpload(
      depsWith(mailer),
      upload('bad-value-1e309.csv', { 'uploader-email': 'ana@example.com' }),
    );
    expect(outcome).toMatchObject({
      status: 'rejected',
      notified: 'actuals-team@example.com',
      notice: 'fallback',
    });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]!.to).toEqual(['actuals-team@example.com']);
    expect(text(mailer.sent[0]!)).toContain('could not be delivered to the uploader ana@example.com');
    expect(uploads.history.at(-1)).toMatchObject({ status: 'rejected' });
  });

  it('still completes as rejected when the contact is refused too, and tells nobody twice', async () => {
    const mailer = new RefusingMailer(new Set(['ana@example.com', 'actuals-team@example.com']));
    const outcome = await ingestUpload(
      depsWith(mailer),
      upload('bad-value-1e309.csv', { 'uploader-email': 'ana@example.com' }),
    );
    expect(outcome).toMatchObject({ status: 'rejected', notified: '', notice: 'nobody' });
    expect(uploads.history.at(-1)).toMatchObject({ status: 'rejected' });
  });
});

describe('a rejected upload redelivered after the ledger failed', () => {
  it('mails the uploader once: the redelivery finds the email marked sent', async () => {
    const mailer = new RefusingMailer(new Set());
    const deps = depsWith(mailer);
    const object = upload('bad-value-1e20.csv', { 'uploader-email': 'ana@example.com' });
    const finish = uploads.finish.bind(uploads);
    let failures = 1;
    uploads.finish = async (record) => {
      if (record.status === 'rejected' && failures-- > 0) throw new Error('DynamoDB unavailable');
      return finish(record);
    };
    await expect(ingestUpload(deps, object)).rejects.toThrow('DynamoDB unavailable');
    const again = await ingestUpload(deps, object);
    expect(again).toMatchObject({ status: 'rejected', notice: 'already_sent', notified: 'ana@example.com' });
    expect(mailer.sent).toHaveLength(1);
    expect(uploads.history.at(-1)).toMatchObject({ status: 'rejected' });
  });
});

describe('the rejection email of every hostile file', () => {
  it('stays below 1 MB (SES takes 40 MB) and lists at most 20 errors', async () => {
    for (const c of HOSTILE_CASES) {
      const result = await parseUpload({ config: uploadTestConfig, kind: c.kind, body: fixture(c.file) });
      if (result.ok) expect.fail(`${c.file} accepted`);
      const raw = await composeRejectionEmail({
        config: uploadTestConfig,
        object: {
          bucket: BUCKET,
          key: `incoming/${c.kind}/${c.file}`,
          versionId: null,
          sequencer: null,
          eventTime: '',
          size: 0,
        },
        result,
        workbook: new Uint8Array(MAX_ATTACHMENT_BYTES + 1),
        errorKey: 'rejected/x',
        bucket: BUCKET,
        to: 'a@example.com',
      });
      expect(raw.byteLength, c.file).toBeLessThan(1024 * 1024);
      const listed = (
        Buffer.from(raw)
          .toString('utf8')
          .match(/^行 Row /gm) ?? []
      ).length;
      expect(listed, c.file).toBeLessThanOrEqual(20);
    }
  });
});
