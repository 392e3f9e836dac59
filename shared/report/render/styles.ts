/**
 * The one place for the report's look, shared by the workbook and the email: status colours,
 * brand colours, fonts and the Excel number formats.
 *
 * Status is a fill colour AND a word. Palette: blue (on track), light amber (at risk), dark
 * red with white text (off track), grey (no data/target). Blue vs amber separates in every
 * common colour-vision deficiency, and off-track differs from at-risk in lightness, not only
 * in hue, so it stays distinct in deuteranopia and in greyscale print.
 */
import type { MilestoneState, VarianceStatus } from '../../domain/types.ts';
import { currencyDecimals, currencySymbol } from '../i18n.ts';
import type { Language, ReportKpi } from '../report-model.ts';

/** Fill and font colours per status (ARGB). */
export const STATUS_COLOURS: Readonly<Record<VarianceStatus, { fill: string; font: string }>> = {
  on_track: { fill: 'FFCFE2F3', font: 'FF0B3D66' },
  at_risk: { fill: 'FFFFE08A', font: 'FF5C4400' },
  off_track: { fill: 'FF9E1B32', font: 'FFFFFFFF' },
  no_data: { fill: 'FFE7E6E6', font: 'FF404040' },
  no_target: { fill: 'FFE7E6E6', font: 'FF404040' },
};

/** The order the legend lists the statuses in. */
export const STATUS_ORDER: readonly VarianceStatus[] = [
  'on_track',
  'at_risk',
  'off_track',
  'no_data',
  'no_target',
];

/** Which status colour a milestone state wears. */
export const MILESTONE_COLOURS: Readonly<Record<MilestoneState, VarianceStatus>> = {
  done: 'on_track',
  on_track: 'on_track',
  done_late: 'at_risk',
  behind: 'at_risk',
  overdue: 'off_track',
  blocked: 'off_track',
  not_started: 'no_data',
  cancelled: 'no_data',
};

/** Brand and text colours (ARGB). */
export const COLOURS = {
  brand: 'FF1F3A5F',
  text: 'FF1F2933',
  muted: 'FF7F7F7F',
  subtle: 'FF595959',
  rule: 'FFBFBFBF',
  groupRule: 'FF8EA9C8',
  panel: 'FFF5F7FA',
} as const;

/** `FF1F3A5F` → `#1f3a5f`, for HTML. */
export function cssColour(argb: string): string {
  return `#${argb.slice(2).toLowerCase()}`;
}

export const WORKBOOK_FONT = 'Calibri';
export const EMAIL_FONT_STACK =
  "-apple-system,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif";

/** Excel number formats used by the workbook. */
export const FMT = {
  count: '#,##0',
  countSigned: '+#,##0;-#,##0;0',
  number: '#,##0.00',
  numberSigned: '+#,##0.00;-#,##0.00;0.00',
  rate: '0.00%',
  pct: '0.0%',
  pctSigned: '+0.0%;-0.0%;0.0%',
  progress: '0%',
  weight: '0.##',
  date: 'yyyy-mm-dd',
  integer: '0',
} as const;

/** Format of a KPI's values (actual, target, forecast…). */
export function valueFormat(kpi: ReportKpi): string {
  switch (kpi.unit) {
    case 'currency': {
      const sym = currencySymbol(kpi.currency).trim();
      const quoted = /^[¥$€£]$/.test(sym) ? sym : `"${currencySymbol(kpi.currency)}"`;
      return currencyDecimals(kpi) === 0 ? `${quoted}#,##0` : `${quoted}#,##0.00`;
    }
    case 'count':
      return FMT.count;
    case 'percent':
      return FMT.rate;
    case 'minutes':
    case 'days':
      return '#,##0.0';
    default:
      return FMT.number;
  }
}

/** Format of a KPI's variance; percent KPIs get percentage points (value × 100). */
export function varianceFormat(kpi: ReportKpi, language: Language): string {
  switch (kpi.unit) {
    case 'currency': {
      const body = valueFormat(kpi);
      return `+${body};-${body};${body}`;
    }
    case 'count':
      return FMT.countSigned;
    case 'percent': {
      const unit = language === 'zh' ? '" 个百分点"' : '" pp"';
      return `+0.00${unit};-0.00${unit};0.00${unit}`;
    }
    case 'minutes':
    case 'days':
      return '+#,##0.0;-#,##0.0;0.0';
    default:
      return FMT.numberSigned;
  }
}

/** The number a variance cell holds: percentage points for percent KPIs, else as is. */
export function varianceCellValue(kpi: ReportKpi, variance: number | null): number | null {
  if (variance === null) return null;
  // Round away float noise (−0.0020000000000000018 × 100) so the stored value is the pp.
  return kpi.unit === 'percent' ? Math.round(variance * 100 * 1e10) / 1e10 : variance;
}
