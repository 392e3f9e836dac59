/**
 * The stack builds each function's environment as `Required<XxxEnvInput>`, so forgetting a
 * variable the handler parses is a compile error. `npx tsc --noEmit` checks the directives
 * below: if the types ever stop catching a missing variable, the unused @ts-expect-error fails.
 */
import { describe, expect, it } from 'vitest';
import type {
  IngestUploadEnvInput,
  RunReportEnvInput,
  ScheduleReportEnvInput,
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
  });
});
