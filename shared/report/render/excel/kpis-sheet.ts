/**
 * The KPIs sheet: every KPI over every configured range with variance, status, benchmark,
 * coverage and, on the year row, the outlook; then the figures against the compare version
 * and the scorecard by KPI and by owner team. Rows with neither actual nor target are left
 * out (the Summary names those KPIs once).
 */

import { ownerName, scopeLabel } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { hasFigures } from '../digest.ts';
import { FMT, valueFormat, varianceFormat } from '../styles.ts';
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

export function writeKpis(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const ranges = new Map(model.ranges.map((r) => [r.kind, r]));
  const outlook = new Map(model.outlook.map((o) => [o.kpi, o]));
  // The outlook is about the year: show it on the KPI's YTD row (its last row without one).
  const outlookRange = new Map<string, string>();
  for (const row of model.table) {
    if (outlookRange.get(row.kpi) !== 'YTD') outlookRange.set(row.kpi, row.range);
  }
  const c = l.columns;
  const columns: Column[] = [
    {
      header: c.kpi,
      width: maxWidth(
        [
          ...model.kpis.map((k) => k.name[lang]),
          ...model.scorecard.byOwner.map((o) => ownerName(model, o.owner)),
        ],
        12,
      ),
    },
    {
      header: c.range,
      width: maxWidth(
        model.ranges.map((r) => r.label[lang]),
        10,
      ),
    },
    ...figureColumns(c, lang),
    { header: c.benchmark, width: 10 },
    { header: c.dataThrough, width: 12 },
    { header: c.coverage, width: 9 },
    { header: c.annualTarget, width: 15 },
    { header: c.forecast, width: 15 },
    { header: c.gapToAnnual, width: 15 },
    { header: c.requiredPace, width: 10 },
  ];
  const s = b.sheet({ name: l.sheets.kpis, columns, frozenRows: 4, frozenColumns: 2 });
  const scoreRange = ranges.get(model.scorecard.range);
  s.add([[`${l.sheets.kpis} · ${model.periodKey}`, book.section()]], 20);
  s.add([
    [`${l.text.scope}: ${safeText(scopeLabel(model))}    ${l.text.asOf}: ${model.asOf}`, book.subtitle()],
  ]);
  s.add([[l.text.displayedAsPp, book.note()]]);
  const headerRow = s.header(columns);
  const cells = figureCells(book, lang);
  let previousKpi: string | null = null;
  for (const row of model.table) {
    if (!hasFigures(row)) continue;
    const kpi = kpis.get(row.kpi);
    const first = row.kpi !== previousKpi;
    previousKpi = row.kpi;
    const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
    const varf = kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned);
    const o = outlookRange.get(row.kpi) === row.range ? outlook.get(row.kpi) : undefined;
    const sum = o?.kind === 'sum' ? o : undefined;
    s.add(
      [
        [kpiName(kpi, row.kpi, lang), first ? book.bold() : book.muted()],
        [rangeLabel(ranges.get(row.range), row.range, lang), book.text()],
        ...cells(row, kpi),
        [kpi?.benchmark ?? null, vf],
        [dateValue(row.dataThrough), book.date()],
        // A snapshot's value holds for one period: show it instead of a day count.
        [row.valuePeriod ?? `${row.coveredDays}/${row.rangeDays}`, book.num('@')],
        sum ? [sum.annualTarget, vf] : [undefined],
        sum ? [sum.forecast, vf] : [undefined],
        sum ? [sum.gapToAnnual, varf] : [undefined],
        sum ? [sum.requiredPace, book.num(FMT.pct)] : [undefined],
      ],
      undefined,
      first,
    );
  }
  const lastRow = s.rowNumber;
  s.ws.autoFilter = {
    from: { row: headerRow, column: 1 },
    to: { row: Math.max(lastRow, headerRow), column: columns.length },
  };

  // Figures against the second target version (e.g. a re-forecast), when the report has one.
  if (model.compareTable.length > 0) {
    s.blank();
    s.add([[`${l.text.compareVersion}: ${safeText(model.about.compareVersion ?? '')}`, book.section()]]);
    s.header([{ header: c.kpi, width: 0 }, { header: c.range, width: 0 }, ...figureColumns(c, lang, false)]);
    for (const row of model.compareTable) {
      const kpi = kpis.get(row.kpi);
      s.add([
        [kpiName(kpi, row.kpi, lang), book.text()],
        [rangeLabel(ranges.get(row.range), row.range, lang), book.text()],
        ...cells(row, kpi),
      ]);
    }
  }

  // Scorecard detail below the table: which KPIs counted, with what weight.
  s.blank();
  s.add([[`${l.text.scorecard} · ${rangeLabel(scoreRange, model.scorecard.range, lang)}`, book.section()]]);
  s.header([
    { header: c.kpi, width: 0 },
    { header: c.weight, width: 0 },
    { header: c.score, width: 0 },
  ]);
  for (const e of model.scorecard.entries) {
    s.add([
      [kpiName(kpis.get(e.kpi), e.kpi, lang), book.text()],
      [e.weight, book.num(FMT.weight)],
      e.score === null
        ? [`${l.text.notCounted}${e.reason ? ` (${safeText(e.reason)})` : ''}`, book.text()]
        : [e.score, book.num(FMT.pct)],
    ]);
  }
  if (model.scorecard.byOwner.length > 0) {
    s.blank();
    s.add([[l.text.scorecardByOwner, book.section()]]);
    s.header([
      { header: c.owner, width: 0 },
      { header: c.score, width: 0 },
    ]);
    for (const o of model.scorecard.byOwner) {
      s.add([
        [safeText(ownerName(model, o.owner)), book.text()],
        [o.score, book.num(FMT.pct)],
      ]);
    }
  }
  s.ws.commit();
}
