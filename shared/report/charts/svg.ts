/**
 * The few SVG pieces the chart images are made of, and their palette. The SVG is only an
 * intermediate: it is rasterised to PNG (./rasterise.ts) because mail clients show no SVG.
 */
import type { VarianceStatus } from '../../domain/types.ts';
import { STATUS_COLOURS } from '../render/excel.ts';
import { escapeHtml } from '../render/html.ts';

/** The one font the rasteriser has (./chart-assets.ts): Chinese and Latin in one face. */
export const CHART_FONT = 'Noto Sans SC';

/** `#RRGGBB` from the workbook's `AARRGGBB`. */
const rgb = (argb: string) => `#${argb.slice(2)}`;

/** The report's status colours (the workbook's and the email's), as the charts use them. */
export const PALETTE = {
  text: '#222222',
  muted: '#595959',
  grid: '#E0E0E0',
  axis: '#8C8C8C',
  /** Actual values and favourable bars: the on-track ink. */
  actual: rgb(STATUS_COLOURS.on_track.font),
  target: '#7F7F7F',
  favourable: rgb(STATUS_COLOURS.on_track.font),
  unfavourable: rgb(STATUS_COLOURS.off_track.fill),
  neutral: '#7F7F7F',
  /** Point markers: the status chip's fill, outlined in its ink (on_track's pale blue reads on white). */
  status: (status: VarianceStatus) => ({
    fill: rgb(STATUS_COLOURS[status].fill),
    stroke: rgb(status === 'off_track' ? STATUS_COLOURS.off_track.fill : STATUS_COLOURS[status].font),
  }),
} as const;

type Attrs = Readonly<Record<string, string | number | undefined>>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(typeof v === 'number' ? round(v) : String(v))}"`)
    .join('');
}

/** Two decimals are enough for pixels and keep the SVG (and the tests' reading of it) short. */
const round = (n: number) => String(Math.round(n * 100) / 100);

export function el(name: string, values: Attrs, children = ''): string {
  return children ? `<${name}${attrs(values)}>${children}</${name}>` : `<${name}${attrs(values)}/>`;
}

export function text(
  x: number,
  y: number,
  content: string,
  { size = 12, anchor = 'start', fill = PALETTE.text, weight }: TextStyle = {},
): string {
  return el(
    'text',
    { x, y, 'font-size': size, 'text-anchor': anchor, fill, 'font-weight': weight },
    escapeHtml(content),
  );
}

export interface TextStyle {
  readonly size?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly fill?: string;
  readonly weight?: 'bold';
}

export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}"><rect width="100%" height="100%" fill="#FFFFFF"/>${body}</svg>`;
}

/** Rough advance width of a string at `size` px: CJK ≈ 1 em, other characters ≈ 0.58 em. */
export function textWidth(value: string, size: number): number {
  let em = 0;
  for (const ch of value) em += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/.test(ch) ? 1 : 0.58;
  return em * size;
}

/** Cuts `value` to fit `width` px at `size`, ending in `…` when cut. */
export function fitText(value: string, width: number, size: number): string {
  if (textWidth(value, size) <= width) return value;
  let out = '';
  for (const ch of value) {
    if (textWidth(`${out}${ch}…`, size) > width) break;
    out += ch;
  }
  return `${out}…`;
}
