/**
 * One sheet per breakdown (a dimension, or two for cells): every value × KPI with figures,
 * filterable. Breakdowns and rows with neither actual nor target are left out.
 */

import { scopeLabel } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { hasFigures } from '../digest.ts';
import { figureCells, figureColumns } from './figure-cells.ts';
import {
  type Column,
  dateValue,
  kpiName,
  maxWidth,
  rangeLabel,
  safeText,
  type WorkbookBuilder,
} from './workbook.ts';

export function writeBreakdowns(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const ranges = new Map(model.ranges.map((r) => [r.kind, r]));
  const c = l.columns;
  for (const bd of model.breakdowns) {
    // A breakdown with no figures at all is not a sheet: the reader has nothing to read there.
    if (!bd.rows.some(hasFigures)) continue;
    const dimName = safeText(bd.dimensionName[lang]);
    // Sample the first rows for the label width: a 100k-row sheet must not be scanned twice.
    const sample = bd.rows.slice(0, 2000).map((r) => safeText(r.label[lang]));
    const columns: Column[] = [
      { header: dimName, width: maxWidth(sample, 12) },
      {
        header: c.kpi,
        width: maxWidth(
          model.kpis.map((k) => k.name[lang]),
          12,
        ),
      },
      ...figureColumns(c, lang),
      { header: c.targetSource, width: 10 },
      { header: c.dataThrough, width: 12 },
    ];
    const range = ranges.get(bd.range);
    const s = b.sheet({
      name: `${dimName} · ${rangeLabel(range, bd.range, lang)}`,
      columns,
      frozenRows: 3,
      frozenColumns: 1,
    });
    s.add([[`${dimName} · ${rangeLabel(range, bd.range, lang)}`, book.section()]], 20);
    s.add([
      [
        `${range ? `${range.start} – ${range.end}` : bd.range}    ${l.text.scope}: ${safeText(scopeLabel(model))}`,
        book.subtitle(),
      ],
    ]);
    const headerRow = s.header(columns);
    const cells = figureCells(book, lang);
    for (const row of bd.rows) {
      if (!hasFigures(row)) continue;
      const kpi = kpis.get(row.kpi);
      s.add([
        [safeText(row.label[lang]), book.text()],
        [kpiName(kpi, row.kpi, lang), book.text()],
        ...cells(row, kpi),
        [l.targetSource[row.targetSource], book.text()],
        [dateValue(row.dataThrough), book.date()],
      ]);
    }
    s.ws.autoFilter = {
      from: { row: headerRow, column: 1 },
      to: { row: Math.max(s.rowNumber, headerRow), column: columns.length },
    };
    s.ws.commit();
  }
}
