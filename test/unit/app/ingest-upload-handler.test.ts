import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildDepsFromEnv } from '../../../functions/ingest-upload/deps.ts';
import { createIngestHandler } from '../../../functions/ingest-upload/handler.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';
import {
  FixedClock,
  MemoryFactStore,
  MemoryMailLedger,
  MemoryObjectStore,
  MemoryUploadLedger,
  RecordingMailer,
} from './fakes/memory-ports.ts';

describe('ingest-upload handler', () => {
  it('turns an SQS batch of S3 events into ingested uploads and reports failures per message', async () => {
    const objects = new MemoryObjectStore();
    const facts = new MemoryFactStore();
    const body = readFileSync(join(import.meta.dirname, '../../fixtures/uploads/files/good-actuals-gbk.csv'));
    const key = 'incoming/actuals/华东/11月 销售.csv';
    const versionId = objects.upload('uploads', key, body);
    const s3 = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-11-23T01:00:00.000Z',
          s3: {
            bucket: { name: 'uploads' },
            object: {
              key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'),
              size: body.length,
              versionId,
              sequencer: '0A',
            },
          },
        },
      ],
    };
    const handler = createIngestHandler({
      config: uploadTestConfig,
      objects,
      facts,
      uploads: new MemoryUploadLedger(),
      mailer: new RecordingMailer(),
      mails: new MemoryMailLedger(),
      clock: new FixedClock(),
    });
    const event = {
      Records: [
        { messageId: 'a', body: JSON.stringify(s3) },
        { messageId: 'b', body: 'not json' },
      ],
    } as unknown as SQSEvent;
    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(facts.calls).toHaveLength(1);
    expect(facts.calls[0]!.source.key).toBe(key);
  });

  it('fails at cold start naming the missing environment variables', () => {
    expect(() => buildDepsFromEnv({})).toThrow(/TABLE_NAME.*UPLOADS_BUCKET|UPLOADS_BUCKET.*TABLE_NAME/);
  });
});
