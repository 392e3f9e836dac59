/**
 * Report links: how a recipient downloads a workbook too large to attach, through a link whose
 * stated expiry is true.
 *
 * A presigned S3 URL is no good for this: it dies with the credentials that signed it, and a
 * Lambda role's credentials live a few hours whatever the URL says. So the email carries
 * `<link function URL>?t=<token>` instead. The token names the archived object and an expiry
 * and carries a MAC made with a key that only our functions may use (a KMS HMAC key in AWS,
 * behind the {@link MacKey} port). Opening the link runs {@link openReportLink}: it checks the
 * MAC, the expiry and that the object is an archived report, and answers with a freshly
 * presigned download valid for {@link DOWNLOAD_SECONDS} — every open gets a fresh download, so
 * the link works exactly until the token's expiry, and that is the expiry the email states.
 *
 * Token format (version 1): `<payload>.<mac>`, both base64url without padding. The payload is
 * the JSON `{"v":1,"k":"<archive key>","e":<expiry, epoch seconds>}`; the MAC (HMAC-SHA-256,
 * 32 bytes) is taken over the payload's base64url text, so the verifier checks exactly the
 * characters it received and nothing is re-serialised first.
 *
 * Everything here but the MAC itself is pure: the key and the object store are ports.
 */
import {
  type Clock,
  type MacKey,
  MacKeyUnusableError,
  type ObjectStore,
  type ReportLinks,
} from '../ports/index.ts';

export const LINK_TOKEN_VERSION = 1;
/** Archived workbooks live under this prefix; a link to anything else is refused. */
export const REPORTS_PREFIX = 'reports/';
/** How long the download behind one open of a link works (each open presigns a new one). */
export const DOWNLOAD_SECONDS = 300;
/** Longest token looked at: a real one is a few hundred characters; junk never reaches the key. */
export const MAX_TOKEN_LENGTH = 2048;
/** An archive key longer than this is not one of ours (S3 allows 1,024 bytes). */
const MAX_KEY_LENGTH = 1024;
/** HMAC-SHA-256. */
const MAC_BYTES = 32;

/** What a token says: which archived object, and until when (epoch seconds, exclusive). */
export interface LinkClaims {
  readonly key: string;
  readonly expiresAtS: number;
}

export interface ParsedLinkToken {
  /** The payload exactly as received: the bytes the MAC covers. */
  readonly payload: string;
  readonly mac: Uint8Array;
  readonly claims: LinkClaims;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The base64url payload of a token for these claims. */
export function encodeLinkPayload(claims: LinkClaims): string {
  const json = JSON.stringify({ v: LINK_TOKEN_VERSION, k: claims.key, e: claims.expiresAtS });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** `<payload>.<mac>`. */
export function linkToken(payload: string, mac: Uint8Array): string {
  return `${payload}.${Buffer.from(mac).toString('base64url')}`;
}

/**
 * Reads a token's parts and claims, or `null` when it is not a well-formed version-1 token.
 * Says nothing about whether the MAC is right: that takes the key.
 */
export function parseLinkToken(token: string | null | undefined): ParsedLinkToken | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload, macText] = parts as [string, string];
  if (!BASE64URL.test(payload) || !BASE64URL.test(macText)) return null;
  const mac = new Uint8Array(Buffer.from(macText, 'base64url'));
  // Only the canonical spelling of the MAC: base64url leaves spare bits in its last character,
  // and a token with them flipped must not pass as the same token.
  if (mac.byteLength !== MAC_BYTES || Buffer.from(mac).toString('base64url') !== macText) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { v, k, e } = body as Record<string, unknown>;
  if (v !== LINK_TOKEN_VERSION) return null;
  if (typeof k !== 'string' || k.length === 0 || k.length > MAX_KEY_LENGTH) return null;
  if (typeof e !== 'number' || !Number.isSafeInteger(e) || e <= 0) return null;
  return { payload, mac, claims: { key: k, expiresAtS: e } };
}

/** True once the token's expiry has passed (the expiry instant itself is already too late). */
export function isLinkExpired(claims: LinkClaims, now: Date): boolean {
  return now.getTime() >= claims.expiresAtS * 1000;
}

/**
 * An archived report's key: under `reports/`, no `.`/`..` or empty segments, no control
 * characters or backslashes — nothing a signed token could use to reach another object.
 */
export function isReportKey(key: string): boolean {
  if (!key.startsWith(REPORTS_PREFIX) || key.length > MAX_KEY_LENGTH) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001F\u007F\\]/.test(key)) return false;
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

export interface SignedReportLinksOptions {
  readonly key: MacKey;
  /** The link function's URL, e.g. `https://abc.lambda-url.ap-southeast-1.on.aws/`. */
  readonly baseUrl: string;
  /** The archive bucket: the only bucket the link function serves. */
  readonly bucket: string;
  readonly clock: Clock;
}

/** {@link ReportLinks} as `<baseUrl>?t=<token>`, the token signed with `key`. */
export function signedReportLinks(options: SignedReportLinksOptions): ReportLinks {
  const base = new URL(options.baseUrl); // a bad URL fails at cold start, not in a recipient's mail
  return {
    async linkTo(bucket, key, seconds) {
      if (bucket !== options.bucket) {
        throw new Error(`report links serve the archive bucket ${options.bucket} only, not ${bucket}`);
      }
      if (!isReportKey(key)) throw new Error(`not an archived report key: ${JSON.stringify(key)}`);
      if (!Number.isFinite(seconds) || seconds < 1)
        throw new Error(`link lifetime must be ≥ 1 s: ${seconds}`);
      const expiresAtS = Math.floor(options.clock.now().getTime() / 1000) + Math.floor(seconds);
      const payload = encodeLinkPayload({ key, expiresAtS });
      const mac = await options.key.mac(ascii(payload));
      const url = new URL(base);
      url.searchParams.set('t', linkToken(payload, mac));
      return { url: url.toString(), expiresAt: new Date(expiresAtS * 1000).toISOString() };
    },
  };
}

/** What opening a link comes to. */
export type LinkOutcome =
  /** A fresh download of the archived workbook. */
  | { readonly kind: 'download'; readonly key: string; readonly url: string; readonly expiresAt: string }
  /** Not a token, cut short, or altered: the MAC does not match. */
  | { readonly kind: 'invalid' }
  /**
   * A well-formed token that nothing can check any more: the link key is disabled, scheduled
   * for deletion or deleted (how an operator withdraws every emailed link at once).
   */
  | { readonly kind: 'revoked'; readonly reason: string }
  /** A genuine token past its expiry. */
  | { readonly kind: 'expired'; readonly key: string; readonly expiredAt: string }
  /** A genuine token that names something other than an archived report. */
  | { readonly kind: 'refused'; readonly key: string };

export interface OpenReportLinkDeps {
  readonly key: MacKey;
  readonly objects: Pick<ObjectStore, 'presign'>;
  readonly bucket: string;
  readonly clock: Clock;
  /** Lifetime of each download (default {@link DOWNLOAD_SECONDS}). */
  readonly downloadSeconds?: number;
}

/**
 * Checks a link's token — well-formed, MAC right, not expired, an archived report — and
 * presigns a fresh download only when all four hold. The MAC is checked before anything the
 * token claims is believed. A key that can no longer verify (disabled, pending deletion,
 * deleted) makes every link `revoked`; any other failure of the key (throttling, an outage)
 * is thrown, never taken for a forged link.
 */
export async function openReportLink(
  deps: OpenReportLinkDeps,
  token: string | null | undefined,
): Promise<LinkOutcome> {
  const parsed = parseLinkToken(token);
  if (!parsed) return { kind: 'invalid' };
  let genuine: boolean;
  try {
    genuine = await deps.key.verify(ascii(parsed.payload), parsed.mac);
  } catch (error) {
    // Only a key that is gone for good makes a dead link; an outage stays an error (retry).
    if (error instanceof MacKeyUnusableError) return { kind: 'revoked', reason: error.reason };
    throw error;
  }
  if (!genuine) return { kind: 'invalid' };
  const { key, expiresAtS } = parsed.claims;
  if (isLinkExpired(parsed.claims, deps.clock.now())) {
    return { kind: 'expired', key, expiredAt: new Date(expiresAtS * 1000).toISOString() };
  }
  if (!isReportKey(key)) return { kind: 'refused', key };
  const download = await deps.objects.presign(deps.bucket, key, deps.downloadSeconds ?? DOWNLOAD_SECONDS);
  return { kind: 'download', key, url: download.url, expiresAt: download.expiresAt };
}
