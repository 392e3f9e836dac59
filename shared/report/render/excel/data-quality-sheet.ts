/**
 * The Data quality sheet: one row per KPI with a finding (stale, days without data merged
 * into a count and their runs listed, not reported at this level), then targets that do not
 * add up and values out of bounds and notes, each only when there are any. A report with no
 * finding says so in one line.
 */
import { DASH, ownerName } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { dataQualityLines, kpiIndex } from '../digest.ts';
import { FMT, valueFormat } from '../styles.ts';
import {
  type Column,
  dateValue,
  gapsText,
  kpiName,
  maxWidth,
  safeText,
  type WorkbookBuilder,
} from './workbook.ts';

export function writeDataQuality(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = kpiIndex(model);
  const c = l.columns;
  const t = l.text;
  const dq = model.dataQuality;
  const lines = dataQualityLines(model);
  const gapsOf = new Map(dq.kpis.map((k) => [k.kpi, gapsText(k.gaps)]));
  const columns: Column[] = [
    {
      header: c.kpi,
      width: maxWidth(
        model.kpis.map((k) => k.name[lang]),
        14,
      ),
    },
    { header: c.dataThrough, width: 13 },
    { header: c.stale, width: 10 },
    { header: lang === 'zh' ? '缺失天数' : 'Days missing', width: 10 },
    { header: c.gaps, width: 50 },
    { header: c.owner, width: 14 },
  ];
  const s = b.sheet({ name: l.sheets.dataQuality, columns, frozenRows: 3, printTitleRows: [3, 3] });
  s.add([[`${t.kpiFreshness} · ${model.asOf}`, book.section()]], 20);
  s.add([[`${t.scope}: ${safeText(model.scope?.label[lang] ?? l.allScope)}`, book.subtitle()]]);
  s.header(columns);
  if (lines.length === 0) s.add([[t.noneWarnings, book.text()]]);
  for (const line of lines) {
    const kpi = kpis.get(line.kpi);
    s.add([
      [kpiName(kpi, line.kpi, lang), book.text()],
      [dateValue(line.dataThrough), book.date()],
      [
        line.stale ? l.yes : line.reportedAtLevel ? l.no : t.notReportedAtLevel,
        line.stale ? book.status('off_track') : book.text(),
      ],
      [line.gapDays, book.num(FMT.count)],
      [safeText(gapsOf.get(line.kpi) ?? ''), book.wrap()],
      [safeText(kpi?.owner ? ownerName(model, kpi.owner) : DASH), book.text()],
    ]);
  }

  if (dq.targetMismatches.length > 0) {
    s.blank();
    s.add([[t.targetMismatches, book.section()]], 20);
    s.header([
      { header: c.kpi, width: 0 },
      { header: c.period, width: 0 },
      { header: c.version, width: 0 },
      { header: c.explicitTarget, width: 0 },
      { header: c.sumOfFiner, width: 0 },
      { header: c.group, width: 0 },
      { header: c.difference, width: 0 },
    ]);
    for (const m of dq.targetMismatches) {
      const kpi = kpis.get(m.kpi);
      const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
      const group = Object.entries(m.group)
        .map(([d, v]) => `${d} = ${v}`)
        .join(', ');
      s.add([
        [kpiName(kpi, m.kpi, lang), book.text()],
        [safeText(m.period), book.text()],
        [safeText(m.version), book.text()],
        [m.explicitTarget, vf],
        [m.sumOfFinerTargets, vf],
        [safeText(group || l.allScope), book.text()],
        [m.differencePct, book.num(FMT.pctSigned)],
      ]);
    }
  }

  if (dq.boundsViolations.length > 0) {
    s.blank();
    s.add([[lang === 'zh' ? '数值越界' : 'Values out of bounds', book.section()]], 20);
    for (const v of dq.boundsViolations) {
      const kpi = kpis.get(v.kpi);
      const where = Object.entries(v.dims)
        .map(([d, x]) => `${d} = ${x}`)
        .join(', ');
      s.add([
        [kpiName(kpi, v.kpi, lang), book.text()],
        [safeText(where || l.allScope), book.text()],
        [v.periods, book.num(FMT.count)],
        [`${v.firstPeriod} – ${v.lastPeriod}`, book.text()],
        [v.worstValue, kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number)],
      ]);
    }
  }

  if (dq.notes.length > 0) {
    s.blank();
    s.add([[t.notes, book.section()]], 20);
    for (const note of dq.notes) s.add([[safeText(note), book.text()]]);
  }
  s.ws.commit();
}
