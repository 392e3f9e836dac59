import { beforeEach, describe, expect, it } from 'vitest';
import { copyToFiled, filedUploadKey, MAX_MOVE_BYTES } from '../../../shared/app/file-upload.ts';
import { ingestUpload, type UploadedObject } from '../../../shared/app/ingest-upload.ts';
import { uploadFixture as fixture, ingestWorld } from './fakes/ingest-world.ts';

const BUCKET = 'plan-uploads';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let world: ReturnType<typeof ingestWorld>;
beforeEach(() => {
  world = ingestWorld();
});

function upload(key: string, body: Uint8Array, sequencer: string): UploadedObject {
  return {
    bucket: BUCKET,
    key,
    versionId: world.objects.upload(BUCKET, key, body, { 'uploader-email': 'ana@example.com' }),
    sequencer,
    eventTime: '2026-11-23T01:00:00.000Z',
    size: body.byteLength,
  };
}

describe('filedUploadKey', () => {
  it('files accepted uploads under processed/<kind>/ and rejected ones beside their error workbook', () => {
    expect(filedUploadKey('incoming/actuals/运营 团队/11月.csv', 'accepted')).toBe(
      'processed/actuals/运营 团队/11月.csv',
    );
    expect(filedUploadKey('incoming/targets/t.csv', 'rejected')).toBe('rejected/incoming/targets/t.csv');
  });

  it('refuses a key outside incoming/', () => {
    expect(() => filedUploadKey('processed/actuals/a.csv', 'accepted')).toThrow(/not an incoming upload key/);
  });
});

describe('ingestUpload filing the original away', () => {
  it('moves exactly the ingested version: a newer upload of the same key stays in incoming/', async () => {
    // Prepare
    const first = upload('incoming/actuals/a.csv', fixture('good-actuals-utf8.csv'), '01');
    const newer = fixture('good-actuals-semicolon.csv');
    world.objects.upload(BUCKET, 'incoming/actuals/a.csv', newer);

    // Act
    await ingestUpload(world.deps, first);

    // Assess
    const filed = await world.objects.get(BUCKET, 'processed/actuals/a.csv');
    expect(text(filed.body)).toBe(text(fixture('good-actuals-utf8.csv')));
    expect(filed.metadata).toEqual({ 'uploader-email': 'ana@example.com' });
    expect(text((await world.objects.get(BUCKET, 'incoming/actuals/a.csv')).body)).toBe(text(newer));
    expect(() => world.objects.tagsOf(BUCKET, 'incoming/actuals/a.csv', first.versionId)).toThrow(
      /NoSuchKey/,
    );
  });

  it('is a no-op when the same version is delivered again after the move', async () => {
    // Prepare
    const object = upload('incoming/actuals/a.csv', fixture('good-actuals-utf8.csv'), '01');
    await ingestUpload(world.deps, object);

    // Act
    const replay = await ingestUpload(world.deps, object);

    // Assess
    expect(replay).toMatchObject({ status: 'replay' });
    expect(world.objects.keys()).toEqual([`${BUCKET}/processed/actuals/a.csv`]);
  });

  it('leaves the upload unfinished when the copy fails, and finishes it on the retry after the lease', async () => {
    // Prepare
    const object = upload('incoming/targets/t.csv', fixture('good-targets.csv'), '01');
    const copy = world.objects.copyVersion.bind(world.objects);
    let failures = 1;
    world.objects.copyVersion = async (...args: Parameters<typeof copy>) => {
      if (failures-- > 0) throw new Error('S3 is unavailable (simulated)');
      return copy(...args);
    };

    // Act
    const first = ingestUpload(world.deps, object);
    await expect(first).rejects.toThrow('S3 is unavailable');
    world.clock.current = new Date(world.clock.current.getTime() + 16 * 60 * 1000);
    const retry = await ingestUpload(world.deps, object);

    // Assess
    expect(retry).toMatchObject({ status: 'accepted' });
    expect(world.objects.has(BUCKET, 'incoming/targets/t.csv')).toBe(false);
    expect(world.objects.tagsOf(BUCKET, 'processed/targets/t.csv')).toEqual({
      'plan-monitor-status': 'processed',
    });
    expect(world.uploads.history.at(-1)).toMatchObject({ status: 'accepted' });
  });

  it('keeps the original readable until the ledger has the outcome: a failed finish is retried from the same bytes', async () => {
    // Prepare
    const object = upload('incoming/targets/t.csv', fixture('good-targets.csv'), '01');
    const finish = world.uploads.finish.bind(world.uploads);
    let failures = 1;
    world.uploads.finish = async (...args: Parameters<typeof finish>) => {
      if (failures-- > 0) throw new Error('DynamoDB is unavailable (simulated)');
      return finish(...args);
    };

    // Act
    await expect(ingestUpload(world.deps, object)).rejects.toThrow('DynamoDB is unavailable');
    const stillThere = world.objects.has(BUCKET, 'incoming/targets/t.csv');
    world.clock.current = new Date(world.clock.current.getTime() + 16 * 60 * 1000);
    const retry = await ingestUpload(world.deps, object);

    // Assess
    expect(stillThere).toBe(true);
    expect(retry).toMatchObject({ status: 'accepted' });
    expect(world.objects.has(BUCKET, 'incoming/targets/t.csv')).toBe(false);
  });

  it('deletes the original on the replay when the first delivery stopped after the ledger had the outcome', async () => {
    // Prepare
    const object = upload('incoming/actuals/a.csv', fixture('good-actuals-utf8.csv'), '01');
    const remove = world.objects.deleteVersion.bind(world.objects);
    let failures = 1;
    world.objects.deleteVersion = async (...args: Parameters<typeof remove>) => {
      if (failures-- > 0) throw new Error('killed before the delete (simulated)');
      return remove(...args);
    };
    await expect(ingestUpload(world.deps, object)).rejects.toThrow('killed before the delete');
    const leftOver = world.objects.has(BUCKET, 'incoming/actuals/a.csv');

    // Act
    const replay = await ingestUpload(world.deps, object);

    // Assess
    expect(leftOver).toBe(true);
    expect(replay).toMatchObject({ status: 'replay' });
    expect(world.objects.keys()).toEqual([`${BUCKET}/processed/actuals/a.csv`]);
  });

  it('leaves an object too large for one copy in incoming/ and says so', async () => {
    // Prepare
    const warnings: string[] = [];
    const object = {
      bucket: BUCKET,
      key: 'incoming/actuals/huge.csv',
      versionId: 'v9',
      size: MAX_MOVE_BYTES + 1,
    };

    // Act
    await copyToFiled(
      { objects: world.objects, logger: { warn: (message: string) => warnings.push(message) } },
      object,
      'rejected',
    );

    // Assess
    expect(world.objects.keys()).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/too large to move out of incoming\//)]);
  });
});
