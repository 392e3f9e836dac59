/**
 * The ingest use case reads an accepted CSV as a stream (never the whole body), hashes it
 * during that pass, and reads the body whole only to build a rejection's workbook.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type IngestDeps, ingestUpload } from '../../../shared/app/ingest-upload.ts';
import { ingestWorld } from './fakes/ingest-world.ts';
import type { MemoryFactStore, MemoryObjectStore, MemoryUploadLedger } from './fakes/memory-ports.ts';

const BUCKET = 'plan-uploads';
const HEADER = 'date,kpi,value,channel\n';

let objects: MemoryObjectStore;
let facts: MemoryFactStore;
let uploads: MemoryUploadLedger;
let deps: IngestDeps;

beforeEach(() => {
  ({ objects, facts, uploads, deps } = ingestWorld());
  objects.chunkBytes = 500;
});

function upload(key: string, text: string) {
  const body = new TextEncoder().encode(text);
  const versionId = objects.upload(BUCKET, key, body, { 'uploader-email': 'ana@example.com' });
  return {
    object: {
      bucket: BUCKET,
      key,
      versionId,
      sequencer: '0062E99A88DC407460',
      eventTime: '2026-11-23T01:00:00.000Z',
      size: body.byteLength,
    },
    sha256: createHash('sha256').update(body).digest('hex'),
  };
}

/** `days` daily rows of gmv on tmall from 2026-01-01. */
function rows(days: number): string {
  let text = '';
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
    text += `${date},gmv,${d + 1},tmall\n`;
  }
  return text;
}

describe('ingestUpload reading a stream', () => {
  it('accepts a CSV of many chunks without reading the object whole, with the checksum of all of it', async () => {
    const { object, sha256 } = upload('incoming/actuals/year.csv', HEADER + rows(300));
    const get = vi.spyOn(objects, 'get');
    const open = vi.spyOn(objects, 'open');

    const outcome = await ingestUpload(deps, object);

    expect(outcome).toMatchObject({ status: 'accepted', rows: 300, written: 300 });
    expect(object.size).toBeGreaterThan(10 * objects.chunkBytes);
    expect(open).toHaveBeenCalledWith(BUCKET, object.key, object.versionId);
    expect(get).not.toHaveBeenCalledWith(BUCKET, object.key, expect.anything());
    expect(uploads.history[0]).toMatchObject({
      status: 'accepted',
      checksum: sha256,
      uploadedBy: 'ana@example.com',
    });
  });

  it('rejects a file whose error is in its last chunk with the checksum of the whole file', async () => {
    const { object, sha256 } = upload(
      'incoming/actuals/bad.csv',
      `${HEADER}${rows(200)}2026-12-31,nope,1,tmall\n`,
    );

    const outcome = await ingestUpload(deps, object);

    expect(outcome).toMatchObject({ status: 'rejected', rows: 201, errors: 1 });
    expect(facts.calls).toEqual([]);
    expect(uploads.history[0]).toMatchObject({ status: 'rejected', checksum: sha256 });
  });

  it('rejects a file that stops being readable half-way with the checksum of the whole file', async () => {
    // An unclosed quote ends the parse before the last chunk is read.
    const { object, sha256 } = upload(
      'incoming/actuals/quote.csv',
      `${HEADER}2026-01-01,gmv,"1,tmall\n${rows(200)}`,
    );

    const outcome = await ingestUpload(deps, object);

    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(uploads.history[0]).toMatchObject({ status: 'rejected', checksum: sha256 });
  });
});
