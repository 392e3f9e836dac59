/**
 * {@link ObjectStore} over S3.
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ObjectExistsError, type ObjectStore, type ObjectStream, type StoredObject } from '../ports/index.ts';

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
  readonly now?: () => Date;
}

/**
 * No call here reads an object that may be missing: S3 answers a GET or HEAD of a missing key
 * with 403 AccessDenied (not 404) to a caller without `s3:ListBucket`, which no function has,
 * so "is it there?" cannot be asked cheaply — the conditional put asks S3 to decide instead.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly s3: S3Client;
  private readonly now: () => Date;

  constructor(options: S3ObjectStoreOptions) {
    this.s3 = options.s3;
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

  /**
   * A GetObject whose body is read as it arrives. A further pass is another GetObject pinned
   * to what the first one read: its version id, or (unversioned bucket) its ETag through
   * `If-Match`, so a newer upload of the same key fails the pass instead of mixing in.
   */
  async open(bucket: string, key: string, versionId?: string | null): Promise<ObjectStream> {
    const request = (pin: { VersionId?: string; IfMatch?: string }) =>
      this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...pin }));
    const first = await request(versionId ? { VersionId: versionId } : {});
    const pin = first.VersionId
      ? { VersionId: first.VersionId }
      : first.ETag
        ? { IfMatch: first.ETag }
        : versionId
          ? { VersionId: versionId }
          : {};
    let unread: typeof first | null = first;
    return {
      metadata: { ...(first.Metadata ?? {}) },
      versionId: first.VersionId ?? null,
      size: first.ContentLength ?? null,
      chunks: () => ({
        async *[Symbol.asyncIterator]() {
          const out = unread ?? (await request(pin));
          unread = null;
          if (!out.Body) return;
          // In Node the body is an http.IncomingMessage (a Readable): async-iterable as Buffers.
          for await (const chunk of out.Body as AsyncIterable<Uint8Array>) yield chunk;
        },
      }),
    };
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: { contentType?: string; metadata?: Record<string, string>; ifNoneMatch?: boolean } = {},
  ): Promise<void> {
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

  /**
   * CopyObject of exactly `versionId` (metadata and content type kept, tags replaced). Without
   * a version id (an unversioned bucket: s3rver) the current object is copied. A single
   * CopyObject takes up to 5 GB, far above `ingest.maxFileBytes`.
   */
  async copyVersion(
    bucket: string,
    key: string,
    versionId: string | null,
    toKey: string,
    tags: Record<string, string>,
  ): Promise<void> {
    // CopySource is a URL path: each key segment percent-encoded, slashes kept.
    const source = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: toKey,
        CopySource: versionId ? `${source}?versionId=${encodeURIComponent(versionId)}` : source,
        MetadataDirective: 'COPY',
        TaggingDirective: 'REPLACE',
        Tagging: new URLSearchParams(tags).toString(),
      }),
    );
  }

  /**
   * DeleteObject of that version alone (s3:DeleteObjectVersion): removed for good, no delete
   * marker, and a newer version stays. S3 answers 204 for a version that is already gone.
   */
  async deleteVersion(bucket: string, key: string, versionId: string | null): Promise<void> {
    await this.s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
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
}

/**
 * S3's answers to `If-None-Match: *` that mean "someone else has this key": 412
 * PreconditionFailed when the key exists, 409 ConditionalRequestConflict when another write of
 * the same key is in flight (S3 suggests retrying; here a second writer of a write-once key
 * is itself the conflict). Other 409s (OperationAborted, …) are not about the key.
 */
function isPreconditionFailure(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === 'PreconditionFailed' ||
    e?.name === 'ConditionalRequestConflict' ||
    e?.$metadata?.httpStatusCode === 412
  );
}
