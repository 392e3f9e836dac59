import { describe, expect, it } from 'vitest';
import { generateSampleYear } from '../../../../infra/local/sample-year.ts';
import planConfig from '../../../../plan.config.ts';
import { routeUploadKey } from '../../../../shared/app/ingest-upload.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';

describe('the sample year against the repository plan configuration', () => {
  it('accepts every sample upload except the one meant to be rejected', async () => {
    const year = await generateSampleYear(planConfig, {
      seed: 7,
      fiscalYear: planConfig.calendar.fiscalYears[0]!,
      asOf: '2026-11-22',
      maxActualRows: 5000,
    });
    expect(year.files.length).toBeGreaterThan(3);
    for (const file of year.files) {
      const kind = routeUploadKey(file.key);
      expect(kind, file.key).not.toBeNull();
      const result = await parseUpload({ config: planConfig, kind: kind!, body: file.body });
      expect(result.ok, `${file.key}: ${result.ok ? '' : JSON.stringify(result.errors.slice(0, 3))}`).toBe(
        !file.expectRejected,
      );
    }
  }, 60_000);
});
