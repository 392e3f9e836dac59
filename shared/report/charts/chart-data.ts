/**
 * What the charts show, taken from the report model (no figure is recomputed): the headline
 * KPI's actual against its phased target over the last trend periods, and the slices that
 * explain its variance. The email images and the workbook charts both draw from this, so the
 * picture in the mail and the editable chart in the workbook say the same thing.
 */
import type { Direction, RangeKind, VarianceStatus } from '../../domain/types.ts';
import { labels } from '../i18n.ts';
import { RANGE_LABELS } from '../model/ranges.ts';
import type { Language, ReportKpi, ReportModel } from '../report-model.ts';

/** At most this many trend periods (weeks or months) are drawn: a quarter of weeks. */
export const TREND_PERIODS_SHOWN = 13;
/** At most this many slices get their own bar; the others are summed into one "other" bar. */
export const SLICES_SHOWN = 6;

export interface TrendChartData {
  readonly kpi: ReportKpi;
  readonly language: Language;
  readonly title: string;
  /** Period keys, oldest first (`2026-W47`), and their short axis labels (`W47`). */
  readonly periods: readonly string[];
  readonly periodLabels: readonly string[];
  readonly actual: readonly (number | null)[];
  readonly target: readonly (number | null)[];
  readonly status: readonly VarianceStatus[];
  readonly seriesNames: { readonly actual: string; readonly target: string };
}

export interface VarianceBar {
  readonly label: string;
  /** The slice's contribution to the variance (actual − target), in the KPI's unit. */
  readonly value: number;
  /** Whether this contribution helps the KPI (depends on its direction); null: neither. */
  readonly favourable: boolean | null;
}

export interface VarianceChartData {
  readonly kpi: ReportKpi;
  readonly language: Language;
  readonly title: string;
  /** e.g. `MTD`: the range the variance is over. */
  readonly range: string;
  /** actual − target of the KPI over the range (the bars, with "other", add up to it). */
  readonly total: number | null;
  readonly bars: readonly VarianceBar[];
  /** Name of the value column in the workbook's chart data. */
  readonly valueName: string;
}

/** Chart captions; the column words (actual, target, variance) are the workbook's. */
function words(language: Language) {
  const columns = labels(language).columns;
  const common = { actual: columns.actual, target: columns.target, contribution: columns.variance };
  return language === 'zh'
    ? {
        ...common,
        trend: (n: number, grain: 'week' | 'month') =>
          `实际与目标（近 ${n} ${grain === 'week' ? '周' : '个月'}）`,
        variance: '偏差来源',
        other: '其他',
      }
    : {
        ...common,
        trend: (n: number, grain: 'week' | 'month') => `actual vs target, last ${n} ${grain}s`,
        variance: 'where the variance comes from',
        other: 'Other',
      };
}

/** `2026-W47` → `W47`; `2026-11` → `11月` / `Nov`; anything else as it is. */
export function shortPeriodLabel(key: string, language: Language): string {
  const week = /^\d{4}-(W\d{2})$/.exec(key);
  if (week) return week[1]!;
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) {
    const m = Number(month[2]);
    return language === 'zh'
      ? `${m}月`
      : new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  }
  return key;
}

/** The KPI the charts are about: the headline's, else the report's first KPI. */
function chartKpi(model: ReportModel): ReportKpi | null {
  const id = model.headline?.kpi ?? model.kpis[0]?.id;
  return model.kpis.find((kpi) => kpi.id === id) ?? null;
}

export function favourable(value: number, direction: Direction): boolean | null {
  if (value === 0 || direction === 'closer_is_better') return null;
  return direction === 'higher_is_better' ? value > 0 : value < 0;
}

/** The headline KPI's last trend periods; null when it has no trend or no point with data. */
export function trendChartData(model: ReportModel): TrendChartData | null {
  const kpi = chartKpi(model);
  const series = kpi && model.trend.series.find((s) => s.kpi === kpi.id);
  if (!kpi || !series) return null;
  const points = series.points.slice(-TREND_PERIODS_SHOWN);
  if (!points.some((p) => p.actual !== null || p.target !== null)) return null;
  const language = model.report.language;
  const w = words(language);
  return {
    kpi,
    language,
    title: `${kpi.name[language]} · ${w.trend(points.length, model.trend.grain)}`,
    periods: points.map((p) => p.period),
    periodLabels: points.map((p) => shortPeriodLabel(p.period, language)),
    actual: points.map((p) => p.actual),
    target: points.map((p) => p.target),
    status: points.map((p) => p.status),
    seriesNames: { actual: w.actual, target: w.target },
  };
}

/**
 * The headline KPI's variance by slice: its attribution when the model has one (largest
 * contributors, then the rest as "other"), else its first breakdown's rows (variance per
 * value). Null when there is nothing to split.
 */
export function varianceChartData(model: ReportModel): VarianceChartData | null {
  const kpi = chartKpi(model);
  if (!kpi) return null;
  const language = model.report.language;
  const w = words(language);
  const title = (range: RangeKind) =>
    `${kpi.name[language]} ${RANGE_LABELS[range][language]} · ${w.variance}`;
  const base = { kpi, language, valueName: w.contribution };
  const attribution =
    model.attribution.find((a) => a.kpi === kpi.id && a.range === model.headline?.range) ??
    model.attribution.find((a) => a.kpi === kpi.id);
  if (attribution && attribution.slices.length > 0) {
    const shown = attribution.slices.slice(0, SLICES_SHOWN);
    const rest =
      attribution.rest + attribution.slices.slice(SLICES_SHOWN).reduce((sum, s) => sum + s.contribution, 0);
    const bars: VarianceBar[] = shown.map((s) => ({
      label: s.label[language],
      value: s.contribution,
      favourable: favourable(s.contribution, kpi.direction),
    }));
    if (rest !== 0) bars.push({ label: w.other, value: rest, favourable: favourable(rest, kpi.direction) });
    return {
      ...base,
      title: title(attribution.range),
      range: attribution.range,
      total: attribution.totalVariance,
      bars,
    };
  }
  const breakdown = model.breakdowns.find((b) => b.rows.some((r) => r.kpi === kpi.id && r.variance !== null));
  if (!breakdown) return null;
  const rows = breakdown.rows
    .filter((r) => r.kpi === kpi.id && r.variance !== null)
    .sort((a, b) => Math.abs(b.variance!) - Math.abs(a.variance!));
  const shown = rows.slice(0, SLICES_SHOWN);
  const rest = rows.slice(SLICES_SHOWN).reduce((sum, r) => sum + r.variance!, 0);
  const bars: VarianceBar[] = shown.map((r) => ({
    label: r.label[language],
    value: r.variance!,
    favourable: favourable(r.variance!, kpi.direction),
  }));
  if (rest !== 0) bars.push({ label: w.other, value: rest, favourable: favourable(rest, kpi.direction) });
  const total = model.table.find((r) => r.kpi === kpi.id && r.range === breakdown.range)?.variance ?? null;
  return { ...base, title: title(breakdown.range), range: breakdown.range, total, bars };
}
