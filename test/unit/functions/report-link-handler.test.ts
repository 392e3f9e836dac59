import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DisabledException,
  GenerateMacCommand,
  KMSClient,
  KMSInvalidMacException,
  KMSInvalidStateException,
  NotFoundException,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createReportLinkHandler } from '../../../functions/report-link/handler.ts';
import { KmsMacKey } from '../../../shared/adapters/kms-mac-key.ts';
import { S3ObjectStore } from '../../../shared/adapters/s3-object-store.ts';
import { encodeLinkPayload, linkToken, signedReportLinks } from '../../../shared/app/report-links.ts';
import type { ObjectStore } from '../../../shared/ports/index.ts';

const KEY_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/0b7c7b4e-0000-4000-8000-000000000001';
const BUCKET = 'plan-monitor-dev-archive-123456789012-ap-southeast-1';
const REPORT = 'reports/weekly-progress/2026-W47/all/每周进度偏差分析_2026-W47.r1.xlsx';
const BASE = 'https://abc123.lambda-url.ap-southeast-1.on.aws/';
const OPERATORS = 'ops@example.com';
const SIGNED_AT = new Date('2026-11-23T01:00:05Z');
const DAY = 24 * 3600;

// KMS, mocked with a real HMAC behind it: VerifyMac fails the way KMS does for a wrong MAC.
const SECRET = 'kms-held-secret';
const hmac = (message: Uint8Array) => new Uint8Array(createHmac('sha256', SECRET).update(message).digest());
const kmsMock = mockClient(KMSClient);
const kms = new KMSClient({
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});

// Presigning is local signing: a real S3 client with Lambda-like temporary credentials, no network.
const s3 = new S3Client({
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' },
});

function world(now: Date) {
  const presigned: string[] = [];
  const store = new S3ObjectStore({ s3, now: () => now });
  const objects: Pick<ObjectStore, 'presign'> = {
    presign: (bucket, key, seconds) => {
      presigned.push(key);
      return store.presign(bucket, key, seconds);
    },
  };
  const handle = createReportLinkHandler({
    key: new KmsMacKey({ kms, keyId: KEY_ARN }),
    objects,
    bucket: BUCKET,
    clock: { now: () => now },
    operators: OPERATORS,
  });
  return { handle, presigned };
}

function get(token: string | undefined, method = 'GET'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    rawPath: '/',
    rawQueryString: token === undefined ? '' : `t=${token}`,
    headers: {},
    ...(token === undefined ? {} : { queryStringParameters: { t: token } }),
    requestContext: { http: { method, path: '/' } },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

async function issue(key = REPORT, seconds = 30 * DAY): Promise<string> {
  const links = signedReportLinks({
    key: new KmsMacKey({ kms, keyId: KEY_ARN }),
    baseUrl: BASE,
    bucket: BUCKET,
    clock: { now: () => SIGNED_AT },
  });
  const { url } = await links.linkTo(BUCKET, key, seconds);
  return new URL(url).searchParams.get('t')!;
}

beforeEach(() => {
  kmsMock.reset();
  kmsMock.on(GenerateMacCommand).callsFake((input) => ({ Mac: hmac(input.Message), KeyId: KEY_ARN }));
  kmsMock.on(VerifyMacCommand).callsFake((input) => {
    const expected = hmac(input.Message);
    if (input.Mac.byteLength !== expected.byteLength || !timingSafeEqual(input.Mac, expected)) {
      throw new KMSInvalidMacException({ message: 'invalid MAC', $metadata: { httpStatusCode: 400 } });
    }
    return { MacValid: true, KeyId: KEY_ARN };
  });
});

describe('report-link handler', () => {
  it('answers a valid link with 302 to a fresh, few-minute presigned GET of that report', async () => {
    // Prepare
    const token = await issue();
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act
    const response = await handle(get(token));

    // Assess
    expect(response.statusCode).toBe(302);
    const location = new URL(String(response.headers?.location));
    expect(location.hostname).toBe(`${BUCKET}.s3.ap-southeast-1.amazonaws.com`);
    expect(decodeURIComponent(location.pathname)).toBe(`/${REPORT}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(location.searchParams.get('X-Amz-Date')).toBe('20261201T080000Z');
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(presigned).toEqual([REPORT]);
    const verify = kmsMock.commandCalls(VerifyMacCommand)[0]?.args[0].input;
    expect(verify).toMatchObject({ KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
  });

  it('gives every open its own download: a second open later signs again', async () => {
    // Prepare
    const token = await issue();

    // Act
    const first = await world(new Date('2026-12-01T08:00:00Z')).handle(get(token));
    const second = await world(new Date('2026-12-20T08:00:00Z')).handle(get(token));

    // Assess
    expect(first.headers?.location).not.toBe(second.headers?.location);
    expect(new URL(String(second.headers?.location)).searchParams.get('X-Amz-Date')).toBe('20261220T080000Z');
  });

  it('answers a tampered token with a 403 zh/en page naming the operators, and presigns nothing', async () => {
    // Prepare
    const [, mac] = (await issue()).split('.');
    const forged = `${encodeLinkPayload({ key: 'reports/other/2026-W47/all/x.r1.xlsx', expiresAtS: 2e9 })}.${mac}`;
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act
    const response = await handle(get(forged));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers?.['content-security-policy']).toContain("default-src 'none'");
    const body = String(response.body);
    expect(body).toContain('链接无效');
    expect(body).toContain('This link is not valid');
    expect(body).toContain(OPERATORS);
    expect(body).not.toContain('reports/other');
    expect(presigned).toEqual([]);
  });

  it('answers an expired link with a 410 page that says when it expired and which report it was', async () => {
    // Prepare
    const token = await issue(REPORT, 30 * DAY);
    const { handle, presigned } = world(new Date('2026-12-23T01:00:05Z'));

    // Act
    const response = await handle(get(token));

    // Assess
    expect(response.statusCode).toBe(410);
    const body = String(response.body);
    expect(body).toContain('链接已过期');
    expect(body).toContain('This link has expired');
    expect(body).toContain('2026-12-23 01:00 UTC');
    expect(body).toContain('每周进度偏差分析_2026-W47.r1.xlsx');
    expect(body).toContain(`mailto:${OPERATORS}`);
    expect(presigned).toEqual([]);
  });

  it('refuses a genuine token for a key outside reports/ with 403, and presigns nothing', async () => {
    // Prepare: a MAC made by the real key over a key the archive never serves
    const payload = encodeLinkPayload({ key: 'rejected/actuals.errors.xlsx', expiresAtS: 2e9 });
    const token = linkToken(payload, hmac(new TextEncoder().encode(payload)));
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act
    const response = await handle(get(token));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(String(response.body)).toContain('This link does not point to a report');
    expect(kmsMock.commandCalls(VerifyMacCommand)).toHaveLength(1);
    expect(presigned).toEqual([]);
  });

  it('answers a missing or cut-short token with 403 without asking KMS', async () => {
    // Prepare
    const token = await issue();
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act
    const missing = await handle(get(undefined));
    const cut = await handle(get(token.slice(0, 60)));

    // Assess
    expect(missing.statusCode).toBe(403);
    expect(cut.statusCode).toBe(403);
    expect(kmsMock.commandCalls(VerifyMacCommand)).toHaveLength(0);
    expect(presigned).toEqual([]);
  });

  it('answers anything but GET with 405', async () => {
    // Prepare
    const token = await issue();
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act
    const response = await handle(get(token, 'POST'));

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET');
    expect(presigned).toEqual([]);
  });

  it('lets a KMS outage fail the invocation (the error alarm) instead of calling the link forged', async () => {
    // Prepare
    const token = await issue();
    kmsMock
      .on(VerifyMacCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

    // Act / Assess
    await expect(handle(get(token))).rejects.toThrow(/Rate exceeded/);
    expect(presigned).toEqual([]);
  });

  it.each([
    [
      'disabled',
      () => new DisabledException({ message: 'key is disabled', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'pending deletion',
      () =>
        new KMSInvalidStateException({
          message: 'key is pending deletion',
          $metadata: { httpStatusCode: 400 },
        }),
    ],
    [
      'deleted',
      () => new NotFoundException({ message: 'key does not exist', $metadata: { httpStatusCode: 400 } }),
    ],
  ])(
    'answers a link whose key is %s with the 403 "no longer works" page, not a 500',
    async (_state, error) => {
      // Prepare
      const token = await issue();
      kmsMock.on(VerifyMacCommand).rejects(error());
      const { handle, presigned } = world(new Date('2026-12-01T08:00:00Z'));

      // Act
      const response = await handle(get(token));

      // Assess
      expect(response.statusCode).toBe(403);
      const body = String(response.body);
      expect(body).toContain('链接已失效');
      expect(body).toContain('This link no longer works');
      expect(body).toContain(OPERATORS);
      expect(presigned).toEqual([]);
    },
  );
});
