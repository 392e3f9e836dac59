/**
 * {@link ObjectStore} over S3.
 */
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ObjectExistsError, type ObjectStore, type StoredObject } from '../ports/index.ts';

/** SigV4 query signatures are valid for at most 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;
/**
 * The most a presigned URL may claim when its temporary credentials do not say when they
 * expire: 15 minutes, the shortest session STS issues. Even that is not guaranteed (the
 * session may be older), which is why emailed links do not rely on presigning in AWS.
 */
export const UNKNOWN_EXPIRY_PRESIGN_SECONDS = 900;

export interface S3ObjectStoreOptions {
  readonly s3: S3Client;
  /**
   * Also HeadObject before an `ifNoneMatch` put. Needed for emulators that ignore the
   * `If-None-Match` header on PUT (s3rver does): the check-then-put leaves a small race there,
   * which real S3 closes with its atomic conditional write. Default true.
   */
  readonly headBeforeConditionalPut?: boolean;
  readonly now?: () => Date;
}

export class S3ObjectStore implements ObjectStore {
  private readonly s3: S3Client;
  private readonly headFirst: boolean;
  private readonly now: () => Date;

  constructor(options: S3ObjectStoreOptions) {
    this.s3 = options.s3;
    this.headFirst = options.headBeforeConditionalPut ?? true;
    this.now = options.now ?? (() => new Date());
  }

  async get(bucket: string, key: string, versionId?: string | null): Promise<StoredObject> {
    const out = await this.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
    const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    return {
      body,
      metadata: { ...(out.Metadata ?? {}) },
      versionId: out.VersionId ?? null,
      lastModified: out.LastModified ? out.LastModified.toISOString() : null,
      contentType: out.ContentType ?? null,
    };
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean } = {},
  ): Promise<void> {
    if (options.ifNoneMatch && this.headFirst && (await this.exists(bucket, key))) {
      throw new ObjectExistsError(key);
    }
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ...(options.contentType ? { ContentType: options.contentType } : {}),
          ...(options.metadata ? { Metadata: options.metadata } : {}),
          ...(options.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (err) {
      if (options.ifNoneMatch && isPreconditionFailure(err)) throw new ObjectExistsError(key);
      throw err;
    }
  }

  async tag(
    bucket: string,
    key: string,
    versionId: string | null,
    tags: Record<string, string>,
  ): Promise<void> {
    await this.s3.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
  }

  async copy(bucket: string, fromKey: string, toKey: string): Promise<void> {
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: toKey,
        // CopySource is a URL path: each key segment percent-encoded, slashes kept.
        CopySource: `${bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
  }

  /**
   * A presigned GET whose `expiresAt` is never later than it is known to work. A URL signed
   * with temporary credentials stops working when they expire, whatever `X-Amz-Expires` says,
   * so the lifetime is cut to what the credentials are known to have left:
   *
   * - static credentials (no session token; the local emulators): the requested lifetime, at
   *   most the 7 days SigV4 allows;
   * - temporary credentials that state their expiration (SSO, assumed roles through the SDK's
   *   providers): at most until then;
   * - temporary credentials that do not (a Lambda function's, read from environment variables):
   *   at most {@link UNKNOWN_EXPIRY_PRESIGN_SECONDS}, since nothing says how long they live.
   *
   * So this is for short downloads (the report-link function presigns 5-minute ones) and local
   * runs; an emailed link in AWS goes through the ReportLinks port, whose expiry is its own.
   */
  async presign(bucket: string, key: string, seconds: number): Promise<{ url: string; expiresAt: string }> {
    const signedAt = this.now();
    let expiresIn = Math.max(1, Math.min(Math.floor(seconds), MAX_PRESIGN_SECONDS));
    const credentials = (await this.s3.config.credentials()) as { sessionToken?: string; expiration?: Date };
    if (credentials.expiration instanceof Date) {
      const left = Math.floor((credentials.expiration.getTime() - signedAt.getTime()) / 1000);
      expiresIn = Math.max(1, Math.min(expiresIn, left));
    } else if (credentials.sessionToken) {
      expiresIn = Math.min(expiresIn, UNKNOWN_EXPIRY_PRESIGN_SECONDS);
    }
    const url = await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn,
      signingDate: signedAt,
    });
    return { url, expiresAt: new Date(signedAt.getTime() + expiresIn * 1000).toISOString() };
  }

  private async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404)
        return false;
      throw err;
    }
  }
}

function isPreconditionFailure(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  // 412 when the key exists; 409 ConditionalRequestConflict when a concurrent write races it.
  return (
    e?.name === 'PreconditionFailed' ||
    e?.name === 'ConditionalRequestConflict' ||
    e?.$metadata?.httpStatusCode === 412 ||
    e?.$metadata?.httpStatusCode === 409
  );
}
