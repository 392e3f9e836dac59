/**
 * The stack builds each function's environment as `Required<XxxEnvInput>`, so forgetting a
 * variable the handler parses is a compile error. `npx tsc --noEmit` checks the directives
 * below: if the types ever stop catching a missing variable, the unused @ts-expect-error fails.
 */
import { describe, expect, it } from 'vitest';
import {
  type IngestUploadEnvInput,
  type ReportLinkEnvInput,
  type RunReportEnvInput,
  RunReportEnvSchema,
  type ScheduleReportEnvInput,
} from '../../shared/config/env.ts';

describe('typed function environments', () => {
  it('reject an environment that misses a variable', () => {
    // @ts-expect-error ARCHIVE_BUCKET is missing
    const run: Required<RunReportEnvInput> = {
      TABLE_NAME: 't',
      POWERTOOLS_SERVICE_NAME: 's',
      STAGE: 'dev',
      UPLOADS_BUCKET: 'u',
      SES_CONFIGURATION_SET: 'c',
      RUN_LEASE_SECONDS: '145',
      LINK_KEY_ID: 'k',
      LINK_BASE_URL: 'https://x.lambda-url.ap-southeast-1.on.aws/',
    };
    // @ts-expect-error LINK_KEY_ID and LINK_BASE_URL are optional for the handler (local runs) but required of the stack
    const runWithoutLinks: Required<RunReportEnvInput> = {
      TABLE_NAME: 't',
      POWERTOOLS_SERVICE_NAME: 's',
      STAGE: 'dev',
      ARCHIVE_BUCKET: 'a',
      UPLOADS_BUCKET: 'u',
      SES_CONFIGURATION_SET: 'c',
      RUN_LEASE_SECONDS: '145',
    };
    // @ts-expect-error OPERATORS_EMAIL is missing
    const link: Required<ReportLinkEnvInput> = {
      POWERTOOLS_SERVICE_NAME: 's',
      STAGE: 'dev',
      ARCHIVE_BUCKET: 'a',
      LINK_KEY_ID: 'k',
    };
    // @ts-expect-error REPORT_JOBS_QUEUE_URL is missing
    const dispatch: Required<ScheduleReportEnvInput> = {
      TABLE_NAME: 't',
      POWERTOOLS_SERVICE_NAME: 's',
      STAGE: 'dev',
    };
    // @ts-expect-error SES_CONFIGURATION_SET is optional for the handler but required of the stack
    const ingest: Required<IngestUploadEnvInput> = {
      TABLE_NAME: 't',
      POWERTOOLS_SERVICE_NAME: 's',
      STAGE: 'dev',
      UPLOADS_BUCKET: 'u',
    };
    expect(Object.keys(run)).not.toContain('ARCHIVE_BUCKET');
    expect(Object.keys(dispatch)).not.toContain('REPORT_JOBS_QUEUE_URL');
    expect(Object.keys(ingest)).not.toContain('SES_CONFIGURATION_SET');
    expect(Object.keys(runWithoutLinks)).not.toContain('LINK_KEY_ID');
    expect(Object.keys(link)).not.toContain('OPERATORS_EMAIL');
  });

  it('take the link settings of run-report together or not at all', () => {
    const base = { TABLE_NAME: 't', ARCHIVE_BUCKET: 'a', UPLOADS_BUCKET: 'u', RUN_LEASE_SECONDS: '145' };
    expect(RunReportEnvSchema.safeParse(base).success).toBe(true);
    expect(
      RunReportEnvSchema.safeParse({ ...base, LINK_KEY_ID: 'k', LINK_BASE_URL: 'https://x/' }).success,
    ).toBe(true);
    const half = RunReportEnvSchema.safeParse({ ...base, LINK_KEY_ID: 'k' });
    expect(half.success).toBe(false);
    expect(half.error?.issues[0]?.message).toMatch(/both LINK_KEY_ID and LINK_BASE_URL, or neither/);
  });
});
