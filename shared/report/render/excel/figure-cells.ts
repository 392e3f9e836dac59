/**
 * The six figure columns every variance table of the workbook shows in the same order —
 * actual, target, variance, variance %, attainment, status — as headers and as cells, so the
 * KPIs sheet, its compare-version table and the breakdown sheets cannot drift apart.
 */
import type { VarianceFigures } from '../../../domain/types.ts';
import { type Labels, statusWord } from '../../i18n.ts';
import type { Language, ReportKpi } from '../../report-model.ts';
import { FMT, valueFormat, varianceCellValue, varianceFormat } from '../styles.ts';
import type { Cell, Column, Style, StyleBook } from './workbook.ts';

/** The headers; `sized: false` leaves widths to the table above (a second table on a sheet). */
export function figureColumns(c: Labels['columns'], lang: Language, sized = true): Column[] {
  const w = (width: number) => (sized ? width : 0);
  return [
    { header: c.actual, width: w(15) },
    { header: c.target, width: w(15) },
    { header: c.variance, width: w(lang === 'zh' ? 17 : 14) },
    { header: c.variancePct, width: w(10) },
    { header: c.attainment, width: w(10) },
    { header: c.status, width: w(10) },
  ];
}

/**
 * A writer of one row's cells, in the KPI's value and variance formats (pp for percent KPIs).
 * The two formats are worked out once per KPI: a breakdown sheet writes 100k rows.
 */
export function figureCells(
  book: StyleBook,
  lang: Language,
): (row: VarianceFigures, kpi: ReportKpi | undefined) => Cell[] {
  const formats = new Map<ReportKpi | undefined, { value: Style; variance: Style }>();
  const pct = book.num(FMT.pct);
  const pctSigned = book.num(FMT.pctSigned);
  return (row, kpi) => {
    let f = formats.get(kpi);
    if (!f) {
      f = {
        value: kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number),
        variance: kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned),
      };
      formats.set(kpi, f);
    }
    return [
      [row.actual, f.value],
      [row.target, f.value],
      [kpi ? varianceCellValue(kpi, row.variance) : row.variance, f.variance],
      [row.variancePct, pctSigned],
      [row.attainment, pct],
      [statusWord(row.status, lang), book.status(row.status)],
    ];
  };
}
