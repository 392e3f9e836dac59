import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_PRESIGN_SECONDS,
  S3ObjectStore,
  UNKNOWN_EXPIRY_PRESIGN_SECONDS,
} from '../../../shared/adapters/s3-object-store.ts';
import { ObjectExistsError } from '../../../shared/ports/index.ts';

const NOW = new Date('2026-11-23T01:00:00.000Z');

function s3With(credentials: { expiration?: Date }) {
  return new S3Client({
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      ...credentials,
    },
  });
}

describe('S3ObjectStore.presign', () => {
  it('states the credentials expiry when temporary credentials die before the requested lifetime', async () => {
    // Prepare
    const expiration = new Date(NOW.getTime() + 45 * 60 * 1000);
    const store = new S3ObjectStore({ s3: s3With({ expiration }), now: () => NOW });

    // Act
    const { url, expiresAt } = await store.presign(
      'archive',
      'reports/weekly/2026-W47/all/r.xlsx',
      7 * 24 * 3600,
    );

    // Assess
    expect(expiresAt).toBe(expiration.toISOString());
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe('token');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe(String(45 * 60));
  });

  it('states the requested lifetime when the credentials outlive it', async () => {
    // Prepare
    const store = new S3ObjectStore({
      s3: s3With({ expiration: new Date(NOW.getTime() + 6 * 3600 * 1000) }),
      now: () => NOW,
    });

    // Act
    const { url, expiresAt } = await store.presign('archive', 'k.xlsx', 3600);

    // Assess
    expect(expiresAt).toBe('2026-11-23T02:00:00.000Z');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('caps the lifetime of static credentials (the emulators) at the 7 days SigV4 allows', async () => {
    // Prepare
    const s3 = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const store = new S3ObjectStore({ s3, now: () => NOW });

    // Act
    const { url, expiresAt } = await store.presign('archive', 'k.xlsx', 30 * 24 * 3600);

    // Assess
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe(String(MAX_PRESIGN_SECONDS));
    expect(expiresAt).toBe(new Date(NOW.getTime() + MAX_PRESIGN_SECONDS * 1000).toISOString());
  });

  it('claims no more than 15 minutes for temporary credentials that do not say when they expire (Lambda’s)', async () => {
    // Prepare: a session token and no expiration, as Lambda's environment-variable credentials
    const store = new S3ObjectStore({ s3: s3With({}), now: () => NOW });

    // Act
    const { url, expiresAt } = await store.presign('archive', 'k.xlsx', 7 * 24 * 3600);

    // Assess
    expect(UNKNOWN_EXPIRY_PRESIGN_SECONDS).toBe(900);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(expiresAt).toBe('2026-11-23T01:15:00.000Z');
  });

  it('keeps a short download (the report-link function’s 5 minutes) as asked', async () => {
    // Prepare
    const store = new S3ObjectStore({ s3: s3With({}), now: () => NOW });

    // Act
    const { url, expiresAt } = await store.presign('archive', 'reports/a/b/c/x.xlsx', 300);

    // Assess
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(expiresAt).toBe('2026-11-23T01:05:00.000Z');
  });
});

describe('S3ObjectStore.put', () => {
  const s3Mock = mockClient(S3Client);
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  beforeEach(() => {
    s3Mock.reset();
  });

  it.each([
    ['412 PreconditionFailed (the key exists)', 'PreconditionFailed', 412],
    [
      '409 ConditionalRequestConflict (another write of the key is in flight)',
      'ConditionalRequestConflict',
      409,
    ],
  ])('maps S3 %s on an ifNoneMatch put to ObjectExistsError', async (_what, name, status) => {
    // Prepare
    s3Mock
      .on(PutObjectCommand)
      .rejects(new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status } }));
    const store = new S3ObjectStore({ s3 });

    // Act
    const result = store.put('archive', 'reports/a.xlsx', new Uint8Array([1]), { ifNoneMatch: true });

    // Assess
    await expect(result).rejects.toBeInstanceOf(ObjectExistsError);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBe('*');
  });

  it('asks S3 alone whether the key exists: no HeadObject, which answers 403 without s3:ListBucket', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock
      .on(HeadObjectCommand)
      .rejects(
        new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
      );
    const store = new S3ObjectStore({ s3 });

    // Act
    await store.put('archive', 'reports/new.xlsx', new Uint8Array([1]), { ifNoneMatch: true });

    // Assess
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('passes on a 409 that is not about the key (OperationAborted)', async () => {
    // Prepare
    const aborted = new S3ServiceException({
      name: 'OperationAborted',
      $fault: 'client',
      $metadata: { httpStatusCode: 409 },
    });
    s3Mock.on(PutObjectCommand).rejects(aborted);
    const store = new S3ObjectStore({ s3 });

    // Act
    const result = store.put('archive', 'reports/a.xlsx', new Uint8Array([1]), { ifNoneMatch: true });

    // Assess
    await expect(result).rejects.toBe(aborted);
  });

  it('writes without a condition when ifNoneMatch is not asked for', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore({ s3 });

    // Act
    await store.put('uploads', 'rejected/a.errors.xlsx', new Uint8Array([1]), {
      contentType: 'application/x',
    });

    // Assess
    const input = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input?.IfNoneMatch).toBeUndefined();
    expect(input?.ContentType).toBe('application/x');
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('S3ObjectStore.move', () => {
  const s3Mock = mockClient(S3Client);
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(CopyObjectCommand).resolves({});
    s3Mock.on(DeleteObjectCommand).resolves({});
  });

  it('copies exactly that version (URL-encoded key and version id), replacing its tags, then deletes that version', async () => {
    // Prepare
    const store = new S3ObjectStore({ s3 });
    const versionId = 'a+b/c=';

    // Act
    await store.copyVersion(
      'uploads',
      'incoming/actuals/运营 团队/11月.csv',
      versionId,
      'processed/actuals/运营 团队/11月.csv',
      {
        'plan-monitor-status': 'processed',
      },
    );
    await store.deleteVersion('uploads', 'incoming/actuals/运营 团队/11月.csv', versionId);

    // Assess
    expect(s3Mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'CopyObjectCommand',
      'DeleteObjectCommand',
    ]);
    expect(s3Mock.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads',
      Key: 'processed/actuals/运营 团队/11月.csv',
      CopySource:
        'uploads/incoming/actuals/%E8%BF%90%E8%90%A5%20%E5%9B%A2%E9%98%9F/11%E6%9C%88.csv?versionId=a%2Bb%2Fc%3D',
      MetadataDirective: 'COPY',
      TaggingDirective: 'REPLACE',
      Tagging: 'plan-monitor-status=processed',
    });
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads',
      Key: 'incoming/actuals/运营 团队/11月.csv',
      VersionId: versionId,
    });
  });

  it('passes a failed copy on as it is (the use case then deletes nothing)', async () => {
    // Prepare
    s3Mock
      .on(CopyObjectCommand)
      .rejects(
        new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
      );
    const store = new S3ObjectStore({ s3 });

    // Act
    const result = store.copyVersion(
      'uploads',
      'incoming/actuals/a.csv',
      'v1',
      'processed/actuals/a.csv',
      {},
    );

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'SlowDown' });
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('moves the current object of an unversioned bucket (no version id anywhere)', async () => {
    // Prepare
    const store = new S3ObjectStore({ s3 });

    // Act
    await store.copyVersion('uploads', 'incoming/targets/t.csv', null, 'processed/targets/t.csv', {});
    await store.deleteVersion('uploads', 'incoming/targets/t.csv', null);

    // Assess
    expect(s3Mock.commandCalls(CopyObjectCommand)[0]?.args[0].input.CopySource).toBe(
      'uploads/incoming/targets/t.csv',
    );
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'uploads',
      Key: 'incoming/targets/t.csv',
    });
  });
});

describe('S3ObjectStore.open', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());

  function body(parts: readonly string[]) {
    // What the SDK hands back in Node: an http.IncomingMessage, a Readable of Buffers.
    return Readable.from(parts.map((p) => Buffer.from(p))) as never;
  }

  it('yields the body chunk by chunk and pins a second pass to the version the first read', async () => {
    // Prepare
    s3.on(GetObjectCommand)
      .resolvesOnce({
        Body: body(['date,kpi\n', '2028-01-05,gmv\n']),
        VersionId: 'v7',
        ETag: '"e1"',
        ContentLength: 24,
        Metadata: { 'uploader-email': 'a@example.com' },
      })
      .resolvesOnce({ Body: body(['date,kpi\n2028-01-05,gmv\n']), VersionId: 'v7' });
    const store = new S3ObjectStore({ s3: new S3Client({ region: 'us-east-1' }) });

    // Act
    const stream = await store.open('uploads', 'incoming/actuals/a.csv', null);
    const first: string[] = [];
    for await (const chunk of stream.chunks()) first.push(Buffer.from(chunk).toString());
    const second: string[] = [];
    for await (const chunk of stream.chunks()) second.push(Buffer.from(chunk).toString());

    // Assess
    expect(first).toEqual(['date,kpi\n', '2028-01-05,gmv\n']);
    expect(second.join('')).toBe(first.join(''));
    expect(stream).toMatchObject({
      versionId: 'v7',
      size: 24,
      metadata: { 'uploader-email': 'a@example.com' },
    });
    const calls = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Bucket: 'uploads', Key: 'incoming/actuals/a.csv' },
      { Bucket: 'uploads', Key: 'incoming/actuals/a.csv', VersionId: 'v7' },
    ]);
  });

  it('pins a further pass over an unversioned bucket to the ETag it read', async () => {
    // Prepare
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: body(['x']), ETag: '"e1"' })
      .resolvesOnce({ Body: body(['x']), ETag: '"e1"' });
    const store = new S3ObjectStore({ s3: new S3Client({ region: 'us-east-1' }) });

    // Act
    const stream = await store.open('uploads', 'k.csv');
    for await (const _ of stream.chunks()) {
      // first pass
    }
    for await (const _ of stream.chunks()) {
      // second pass
    }

    // Assess
    expect(s3.commandCalls(GetObjectCommand)[1]!.args[0].input).toEqual({
      Bucket: 'uploads',
      Key: 'k.csv',
      IfMatch: '"e1"',
    });
  });
});
