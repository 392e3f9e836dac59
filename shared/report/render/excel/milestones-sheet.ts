/**
 * The Milestones sheet: the due count and weighted completion rates, then every milestone
 * with its state word and colour, owner name and days late or overdue. Absent when the
 * report has no milestones (switched off in the configuration).
 */
import { milestoneStateWord, ownerName } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { FMT, MILESTONE_COLOURS } from '../styles.ts';
import { type Column, dateValue, kpiName, maxWidth, safeText, type WorkbookBuilder } from './workbook.ts';

export function writeMilestones(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const c = l.columns;
  const items = model.milestones.items;
  const columns: Column[] = [
    {
      header: c.id,
      width: maxWidth(
        items.map((m) => safeText(m.id)),
        6,
      ),
    },
    {
      header: c.title,
      width: Math.min(
        48,
        maxWidth(
          items.map((m) => safeText(m.title)),
          20,
        ),
      ),
    },
    {
      header: c.owner,
      width: maxWidth(
        items.map((m) => safeText(ownerName(model, m.owner))),
        10,
      ),
    },
    { header: c.start, width: 12 },
    { header: c.due, width: 12 },
    { header: c.weight, width: 7 },
    { header: c.progress, width: 9 },
    { header: c.expectedProgress, width: 9 },
    { header: c.state, width: 11 },
    { header: c.daysLate, width: 9 },
    { header: c.daysOverdue, width: 9 },
    { header: c.dueSoon, width: 9 },
    { header: c.completedOn, width: 12 },
    { header: c.kpi, width: 10 },
  ];
  const s = b.sheet({
    name: l.sheets.milestones,
    columns,
    frozenRows: 6,
    frozenColumns: 2,
    printTitleRows: [6, 6],
  });
  s.add([[`${l.text.milestoneSummary} · ${model.asOf}`, book.section()]], 20);
  s.add([[l.text.dueCount, book.text()], [undefined], [model.milestones.dueCount, book.num(FMT.count)]]);
  s.add([[l.text.completion, book.text()], [undefined], [model.milestones.completion, book.num(FMT.pct)]]);
  s.add([[l.text.onTime, book.text()], [undefined], [model.milestones.onTime, book.num(FMT.pct)]]);
  s.blank();
  const headerRow = s.header(columns);
  for (const m of items) {
    s.add([
      [safeText(m.id), book.text()],
      [safeText(m.title), book.text()],
      [safeText(ownerName(model, m.owner)), book.text()],
      [dateValue(m.start), book.date()],
      [dateValue(m.due), book.date()],
      [m.weight, book.num(FMT.weight)],
      [m.progress, book.num(FMT.progress)],
      [m.expectedProgress, book.num(FMT.progress)],
      [milestoneStateWord(m.state, lang), book.status(MILESTONE_COLOURS[m.state])],
      m.daysLate === null ? [undefined] : [m.daysLate, book.num(FMT.integer)],
      m.daysOverdue === null ? [undefined] : [m.daysOverdue, book.num(FMT.integer)],
      m.dueSoon ? [l.yes, book.status('at_risk')] : [undefined],
      m.completedOn === null ? [undefined] : [dateValue(m.completedOn), book.date()],
      m.kpi === null ? [undefined] : [kpiName(kpis.get(m.kpi), m.kpi, lang), book.text()],
    ]);
  }
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(s.rowNumber, headerRow), column: columns.length },
  };
  s.ws.commit();
}
