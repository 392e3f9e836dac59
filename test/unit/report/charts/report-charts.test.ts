/**
 * A chart is never worth a missing report: when the chart assets cannot be read, the email
 * goes without pictures and the failure reaches the caller's handler (its own file, so no
 * earlier test has loaded the rasteriser in this process).
 */
import { describe, expect, it } from 'vitest';
import { emailCharts, withWorkbookCharts } from '../../../../shared/report/charts/report-charts.ts';
import { reportModelZh } from '../../../fixtures/report-model.ts';

describe('report charts when drawing fails', () => {
  it('returns no email charts and hands the error to onError', async () => {
    const errors: [string, unknown][] = [];
    const missing = () => Promise.reject(new Error('ENOENT: /opt/chart-assets/resvg.wasm'));
    const charts = await emailCharts(reportModelZh, (what, error) => errors.push([what, error]), missing);
    expect(charts).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('email');
    expect(String(errors[0]![1])).toContain('/opt/chart-assets/resvg.wasm');
  });

  it('returns the workbook unchanged when it cannot be charted', async () => {
    const errors: string[] = [];
    const notAZip = Buffer.from('not a workbook');
    const out = await withWorkbookCharts(notAZip, reportModelZh, (what) => errors.push(what));
    expect(out).toBe(notAZip);
    expect(errors).toEqual(['workbook']);
  });
});
