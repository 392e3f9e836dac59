import { createHmac, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOWNLOAD_SECONDS,
  encodeLinkPayload,
  isLinkExpired,
  isReportKey,
  linkToken,
  openReportLink,
  parseLinkToken,
  signedReportLinks,
} from '../../../shared/app/report-links.ts';
import { type MacKey, MacKeyUnusableError, type ObjectStore } from '../../../shared/ports/index.ts';

const BUCKET = 'archive-bucket';
const KEY = 'reports/weekly-progress/2026-W47/all/每周进度偏差分析_2026-W47.r1.xlsx';
const BASE = 'https://abc123.lambda-url.ap-southeast-1.on.aws/';
const SIGNED_AT = new Date('2026-11-23T01:00:05Z');
const DAY = 24 * 3600;

/** An HMAC key in memory, counting calls: KMS stands behind the same port in AWS. */
function memoryKey(secret = 'test-secret') {
  const calls = { mac: 0, verify: 0 };
  const sign = (message: Uint8Array) => new Uint8Array(createHmac('sha256', secret).update(message).digest());
  const key: MacKey = {
    async mac(message) {
      calls.mac++;
      return sign(message);
    },
    async verify(message, mac) {
      calls.verify++;
      const expected = sign(message);
      return mac.byteLength === expected.byteLength && timingSafeEqual(mac, expected);
    },
  };
  return { key, calls, sign };
}

/** A presigner that records what it was asked for. */
function recordingObjects() {
  const presigned: { bucket: string; key: string; seconds: number }[] = [];
  const objects: Pick<ObjectStore, 'presign'> = {
    async presign(bucket, key, seconds) {
      presigned.push({ bucket, key, seconds });
      return {
        url: `https://${bucket}.s3.example/${key}?X-Amz-Expires=${seconds}`,
        expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
      };
    },
  };
  return { objects, presigned };
}

const clockAt = (iso: string | Date) => ({ now: () => new Date(iso) });

async function issue(seconds = 30 * DAY, secret?: string) {
  const mac = memoryKey(secret);
  const links = signedReportLinks({ key: mac.key, baseUrl: BASE, bucket: BUCKET, clock: clockAt(SIGNED_AT) });
  const link = await links.linkTo(BUCKET, KEY, seconds);
  const token = new URL(link.url).searchParams.get('t') ?? '';
  return { ...mac, link, token };
}

describe('signedReportLinks', () => {
  it('links to the function URL with a token naming the key and an expiry, and states that expiry', async () => {
    // Prepare / Act
    const { link, token, calls } = await issue(30 * DAY);

    // Assess
    expect(link.url.startsWith(`${BASE}?t=`)).toBe(true);
    expect(link.expiresAt).toBe('2026-12-23T01:00:05.000Z');
    expect(parseLinkToken(token)?.claims).toEqual({
      key: KEY,
      expiresAtS: Date.parse('2026-12-23T01:00:05Z') / 1000,
    });
    expect(calls.mac).toBe(1);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses to link another bucket or anything outside reports/', async () => {
    // Prepare
    const { key } = memoryKey();
    const links = signedReportLinks({ key, baseUrl: BASE, bucket: BUCKET, clock: clockAt(SIGNED_AT) });

    // Act / Assess
    await expect(links.linkTo('uploads-bucket', KEY, DAY)).rejects.toThrow(
      /archive bucket archive-bucket only/,
    );
    await expect(links.linkTo(BUCKET, 'rejected/a.errors.xlsx', DAY)).rejects.toThrow(
      /not an archived report/,
    );
    await expect(links.linkTo(BUCKET, KEY, 0)).rejects.toThrow(/lifetime/);
  });

  it('fails at once on a base URL that is not one', () => {
    expect(() =>
      signedReportLinks({
        key: memoryKey().key,
        baseUrl: 'not a url',
        bucket: BUCKET,
        clock: clockAt(SIGNED_AT),
      }),
    ).toThrow();
  });
});

describe('openReportLink', () => {
  it('gives a fresh few-minute download of the named report while the token is valid', async () => {
    // Prepare
    const { key, token } = await issue();
    const { objects, presigned } = recordingObjects();

    // Act
    const outcome = await openReportLink(
      { key, objects, bucket: BUCKET, clock: clockAt('2026-12-23T01:00:04Z') },
      token,
    );

    // Assess
    expect(outcome).toMatchObject({ kind: 'download', key: KEY });
    expect(presigned).toEqual([{ bucket: BUCKET, key: KEY, seconds: DOWNLOAD_SECONDS }]);
    expect(DOWNLOAD_SECONDS).toBeLessThanOrEqual(600);
  });

  it('says expired from the expiry instant on, with the expiry, and presigns nothing', async () => {
    // Prepare
    const { key, token } = await issue(30 * DAY);
    const { objects, presigned } = recordingObjects();

    // Act
    const outcome = await openReportLink(
      { key, objects, bucket: BUCKET, clock: clockAt('2026-12-23T01:00:05Z') },
      token,
    );

    // Assess
    expect(outcome).toEqual({ kind: 'expired', key: KEY, expiredAt: '2026-12-23T01:00:05.000Z' });
    expect(presigned).toEqual([]);
  });

  it('rejects a token whose payload was changed (another key, a later expiry) and presigns nothing', async () => {
    // Prepare
    const { key, token } = await issue();
    const [, mac] = token.split('.');
    const { objects, presigned } = recordingObjects();
    const deps = { key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) };
    const otherKey = `${encodeLinkPayload({ key: 'reports/other/2026-W47/all/x.r1.xlsx', expiresAtS: 2e9 })}.${mac}`;
    const later = `${encodeLinkPayload({ key: KEY, expiresAtS: 4e9 })}.${mac}`;

    // Act / Assess
    expect(await openReportLink(deps, otherKey)).toEqual({ kind: 'invalid' });
    expect(await openReportLink(deps, later)).toEqual({ kind: 'invalid' });
    expect(presigned).toEqual([]);
  });

  it('rejects a token signed with another key', async () => {
    // Prepare
    const { token } = await issue(30 * DAY, 'attacker-secret');
    const { key } = memoryKey();
    const { objects, presigned } = recordingObjects();

    // Act
    const outcome = await openReportLink({ key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) }, token);

    // Assess
    expect(outcome).toEqual({ kind: 'invalid' });
    expect(presigned).toEqual([]);
  });

  it('says revoked when the key can no longer verify (disabled, deleted), and presigns nothing', async () => {
    // Prepare
    const { token } = await issue();
    const key: MacKey = {
      mac: async () => new Uint8Array(32),
      verify: async () => {
        throw new MacKeyUnusableError('alias/links', 'DisabledException');
      },
    };
    const { objects, presigned } = recordingObjects();

    // Act
    const outcome = await openReportLink({ key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) }, token);

    // Assess
    expect(outcome).toEqual({ kind: 'revoked', reason: 'DisabledException' });
    expect(presigned).toEqual([]);
  });

  it('lets any other failure of the key through: an outage is neither a forged nor a dead link', async () => {
    // Prepare
    const { token } = await issue();
    const outage = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const key: MacKey = {
      mac: async () => new Uint8Array(32),
      verify: async () => {
        throw outage;
      },
    };
    const { objects } = recordingObjects();

    // Act
    const outcome = openReportLink({ key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) }, token);

    // Assess
    await expect(outcome).rejects.toBe(outage);
  });

  it('refuses a genuine token for a key outside reports/ (or with dot segments) after checking its MAC', async () => {
    // Prepare
    const mac = memoryKey();
    const { objects, presigned } = recordingObjects();
    const deps = { key: mac.key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) };
    const tokenFor = (key: string) => {
      const payload = encodeLinkPayload({ key, expiresAtS: Date.parse('2027-01-01T00:00:00Z') / 1000 });
      return linkToken(payload, mac.sign(new TextEncoder().encode(payload)));
    };

    // Act / Assess
    for (const key of [
      'rejected/a.errors.xlsx',
      'reports/../rejected/a.xlsx',
      'reports//x.xlsx',
      'report/x',
    ]) {
      expect(await openReportLink(deps, tokenFor(key)), key).toEqual({ kind: 'refused', key });
    }
    expect(mac.calls.verify).toBe(4);
    expect(presigned).toEqual([]);
  });

  it('does not ask the key about something that is not a token at all', async () => {
    // Prepare
    const mac = memoryKey();
    const { objects, presigned } = recordingObjects();
    const deps = { key: mac.key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) };

    // Act
    for (const junk of [undefined, null, '', 'abc', 'a.b.c', 'x'.repeat(5000), 'eyJ2IjoxfQ.%%%']) {
      expect(await openReportLink(deps, junk)).toEqual({ kind: 'invalid' });
    }

    // Assess
    expect(mac.calls.verify).toBe(0);
    expect(presigned).toEqual([]);
  });

  it('never gives a download for a token with any one character changed, cut short or extended (property)', async () => {
    // Prepare
    const { key, token } = await issue();
    const { objects, presigned } = recordingObjects();
    const deps = { key, objects, bucket: BUCKET, clock: clockAt(SIGNED_AT) };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'.split('');

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'cut', 'append'),
        async (at, char, how) => {
          const changed =
            how === 'replace'
              ? `${token.slice(0, at)}${char}${token.slice(at + 1)}`
              : how === 'cut'
                ? token.slice(0, at)
                : `${token}${char}`;
          fc.pre(changed !== token);
          const outcome = await openReportLink(deps, changed);
          expect(outcome.kind).toBe('invalid');
        },
      ),
      { numRuns: 300 },
    );
    expect(presigned).toEqual([]);
  });
});

describe('token checks', () => {
  it('reads only well-formed version-1 tokens', () => {
    const mac = new Uint8Array(32).fill(7);
    const ok = linkToken(encodeLinkPayload({ key: KEY, expiresAtS: 1_800_000_000 }), mac);
    expect(parseLinkToken(ok)?.claims.key).toBe(KEY);
    const v2 = Buffer.from(JSON.stringify({ v: 2, k: KEY, e: 1 })).toString('base64url');
    expect(parseLinkToken(linkToken(v2, mac))).toBeNull();
    const noExpiry = Buffer.from(JSON.stringify({ v: 1, k: KEY })).toString('base64url');
    expect(parseLinkToken(linkToken(noExpiry, mac))).toBeNull();
    expect(
      parseLinkToken(linkToken(encodeLinkPayload({ key: KEY, expiresAtS: 1 }), new Uint8Array(16))),
    ).toBeNull();
  });

  it('expires at the stated second, not a second later', () => {
    const claims = { key: KEY, expiresAtS: Date.parse('2026-12-23T01:00:05Z') / 1000 };
    expect(isLinkExpired(claims, new Date('2026-12-23T01:00:04.999Z'))).toBe(false);
    expect(isLinkExpired(claims, new Date('2026-12-23T01:00:05.000Z'))).toBe(true);
  });

  it('knows an archived report key', () => {
    expect(isReportKey(KEY)).toBe(true);
    for (const bad of [
      'reports/',
      'reports/a/./b',
      'reports/a\\b',
      'reports/a\nb',
      'processed/a.csv',
      '/reports/a',
    ]) {
      expect(isReportKey(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
