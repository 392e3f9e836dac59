/**
 * Value → pixel mapping for the chart images: a linear scale over "nice" round ticks, and
 * compact axis labels (`¥4.5M`, `450万`) short enough for a phone-width picture.
 */
import { currencySymbol, formatPercent } from '../i18n.ts';
import type { Language, ReportKpi } from '../report-model.ts';

export interface LinearScale {
  /** Maps a value to a pixel coordinate. */
  (value: number): number;
  readonly ticks: readonly number[];
}

/** Round tick step (1, 2, 2.5 or 5 × 10^n) giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return step * magnitude;
}

/**
 * A scale from the values' extent (widened to round ticks, and to include 0 when
 * `includeZero`) onto the pixel interval [from, to] (`to` may be smaller: y grows downwards).
 */
export function linearScale(
  values: readonly number[],
  [from, to]: readonly [number, number],
  { includeZero = false, tickCount = 4 }: { includeZero?: boolean; tickCount?: number } = {},
): LinearScale {
  let lo = Math.min(...values, ...(includeZero ? [0] : []));
  let hi = Math.max(...values, ...(includeZero ? [0] : []));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(0, lo), Math.max(0, hi)];
  if (lo === hi) hi = lo + 1;
  const step = niceStep(hi - lo, tickCount);
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounded to the step's precision so 0.1 + 0.2 ticks do not print as 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toFixed(digits)));
  const scale = (value: number) => from + ((value - start) / (end - start)) * (to - from);
  return Object.assign(scale, { ticks });
}

const MINUS = '\u2212';

/** `4.5M` / `450万` / `1.2亿`: a number in as few characters as still tell it apart. */
export function compactNumber(value: number, language: Language): string {
  const abs = Math.abs(value);
  const units: readonly (readonly [number, string])[] =
    language === 'zh'
      ? [
          [1e8, '亿'],
          [1e4, '万'],
        ]
      : [
          [1e9, 'B'],
          [1e6, 'M'],
          [1e3, 'K'],
        ];
  const [divisor, suffix] = units.find(([d]) => abs >= d) ?? [1, ''];
  const scaled = abs / divisor;
  const body = `${Number(scaled.toFixed(scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2))}${suffix}`;
  return value < 0 && body !== '0' ? MINUS + body : body;
}

/** An axis or bar label in the KPI's unit, compact: `¥4.5M`, `−¥580万`, `3.2%`, `27K`. */
export function compactKpiValue(
  value: number,
  kpi: Pick<ReportKpi, 'unit' | 'currency'>,
  language: Language,
  signed = false,
): string {
  if (kpi.unit === 'percent') return formatPercent(value, 1, signed);
  const body = compactNumber(Math.abs(value), language);
  const prefix = kpi.unit === 'currency' ? currencySymbol(kpi.currency) : '';
  const sign = value < 0 && body !== '0' ? MINUS : signed && value > 0 ? '+' : '';
  return `${sign}${prefix}${body}`;
}
