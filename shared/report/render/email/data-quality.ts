/**
 * Data-quality warnings, counted: one summary line (how many KPIs miss data, how many target
 * mismatches and out-of-bounds values, "details in the workbook"), then one line per KPI
 * (stale, days missing merged into a count) and the notes. The per-day detail is in the
 * workbook's Data quality sheet.
 */
import { labels } from '../../i18n.ts';
import { dataQualityDetail, dataQualityLines, kpiName } from '../digest.ts';
import type { Ctx, Line, Section } from './content.ts';

export function dataQualityOf({ model, lang }: Ctx): Section {
  const l = labels(lang);
  const t = l.text;
  const dq = model.dataQuality;
  const merged = dataQualityLines(model);
  const lines: Line[] = merged.map((x) => ({
    title: kpiName(model, x.kpi),
    detail: dataQualityDetail(model, x),
    figure: '',
    chip: x.stale ? { word: l.columns.stale, status: 'off_track' } : null,
  }));
  for (const note of dq.notes) lines.push({ title: note, detail: '', figure: '', chip: null, plain: true });
  const counted = merged.length + dq.targetMismatches.length + dq.boundsViolations.length;
  return {
    title: t.dataWarnings,
    ...(counted > 0
      ? {
          summary: t.dqSummary
            .replace('{kpis}', String(merged.length))
            .replace('{mismatches}', String(dq.targetMismatches.length))
            .replace('{bounds}', String(dq.boundsViolations.length)),
        }
      : {}),
    lines,
    empty: t.noneWarnings,
  };
}
