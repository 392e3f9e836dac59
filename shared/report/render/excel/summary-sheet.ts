/**
 * The Summary sheet: one printed page that leads with the report's own period. One row per
 * KPI (headline first): this period's actual, target, variance in the KPI's unit and in
 * percent and status with the KPI's tolerance; against the previous period and last year;
 * month to date; the year with its outlook. Below: the largest unfavourable variances
 * ranked by money, where the gaps come from (with owner names), KPIs with no data named once,
 * and the legend of status words and colours. Every KPI over every range is on the KPIs sheet.
 */
import {
  currencySymbol,
  formatCompact,
  formatPercent,
  isScoped,
  scopeLabel,
  statusWord,
} from '../../i18n.ts';
import type { ReportKpi, ReportModel } from '../../report-model.ts';
import {
  attributionOf,
  attributionSentence,
  comparisonOf,
  kpiIndex,
  kpisWithFigures,
  kpiTolerance,
  largestUnfavourable,
  leadKpis,
  leadRanges,
  rangeName,
  rowFor,
  signedAmount,
} from '../digest.ts';
import { FMT, STATUS_ORDER, valueFormat, varianceCellValue, varianceFormat } from '../styles.ts';
import { type Column, kpiName, maxWidth, rangeLabel, safeText, type WorkbookBuilder } from './workbook.ts';

/** The tolerance of a KPI as `2% / 10%` (at risk / off track), when the model carries it. */
function toleranceCell(kpi: ReportKpi): string | null {
  const t = kpiTolerance(kpi);
  return t ? `${formatPercent(t.atRisk, 0)} / ${formatPercent(t.offTrack, 0)}` : null;
}

export function writeSummary(b: WorkbookBuilder, model: ReportModel): void {
  const lang = model.report.language;
  const { l, book } = b;
  const t = l.text;
  const c = l.columns;
  const kpis = kpiIndex(model);
  const [own, ...later] = leadRanges(model);
  const month = later.find((r) => r.kind !== 'YTD');
  const year = later.find((r) => r.kind === 'YTD');
  const outlook = new Map(model.outlook.map((o) => [o.kpi, o]));
  const ids = leadKpis(model);
  const hasPrevious = model.comparisons.some((x) => x.previous !== null);
  const hasLastYear = model.comparisons.some((x) => x.lastYear !== null);
  const hasTolerance = model.kpis.some((k) => toleranceCell(k) !== null);
  // Columns nobody can fill (no comparison data, no tolerance in the model) are left out.
  const keep = [
    ...[true, true, true, true, true, true],
    hasPrevious,
    hasLastYear,
    month !== undefined,
    year !== undefined,
    ...[true, true, true],
    hasTolerance,
  ];
  const kept = <T>(cells: readonly T[]): T[] => cells.filter((_, i) => keep[i]);
  const ownLabel = own ? `${rangeLabel(own, own.kind, lang)} ${own.periodKey}` : '';

  const columns: Column[] = kept([
    {
      header: c.kpi,
      width: maxWidth(
        ids.map((id) => kpiName(kpis.get(id), id, lang)),
        12,
      ),
    },
    { header: c.actual, width: 14 },
    { header: c.target, width: 14 },
    { header: c.variance, width: lang === 'zh' ? 16 : 14 },
    { header: c.variancePct, width: 9 },
    { header: c.status, width: 9 },
    { header: `${t.previousPeriod} ${t.change}`, width: 10 },
    { header: `${t.lastYear} ${t.change}`, width: 10 },
    { header: `${month ? rangeLabel(month, month.kind, lang) : ''} ${c.variancePct}`, width: 11 },
    { header: `${year ? rangeLabel(year, year.kind, lang) : ''} ${c.variancePct}`, width: 11 },
    { header: c.forecast, width: 14 },
    { header: c.gapToAnnual, width: 14 },
    { header: c.requiredPace, width: 9 },
    { header: lang === 'zh' ? '容差（预警/落后）' : 'Tolerance (risk/off)', width: 12 },
  ]);
  const s = b.sheet({ name: l.sheets.summary, columns, frozenRows: 0, onePage: true });
  s.add([[safeText(model.report.name[lang]), book.title()]], 26);
  s.add([[`${t.period}: ${model.periodKey}    ${t.asOf}: ${model.asOf}`, book.subtitle()]]);
  s.add([[`${t.scope}: ${safeText(scopeLabel(model))}`, isScoped(model) ? book.bold() : book.subtitle()]]);
  s.blank();
  s.add([[`${t.periodResult} · ${ownLabel}`, book.section()]], 20);
  s.header(columns);
  for (const id of ids) {
    const kpi = kpis.get(id);
    const vf = kpi ? book.num(valueFormat(kpi)) : book.num(FMT.number);
    const varf = kpi ? book.num(varianceFormat(kpi, lang)) : book.num(FMT.numberSigned);
    const row = own ? rowFor(model, id, own) : undefined;
    const m = month ? rowFor(model, id, month) : undefined;
    const y = year ? rowFor(model, id, year) : undefined;
    const cmp = own ? comparisonOf(model, id, own.kind) : undefined;
    const o = outlook.get(id);
    const sum = o?.kind === 'sum' ? o : undefined;
    const status = row?.status ?? 'no_data';
    s.add(
      kept([
        [kpiName(kpi, id, lang), id === model.headline?.kpi ? book.bold() : book.text()],
        [row?.actual ?? null, vf],
        [row?.target ?? null, vf],
        [kpi && row ? varianceCellValue(kpi, row.variance) : null, varf],
        [row?.variancePct ?? null, book.num(FMT.pctSigned)],
        [statusWord(status, lang), book.status(status)],
        [cmp?.previous?.changePct ?? null, book.num(FMT.pctSigned)],
        [cmp?.lastYear?.changePct ?? null, book.num(FMT.pctSigned)],
        m ? [m.variancePct, book.status(m.status, FMT.pctSigned)] : [null],
        y ? [y.variancePct, book.status(y.status, FMT.pctSigned)] : [null],
        sum ? [sum.forecast, vf] : [null],
        sum ? [sum.gapToAnnual, varf] : [null],
        sum ? [sum.requiredPace, book.num(FMT.pct)] : [null],
        [kpi ? toleranceCell(kpi) : null, book.text()],
      ]),
    );
  }

  const sentence = (text: string) => s.add([[safeText(text), book.text()]]);
  const worst = largestUnfavourable(model);
  s.blank();
  s.add([[t.largestUnfavourable, book.section()]], 20);
  if (worst.length === 0) sentence(t.noneUnfavourable);
  for (const u of worst) {
    const name = kpiName(u.kpi, u.row.kpi, lang);
    const range = rangeName(model, u.row.range);
    sentence(
      `${name} · ${range}: ${signedAmount(model, u.kpi, u.row.variance)} (${formatPercent(u.row.variancePct, 1, true)}) · ${statusWord(u.row.status, lang)}`,
    );
  }

  const explained = new Set([
    ...(model.headline ? [model.headline.kpi] : []),
    ...worst.map((u) => u.row.kpi),
  ]);
  const lines = [...explained].flatMap((id) => {
    const a = attributionOf(model, id);
    return a ? [attributionSentence(model, a)] : [];
  });
  if (lines.length > 0) {
    s.blank();
    s.add([[t.whereFrom, book.section()]], 20);
    for (const line of lines) sentence(line);
  }

  const { empty } = kpisWithFigures(model);
  if (empty.length > 0) {
    s.blank();
    sentence(
      `${t.noDataKpis}${empty.map((id) => kpiName(kpis.get(id), id, lang)).join(lang === 'zh' ? '、' : ', ')}`,
    );
  }

  s.blank();
  s.add(
    [[t.legend, book.bold()], ...STATUS_ORDER.map((st) => [statusWord(st, lang), book.status(st)] as const)],
    18,
  );
  s.add([[`${t.legendIntro} ${t.displayedAsPp}${lang === 'zh' ? '。' : '.'}`, book.note()]]);
  if (model.scorecard.score !== null) {
    s.add([
      [
        `${t.scorecard} · ${rangeLabel(
          model.ranges.find((r) => r.kind === model.scorecard.range),
          model.scorecard.range,
          lang,
        )}: ${formatPercent(model.scorecard.score)}`,
        book.note(),
      ],
    ]);
  }
  // Keeps the large-number words in one place for the analyst: the cells above hold exact
  // values; this line is the same total in the reader's units.
  const headline = model.headline ? (own ? rowFor(model, model.headline.kpi, own) : undefined) : undefined;
  const hk = model.headline ? kpis.get(model.headline.kpi) : undefined;
  if (headline && hk?.unit === 'currency' && hk.aggregation === 'sum') {
    s.add([
      [
        `${kpiName(hk, hk.id, lang)} · ${ownLabel}: ${formatCompact(headline.actual, lang, currencySymbol(hk.currency))} / ${formatCompact(headline.target, lang, currencySymbol(hk.currency))} (${signedAmount(model, hk, headline.variance)})`,
        book.note(),
      ],
    ]);
  }
  s.ws.commit();
}
