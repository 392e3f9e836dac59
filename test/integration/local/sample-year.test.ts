import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleYear, type SampleYear } from '../../../infra/local/sample-year.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import type { UploadKind } from '../../../shared/ports/index.ts';

let config: PlanConfig;
let year: SampleYear;
const options = { seed: 11, fiscalYear: 'FY2026', asOf: '2026-11-22', maxActualRows: 12_000 } as const;

beforeAll(async () => {
  config = await loadConfig();
  year = await generateSampleYear(config, options);
});

describe('generateSampleYear', () => {
  it('is deterministic: the same seed gives byte-identical CSV files, another seed different ones', async () => {
    const again = await generateSampleYear(config, options);
    const csv = (y: SampleYear) => y.files.filter((f) => f.key.endsWith('.csv'));
    expect(csv(again).map((f) => [f.key, f.body.toString('base64')])).toEqual(
      csv(year).map((f) => [f.key, f.body.toString('base64')]),
    );
    const other = await generateSampleYear(config, { ...options, seed: 12 });
    expect(csv(other).map((f) => f.body.toString('base64'))).not.toEqual(
      csv(year).map((f) => f.body.toString('base64')),
    );
  });

  it('puts every file under incoming/<kind>/ in a mix of UTF-8 CSV, GBK CSV and XLSX, with one bad file', () => {
    expect(year.files.every((f) => /^incoming\/(actuals|targets|milestones)\//.test(f.key))).toBe(true);
    expect(year.files.some((f) => f.key.endsWith('.xlsx') && f.body.subarray(0, 2).toString() === 'PK')).toBe(
      true,
    );
    const gbk = year.files.find((f) => f.contentType.includes('gbk'));
    expect(gbk).toBeDefined();
    expect(gbk!.body.toString('utf8')).not.toContain('日期');
    expect(iconv.decode(gbk!.body, 'gbk').split('\r\n')[0]).toMatch(/^日期,指标,/);
    expect(year.files.filter((f) => f.expectRejected)).toHaveLength(1);
    expect(year.story.actualRows).toBeLessThanOrEqual(options.maxActualRows);
  });

  it('passes the ingest rules except for the bad file, with actuals through asOf and one KPI a week stale', async () => {
    const lastDay = new Map<string, string>();
    for (const file of year.files) {
      const kind = file.key.split('/')[1] as UploadKind;
      const result = await parseUpload({ config, kind, body: file.body });
      expect(result.ok, file.key).toBe(!file.expectRejected);
      if (result.ok && result.kind === 'actuals') {
        for (const fact of result.actuals.toArray()) {
          if (fact.period.length === 10 && fact.period > (lastDay.get(fact.kpi) ?? ''))
            lastDay.set(fact.kpi, fact.period);
        }
      }
    }
    expect(year.story.staleKpi).not.toBeNull();
    expect(lastDay.get(year.story.staleKpi!)).toBe('2026-11-15');
    const fresh = [...lastDay].filter(([kpi]) => kpi !== year.story.staleKpi);
    expect(fresh.length).toBeGreaterThan(3);
    for (const [, day] of fresh) expect(day).toBe(options.asOf);
  });
});
