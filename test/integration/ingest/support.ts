/** What ingest tests share: the use case's ports over the emulators, uploads, and S3 events. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import {
  DynamoFactStore,
  DynamoMailLedger,
  DynamoUploadLedger,
  S3ObjectStore,
  SesMailer,
} from '../../../shared/adapters/index.ts';
import type { IngestDeps } from '../../../shared/app/ingest-upload.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';
import type { TestEmulators } from '../../support/emulators.ts';

/** The ingest use case's ports over given clients and table (the test upload configuration). */
export function ingestDepsOver(
  { doc, s3, sesv2 }: Pick<TestEmulators['clients'], 'doc' | 's3' | 'sesv2'>,
  tableName: string,
  overrides: Partial<IngestDeps> = {},
): IngestDeps {
  return {
    config: uploadTestConfig,
    facts: new DynamoFactStore({ doc, tableName }),
    uploads: new DynamoUploadLedger({ doc, tableName }),
    objects: new S3ObjectStore({ s3 }),
    mailer: new SesMailer({ sesv2 }),
    mails: new DynamoMailLedger({ doc, tableName }),
    clock: { now: () => new Date() },
    ...overrides,
  };
}

/** The ingest use case's ports over the emulators (the test upload configuration). */
export function ingestDeps(emulators: TestEmulators, overrides: Partial<IngestDeps> = {}): IngestDeps {
  return ingestDepsOver(emulators.clients, emulators.tableName, {
    uploadsBucket: emulators.buckets.uploads,
    ...overrides,
  });
}

/** What an S3 event names of an uploaded object. */
export interface Uploaded {
  readonly size: number;
  readonly versionId: string | null;
}

/** Puts an object in the uploads bucket; returns its size and version (null on s3rver) for the event. */
export async function uploadObject(
  emulators: TestEmulators,
  key: string,
  body: Uint8Array | string,
  metadata: Record<string, string> = {},
): Promise<Uploaded> {
  const put = await emulators.clients.s3.send(
    new PutObjectCommand({ Bucket: emulators.buckets.uploads, Key: key, Body: body, Metadata: metadata }),
  );
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  return { size, versionId: put.VersionId ?? null };
}

/** How S3 writes a key into an event: URL-encoded, spaces as `+`. */
function eventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** One S3 object-created notification wrapped in an SQS message, as AWS delivers it. */
export function sqsEvent(
  bucket: string,
  key: string,
  sequencer: string,
  eventTime: string,
  { size, versionId }: Uploaded,
): SQSEvent {
  const s3Event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime,
        // A versioned bucket (S3, moto) names the version; s3rver has no versions.
        s3: {
          bucket: { name: bucket },
          object: { key: eventKey(key), size, sequencer, ...(versionId ? { versionId } : {}) },
        },
      },
    ],
  };
  return {
    Records: [{ messageId: `m-${sequencer}`, body: JSON.stringify(s3Event) } as SQSEvent['Records'][number]],
  };
}
