/** The About sheet: what the report is, for whom, as of when, from which versions and files. */
import { DASH, formatLocalTime, scopeLabel } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { type Column, maxWidth, safeText, type WorkbookBuilder } from './workbook.ts';

export function writeAbout(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const a = model.about;
  const t = l.text;
  const rows: [string, string][] = [
    [t.reportId, model.report.id],
    [t.period, model.periodKey],
    [t.asOf, a.asOf],
    [t.scope, scopeLabel(model)],
    [t.timeZone, a.timeZone],
    [t.fiscalYear, a.fiscalYear],
    [t.targetVersion, a.targetVersion],
    [t.compareVersion, a.compareVersion ?? DASH],
    [t.configVersion, a.configVersion],
    [t.generatedAt, formatLocalTime(a.generatedAt, a.timeZone)],
    [t.schemaVersion, String(model.schemaVersion)],
    ...model.ranges.map((r): [string, string] => [
      `${r.label[lang]} (${r.kind})`,
      `${r.start} – ${r.end} · ${r.periodKey} · ${r.days}`,
    ]),
    ...a.sources.map((src, i): [string, string] => [i === 0 ? t.sources : '', src]),
  ];
  const columns: Column[] = [
    {
      header: l.columns.item,
      width: maxWidth(
        rows.map((r) => r[0]),
        14,
      ),
    },
    {
      header: l.columns.value,
      width: Math.min(
        80,
        maxWidth(
          rows.map((r) => r[1]),
          20,
        ),
      ),
    },
  ];
  const s = b.sheet({ name: l.sheets.about, columns, frozenRows: 1 });
  s.header(columns);
  for (const [k, v] of rows) {
    s.add([
      [k, book.bold()],
      [safeText(v), book.text()],
    ]);
  }
  s.ws.commit();
}
