/**
 * What a reader must see first, decided once for every renderer (email and workbook): the
 * report's own period and the ranges that follow it, the unfavourable variances ranked by
 * what they cost, where each gap comes from, data-quality findings merged per KPI and the
 * trend window. Only selection and wording here; every figure is the model's.
 */
import type { RangeKind } from '../../domain/types.ts';
import { DASH, formatKpiAmount, formatPercent, formatPp, labels, ownerName } from '../i18n.ts';
import type {
  Attribution,
  KpiRangeRow,
  PeriodComparison,
  ReportKpi,
  ReportModel,
  ReportRange,
  TrendPeriod,
} from '../report-model.ts';

/** How many KPIs the "largest unfavourable" list names. */
export const TOP_UNFAVOURABLE = 5;
/** How many slices an attribution line names. */
export const ATTRIBUTION_SLICES = 3;
/** How many trend periods the compact trend shows (8–13 reads on a page and on a phone). */
export const TREND_PERIODS = 13;

export function kpiIndex(model: ReportModel): ReadonlyMap<string, ReportKpi> {
  return new Map(model.kpis.map((k) => [k.id, k]));
}

export function kpiName(model: ReportModel, id: string): string {
  return model.kpis.find((k) => k.id === id)?.name[model.report.language] ?? id;
}

/** Money KPIs are compared by money: an additive currency KPI. */
export function isMoneyKpi(kpi: ReportKpi | undefined): boolean {
  return kpi?.unit === 'currency' && kpi.aggregation === 'sum';
}

/**
 * The ranges a reader goes through, in order: the report's own period (the range whose
 * period key is the run's, e.g. this week in a weekly report), then month to date, then
 * the year. Ranges the report does not configure are left out.
 */
export function leadRanges(model: ReportModel): readonly ReportRange[] {
  if (model.lead && model.lead.ranges.length > 0) return model.lead.ranges;
  const own =
    model.ranges.find((r) => r.periodKey === model.periodKey) ??
    model.ranges.find((r) => r.kind === model.headline?.range) ??
    model.ranges[0];
  const out: ReportRange[] = own ? [own] : [];
  for (const kind of ['MTD', 'QTD', 'YTD'] as const) {
    const r = model.ranges.find((x) => x.kind === kind);
    if (r && !out.includes(r) && (kind !== 'QTD' || !model.ranges.some((x) => x.kind === 'MTD'))) out.push(r);
  }
  return out;
}

/** A range's name in the report language, for lead ranges too (`上一完整周`, not `LAST_WEEK`). */
export function rangeName(model: ReportModel, kind: RangeKind): string {
  const r = [...leadRanges(model), ...model.ranges].find((x) => x.kind === kind);
  return r ? r.label[model.report.language] : kind;
}

/** The table's range covering the same days (a weekly report's LAST_WEEK is its WTD on a Sunday). */
function sameDays(model: ReportModel, range: ReportRange): RangeKind | undefined {
  return model.ranges.find((r) => r.start === range.start && r.end === range.end)?.kind;
}

export function tableRow(model: ReportModel, kpi: string, range: RangeKind): KpiRangeRow | undefined {
  return model.table.find((r) => r.kpi === kpi && r.range === range);
}

/** A KPI's figures over a lead range: the lead's own row, else the table's row for the same days. */
export function rowFor(model: ReportModel, kpi: string, range: ReportRange): KpiRangeRow | undefined {
  if (model.lead?.kpi === kpi) {
    const i = model.lead.ranges.findIndex((r) => r.kind === range.kind);
    if (i >= 0 && model.lead.rows[i]) return model.lead.rows[i];
  }
  const direct = tableRow(model, kpi, range.kind);
  if (direct) return direct;
  const same = sameDays(model, range);
  return same ? tableRow(model, kpi, same) : undefined;
}

/** A row that says something: an actual or a target. */
export function hasFigures(row: Pick<KpiRangeRow, 'actual' | 'target'> | undefined): boolean {
  return row !== undefined && (row.actual !== null || row.target !== null);
}

/** KPIs with figures in any shown range; the rest are named once as "no data". */
export function kpisWithFigures(model: ReportModel): { readonly shown: string[]; readonly empty: string[] } {
  const shown: string[] = [];
  const empty: string[] = [];
  for (const k of model.kpis) {
    if (!model.table.some((r) => r.kpi === k.id)) continue;
    (model.table.some((r) => r.kpi === k.id && hasFigures(r)) ? shown : empty).push(k.id);
  }
  return { shown, empty };
}

/** The KPIs the lead shows: the headline KPI first, then the others in configuration order. */
export function leadKpis(model: ReportModel): readonly string[] {
  const { shown } = kpisWithFigures(model);
  const h = model.headline?.kpi;
  return h && shown.includes(h) ? [h, ...shown.filter((k) => k !== h)] : shown;
}

export function comparisonOf(
  model: ReportModel,
  kpi: string,
  range: RangeKind,
): PeriodComparison | undefined {
  return model.comparisons.find((c) => c.kpi === kpi && c.range === range);
}

export interface Unfavourable {
  readonly row: KpiRangeRow;
  readonly kpi: ReportKpi | undefined;
  /** Money impact (CNY) for money KPIs, else null. */
  readonly money: number | null;
}

/**
 * The largest unfavourable variances of the report's own period (this week in a weekly
 * report: month and year are in the lead), one per KPI.
 * Money KPIs rank first, by what the variance costs in money, so a ¥131k overspend never
 * outranks a ¥5.8M shortfall; KPIs in other units follow, by unfavourable percent (a count
 * and a rate have no common unit with money, so they are not mixed into its order).
 */
export function largestUnfavourable(model: ReportModel, limit = TOP_UNFAVOURABLE): readonly Unfavourable[] {
  const kpis = kpiIndex(model);
  const own = leadRanges(model)[0];
  const ranges = new Set(own ? [own.kind, sameDays(model, own)] : []);
  const worst = new Map<string, Unfavourable>();
  const cost = (u: Unfavourable) => (u.money === null ? 0 : Math.abs(u.money));
  for (const row of [...(model.lead?.rows ?? []), ...model.table]) {
    if (!ranges.has(row.range)) continue;
    if (row.favourablePct === null || row.favourablePct >= 0) continue;
    if (row.status !== 'at_risk' && row.status !== 'off_track') continue;
    const kpi = kpis.get(row.kpi);
    // The table's same-day range is the period itself: name it as the period.
    const named = own && row.range !== own.kind ? { ...row, range: own.kind } : row;
    const candidate: Unfavourable = { row: named, kpi, money: isMoneyKpi(kpi) ? row.variance : null };
    const seen = worst.get(row.kpi);
    const better = seen
      ? candidate.money !== null
        ? cost(candidate) > cost(seen)
        : (candidate.row.favourablePct ?? 0) < (seen.row.favourablePct ?? 0)
      : true;
    if (better) worst.set(row.kpi, candidate);
  }
  return [...worst.values()]
    .sort((a, b) => {
      if ((a.money === null) !== (b.money === null)) return a.money === null ? 1 : -1;
      if (a.money !== null) return cost(b) - cost(a);
      return (a.row.favourablePct ?? 0) - (b.row.favourablePct ?? 0);
    })
    .slice(0, limit);
}

/** The attribution of a KPI for the report's own period, else its nearest lead range. */
export function attributionOf(model: ReportModel, kpi: string): Attribution | undefined {
  const all = model.attribution.filter((a) => a.kpi === kpi && a.slices.length > 0);
  for (const r of leadRanges(model)) {
    const a = all.find((x) => x.range === r.kind);
    if (a) return a;
  }
  return all[0];
}

/** A value in the KPI's unit as a signed change: money in 万/亿, percent KPIs in pp. */
export function signedAmount(model: ReportModel, kpi: ReportKpi | undefined, value: number | null): string {
  const lang = model.report.language;
  if (!kpi) return value === null ? DASH : String(value);
  if (kpi.unit === 'percent') return formatPp(value, lang);
  return formatKpiAmount(value, kpi, lang, true);
}

/**
 * One line saying where a KPI's variance comes from, e.g.
 * `宠物（李伟） −¥580.0万、健康食品（王芳） −¥330.0万 解释了GMV偏差的 95.0%`; for ratio KPIs
 * the rate and mix effects follow.
 */
export function attributionSentence(model: ReportModel, a: Attribution): string {
  const lang = model.report.language;
  const t = labels(lang).text;
  const kpi = kpiIndex(model).get(a.kpi);
  const slices = a.slices.slice(0, ATTRIBUTION_SLICES);
  const listed = slices
    .map((s) => {
      const owner =
        s.owner === null
          ? ''
          : lang === 'zh'
            ? `（${ownerName(model, s.owner)}）`
            : ` (${ownerName(model, s.owner)})`;
      return `${s.label[lang]}${owner} ${signedAmount(model, kpi, s.contribution)}`;
    })
    .join(lang === 'zh' ? '、' : ', ');
  const explained = slices.reduce((sum, s) => sum + s.contribution, 0);
  const share = a.totalVariance === 0 ? null : explained / a.totalVariance;
  let line = t.explainShare
    .replace('{slices}', listed)
    .replace('{share}', formatPercent(share, 0))
    .replace('{kpi}', kpiName(model, a.kpi));
  if (a.effects) {
    line += lang === 'zh' ? '；' : '; ';
    line += t.rateMix
      .replace('{rate}', signedAmount(model, kpi, a.effects.rate))
      .replace('{mix}', signedAmount(model, kpi, a.effects.mix));
  }
  return line;
}

export interface DataQualityLine {
  readonly kpi: string;
  readonly stale: boolean;
  readonly dataThrough: string | null;
  readonly gapDays: number;
  readonly gapRuns: number;
  /** First and last missing day, when there are gaps. */
  readonly first: string | null;
  readonly last: string | null;
  readonly reportedAtLevel: boolean;
}

function days(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Data-quality findings merged to one line per KPI (not one per gap); KPIs without findings left out. */
export function dataQualityLines(model: ReportModel): readonly DataQualityLine[] {
  const out: DataQualityLine[] = [];
  for (const k of model.dataQuality.kpis) {
    // A stale KPI's gap up to asOf is what "stale" already says: count only the others.
    const gaps = k.stale ? k.gaps.filter((g) => g.end !== model.asOf) : k.gaps;
    if (!k.stale && gaps.length === 0 && k.reportedAtLevel) continue;
    out.push({
      kpi: k.kpi,
      stale: k.stale,
      dataThrough: k.dataThrough,
      gapDays: gaps.reduce((n, g) => n + days(g.start, g.end), 0),
      gapRuns: gaps.length,
      first: gaps[0]?.start ?? null,
      last: gaps.at(-1)?.end ?? null,
      reportedAtLevel: k.reportedAtLevel,
    });
  }
  return out;
}

/** The words of one merged data-quality line, without the KPI name. */
export function dataQualityDetail(model: ReportModel, line: DataQualityLine): string {
  const t = labels(model.report.language).text;
  const sep = model.report.language === 'zh' ? '；' : '; ';
  const parts: string[] = [];
  if (!line.reportedAtLevel) parts.push(t.notReportedAtLevel);
  if (line.stale) parts.push(`${t.staleKpi} ${line.dataThrough ?? DASH}`);
  if (line.gapRuns > 0) {
    parts.push(
      t.gapSummary
        .replace('{days}', String(line.gapDays))
        .replace('{runs}', String(line.gapRuns))
        .replace('{first}', line.first ?? DASH)
        .replace('{last}', line.last ?? DASH),
    );
  }
  return parts.join(sep);
}

/** The last periods of the trend that have any figure, at most `limit`. */
export function trendWindow(model: ReportModel, limit = TREND_PERIODS): readonly TrendPeriod[] {
  const withFigures = model.trend.periods.filter((p) =>
    model.trend.series.some((s) =>
      s.points.some((pt) => pt.period === p.key && (pt.actual !== null || pt.target !== null)),
    ),
  );
  return withFigures.slice(-limit);
}

/**
 * A KPI's tolerance (thresholds of unfavourable variance %); the legend states it beside the
 * status words. Null only for a hand-built model that lacks it.
 */
export function kpiTolerance(kpi: ReportKpi): { readonly atRisk: number; readonly offTrack: number } | null {
  const t = kpi.tolerance as ReportKpi['tolerance'] | undefined;
  return t && Number.isFinite(t.atRisk) && Number.isFinite(t.offTrack) ? t : null;
}

export function toleranceText(model: ReportModel, kpi: ReportKpi): string | null {
  const tol = kpiTolerance(kpi);
  if (!tol) return null;
  return labels(model.report.language)
    .text.toleranceText.replace('{atRisk}', formatPercent(tol.atRisk, 0))
    .replace('{offTrack}', formatPercent(tol.offTrack, 0));
}
