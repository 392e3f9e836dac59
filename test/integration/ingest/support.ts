/** What ingest tests share: the use case's ports over the emulators, uploads, and S3 events. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import {
  DynamoFactStore,
  DynamoUploadLedger,
  S3ObjectStore,
  SesMailer,
} from '../../../shared/adapters/index.ts';
import type { IngestDeps } from '../../../shared/app/ingest-upload.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';
import type { TestEmulators } from '../../support/emulators.ts';

/** The ingest use case's ports over the emulators (the test upload configuration). */
export function ingestDeps(emulators: TestEmulators, overrides: Partial<IngestDeps> = {}): IngestDeps {
  const { doc, s3, sesv2 } = emulators.clients;
  return {
    config: uploadTestConfig,
    facts: new DynamoFactStore({ doc, tableName: emulators.tableName }),
    uploads: new DynamoUploadLedger({ doc, tableName: emulators.tableName }),
    objects: new S3ObjectStore({ s3 }),
    mailer: new SesMailer({ sesv2 }),
    clock: { now: () => new Date() },
    uploadsBucket: emulators.buckets.uploads,
    ...overrides,
  };
}

/** Puts an object in the uploads bucket; returns its size for the event. */
export async function uploadObject(
  emulators: TestEmulators,
  key: string,
  body: Uint8Array | string,
  metadata: Record<string, string> = {},
): Promise<number> {
  await emulators.clients.s3.send(
    new PutObjectCommand({ Bucket: emulators.buckets.uploads, Key: key, Body: body, Metadata: metadata }),
  );
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
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
  size: number,
): SQSEvent {
  const s3Event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime,
        s3: { bucket: { name: bucket }, object: { key: eventKey(key), size, sequencer } },
      },
    ],
  };
  return {
    Records: [{ messageId: `m-${sequencer}`, body: JSON.stringify(s3Event) } as SQSEvent['Records'][number]],
  };
}
