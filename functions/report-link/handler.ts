/**
 * report-link: behind a Lambda function URL (auth NONE — the HMAC token in `?t=` is the
 * credential). Each GET checks the token (KMS VerifyMac, expiry, reports/ prefix) and answers
 * 302 to a freshly presigned S3 download valid for a few minutes, so a link in an email works
 * until the token's expiry however long the signing credentials live. Anything else gets a
 * small zh/en page (403 not valid or withdrawn — the link key disabled or deleted — 410
 * expired) naming whom to ask.
 */
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { createKmsClient } from '../../shared/adapters/kms-client.ts';
import { KmsMacKey } from '../../shared/adapters/kms-mac-key.ts';
import { createS3Client } from '../../shared/adapters/s3-client.ts';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.ts';
import { type OpenReportLinkDeps, openReportLink } from '../../shared/app/report-links.ts';
import type { AppLogger } from '../../shared/app/schedule-report.ts';
import { parseEnv, ReportLinkEnvSchema } from '../../shared/config/env.ts';
import { renderLinkPage } from '../../shared/report/render/link-page.ts';
import { logger } from '../shared/logger.ts';

export interface ReportLinkHandlerDeps extends OpenReportLinkDeps {
  /** Whom a recipient with a broken or expired link should ask (contacts.operators). */
  readonly operators: string;
  readonly logger?: AppLogger;
}

/** Nothing here may be cached or framed, and the page needs no script, image or font. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;
const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
} as const;

/** A function URL response: always the structured form (status, headers, body). */
export type LinkResponse = APIGatewayProxyStructuredResultV2;

function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

export function createReportLinkHandler(deps: ReportLinkHandlerDeps) {
  return async (event: LambdaFunctionURLEvent): Promise<LinkResponse> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET') {
      return {
        statusCode: 405,
        headers: { ...COMMON_HEADERS, allow: 'GET', 'content-type': 'text/plain; charset=utf-8' },
        body: '只支持 GET · GET only\n',
      };
    }
    // Errors other than a bad token or a withdrawn key (KMS throttling or unavailable, S3, a
    // missing permission) are thrown: the function's error alarm tells the operators, and the
    // reader may simply try again.
    const outcome = await openReportLink(deps, event.queryStringParameters?.t);
    // The token is a bearer credential for the report: it is never logged.
    if (outcome.kind === 'download') {
      deps.logger?.info('report link opened', { key: outcome.key, downloadExpiresAt: outcome.expiresAt });
      return { statusCode: 302, headers: { ...COMMON_HEADERS, location: outcome.url }, body: '' };
    }
    deps.logger?.warn('report link refused', {
      outcome: outcome.kind,
      ...(outcome.kind === 'revoked' ? { reason: outcome.reason } : {}),
      ...(outcome.kind === 'expired' || outcome.kind === 'refused' ? { key: outcome.key } : {}),
    });
    const page = renderLinkPage(outcome.kind, {
      operators: deps.operators,
      ...(outcome.kind === 'expired'
        ? { expiredAt: outcome.expiredAt, fileName: fileNameOf(outcome.key) }
        : {}),
    });
    return { statusCode: page.statusCode, headers: PAGE_HEADERS, body: page.html };
  };
}

let handle: ReturnType<typeof createReportLinkHandler> | undefined;

export const handler = async (event: LambdaFunctionURLEvent): Promise<LinkResponse> => {
  if (!handle) {
    const env = parseEnv(ReportLinkEnvSchema, process.env);
    handle = createReportLinkHandler({
      key: new KmsMacKey({ kms: createKmsClient(), keyId: env.LINK_KEY_ID }),
      objects: new S3ObjectStore({ s3: createS3Client() }),
      bucket: env.ARCHIVE_BUCKET,
      clock: { now: () => new Date() },
      operators: env.OPERATORS_EMAIL,
      logger,
    });
  }
  return handle(event);
};
