import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
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

  it('maps S3 412 PreconditionFailed on an ifNoneMatch put to ObjectExistsError', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    const store = new S3ObjectStore({ s3, headBeforeConditionalPut: false });

    // Act
    const result = store.put('archive', 'reports/a.xlsx', new Uint8Array([1]), { ifNoneMatch: true });

    // Assess
    await expect(result).rejects.toBeInstanceOf(ObjectExistsError);
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBe('*');
  });

  it('refuses before writing when the HeadObject check finds the key (emulators ignore If-None-Match)', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves({});
    const store = new S3ObjectStore({ s3 });

    // Act
    const result = store.put('archive', 'reports/a.xlsx', new Uint8Array([1]), { ifNoneMatch: true });

    // Assess
    await expect(result).rejects.toBeInstanceOf(ObjectExistsError);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
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
