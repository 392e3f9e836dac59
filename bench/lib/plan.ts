/**
 * The benchmark's world, generated from a seed: a plan configuration with 12 KPIs and nine
 * dimensions (channel × category × region = 2,000 combinations), the 366 days of FY2028 (a
 * leap year), upload files and fact arrays. Every workload builds its input from here.
 */
import { defineConfig } from '../../shared/config/define-config.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { ActualFact, DimensionValues, TargetFact } from '../../shared/domain/types.ts';
import { createPrng, type Prng, prngAt } from './prng.ts';

export const SEED = 20_281_231;
export const KPI_COUNT = 12;
export const FISCAL_YEAR = 'FY2028';
/** A Sunday: the report covers the last complete ISO week of FY2028, so YTD is all 366 days. */
export const AS_OF = '2028-12-31';

/** Dimension id → number of values. The first three span the engine's 2,000 combinations. */
const DIMENSIONS: readonly { id: string; en: string; zh: string; values: number }[] = [
  { id: 'channel', en: 'Channel', zh: '渠道', values: 5 },
  { id: 'category', en: 'Category', zh: '品类', values: 20 },
  { id: 'region', en: 'Region', zh: '区域', values: 20 },
  { id: 'device', en: 'Device', zh: '终端', values: 3 },
  { id: 'customer', en: 'Customer type', zh: '客户类型', values: 4 },
  { id: 'promo', en: 'Promotion', zh: '促销活动', values: 3 },
  { id: 'warehouse', en: 'Warehouse', zh: '仓库', values: 6 },
  { id: 'brand', en: 'Brand', zh: '品牌', values: 10 },
  { id: 'city', en: 'City', zh: '城市', values: 10 },
];

const pad2 = (n: number) => String(n).padStart(2, '0');

export function kpiId(k: number): string {
  return `kpi_${pad2(k + 1)}`;
}

/** The benchmark plan: 12 sum KPIs, nine dimensions, one weekly report over all KPIs. */
export function benchConfig(): PlanConfig {
  return defineConfig({
    version: 'bench-1',
    company: { en: 'Bench Shop', zh: '基准商城' },
    calendar: { timeZone: 'Asia/Shanghai', fiscalYearStartMonth: 1, fiscalYears: [FISCAL_YEAR] },
    dimensions: DIMENSIONS.map((d) => ({
      id: d.id,
      name: { en: d.en, zh: d.zh },
      aliases: [],
      values: Array.from({ length: d.values }, (_, i) => ({
        id: `${d.id}_${i + 1}`,
        name: { en: `${d.en} ${i + 1}`, zh: `${d.zh}${i + 1}` },
        aliases: [],
      })),
    })),
    kpis: Array.from({ length: KPI_COUNT }, (_, k) => ({
      id: kpiId(k),
      name: { en: `Metric ${k + 1}`, zh: `指标${k + 1}` },
      unit: k % 3 === 0 ? ('currency' as const) : ('count' as const),
      aggregation: 'sum' as const,
      direction: 'higher_is_better' as const,
    })),
    reports: [
      {
        id: 'weekly',
        name: { en: 'Weekly', zh: '周报' },
        schedule: { cron: 'cron(0 9 ? * MON *)' },
        asOfRule: 'last_complete_week',
        ranges: ['WTD', 'MTD', 'QTD', 'YTD'],
        kpis: Array.from({ length: KPI_COUNT }, (_, k) => kpiId(k)),
        breakdowns: ['channel', 'category'],
        recipients: [{ email: 'boss@example.com' }],
      },
    ],
    email: { from: 'plan@example.com', allowedDomains: ['example.com'] },
    contacts: {
      operators: 'ops@example.com',
      uploads: { actuals: 'a@example.com', targets: 't@example.com', milestones: 'm@example.com' },
    },
    ingest: { maxFileBytes: 1024 * 1024 * 1024, maxRows: 5_000_000 },
  });
}

/** The 366 days of FY2028 as `YYYY-MM-DD`. */
export function yearDays(): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2028, 0, 1); t <= Date.UTC(2028, 11, 31); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * Combination `c` of channel × category × region (c < 2,000), as dimension values; `wide`
 * adds device × customer type for up to 24,000 combinations (the scale runs of issue 16).
 */
export function combo(c: number, wide = false): DimensionValues {
  const narrow = {
    channel: `channel_${(c % 5) + 1}`,
    category: `category_${(Math.floor(c / 5) % 20) + 1}`,
    region: `region_${(Math.floor(c / 100) % 20) + 1}`,
  };
  if (!wide) return narrow;
  return {
    ...narrow,
    device: `device_${(Math.floor(c / 2000) % 3) + 1}`,
    customer: `customer_${(Math.floor(c / 6000) % 4) + 1}`,
  };
}

/** A daily value around 1,000 × a per-KPI scale, with a weekly rhythm and noise. */
function dailyValue(prng: Prng, k: number, day: number): number {
  const scale = 1 + (k % 4);
  const weekly = 1 + 0.2 * Math.sin((day / 7) * 2 * Math.PI);
  return Math.round(1_000 * scale * weekly * (0.5 + prng.next()) * 100) / 100;
}

/** Combinations {@link combo} can tell apart with the wide dimensions (5 × 20 × 20 × 3 × 4). */
export const MAX_COMBOS = 24_000;

/** The weekly rhythm of {@link dailyValue} per day of the year, computed once. */
const WEEKLY = Array.from({ length: 366 }, (_, day) => 1 + 0.2 * Math.sin((day / 7) * 2 * Math.PI));

/**
 * The daily actual of KPI `k`, combination `c`, day `day` (0-based in FY2028) of the scale
 * runs, from its index alone (counter-based, {@link prngAt}): any fact can be generated in any
 * order, so the synthetic DynamoDB table needs no storage and the workload can recompute the
 * expected sums. Whole numbers, so every sum is exact whatever the order of addition.
 */
export function actualAt(k: number, c: number, day: number, seed = SEED): number {
  const u = prngAt(seed, (k * MAX_COMBOS + c) * 366 + day);
  return Math.round(1_000 * (1 + (k % 4)) * WEEKLY[day]! * (0.5 + u));
}

/**
 * Visits the `kpis × combos × days` daily actuals of FY2028 in order (KPI, combination, day)
 * without making an object per fact. Combinations share their dims object and days their
 * period string. More than 2,000 combinations take the wide dimensions of {@link combo}.
 */
export function forEachActual(
  kpis: number,
  combos: number,
  visit: (kpi: string, period: string, dims: DimensionValues, value: number) => void,
  seed = SEED,
): void {
  const prng = createPrng(seed);
  const days = yearDays();
  const dims = Array.from({ length: combos }, (_, c) => combo(c, combos > 2000));
  for (let k = 0; k < kpis; k++) {
    const kpi = kpiId(k);
    for (let c = 0; c < combos; c++) {
      const d = dims[c]!;
      for (let day = 0; day < days.length; day++) visit(kpi, days[day]!, d, dailyValue(prng, k, day));
    }
  }
}

/**
 * The facts of {@link forEachActual} as objects (as an upload parser's output would not
 * share dims and period strings, but the engine input is the measured thing).
 */
export function generateActuals(kpis: number, combos: number, seed = SEED): ActualFact[] {
  const out: ActualFact[] = new Array(kpis * combos * 366);
  let i = 0;
  forEachActual(
    kpis,
    combos,
    (kpi, period, dims, value) => {
      out[i++] = { kpi, period, dims, value };
    },
    seed,
  );
  return out;
}

/**
 * Monthly budget targets per KPI × channel (how a finance team phases a plan), sized from the
 * expected actuals of `combos` combinations with ±10 % noise.
 */
export function generateTargets(kpis: number, combos: number, seed = SEED + 1): TargetFact[] {
  const prng = createPrng(seed);
  const perChannel = Math.max(1, combos / 5);
  const out: TargetFact[] = [];
  for (let k = 0; k < kpis; k++) {
    for (let ch = 0; ch < Math.min(5, combos); ch++) {
      for (let m = 1; m <= 12; m++) {
        const days = new Date(Date.UTC(2028, m, 0)).getUTCDate();
        const expected = 1_000 * (1 + (k % 4)) * days * perChannel;
        out.push({
          version: 'budget',
          kpi: kpiId(k),
          period: `2028-${pad2(m)}`,
          dims: { channel: `channel_${ch + 1}` },
          value: Math.round(expected * (0.9 + 0.2 * prng.next())),
        });
      }
    }
  }
  return out;
}

/** Columns of a generated upload: date, kpi, value and the nine dimensions = 12. */
export const UPLOAD_HEADER: readonly string[] = [
  'date',
  'kpi',
  'value',
  ...DIMENSIONS.map((d, i) => (i % 2 === 0 ? d.zh : d.en)),
];

/**
 * The same columns in ASCII only, for the XLSX file: exceljs's streaming reader decodes each
 * inflated chunk on its own, so a multi-byte character cut at a chunk boundary turns into
 * U+FFFD and the row is rejected (see bench/NOTES.md). ASCII cells keep the benchmark about
 * speed, not about that defect.
 */
export const UPLOAD_HEADER_ASCII: readonly string[] = [
  'date',
  'kpi',
  'value',
  ...DIMENSIONS.map((d) => d.en),
];

/** One upload row as cells; `typed` gives numbers and Date objects (for XLSX) instead of text. */
export type UploadCell = string | number | Date;

/**
 * Generates upload rows `i = 0 … rows-1` of a valid actuals file: unique (kpi, day, dims) keys,
 * cells written the ways people write them (ids or Chinese names, `2028/1/5` or ISO dates,
 * `1,234.50` with thousands separators). `typed` (for XLSX) gives Date and number cells and
 * ASCII names only (ids or English names).
 */
export function* uploadRows(
  rows: number,
  typed: boolean,
  seed = SEED + 2,
  /** Names in Chinese (as in CSV) even for typed cells; default: only when not typed. */
  chinese = !typed,
): Generator<UploadCell[]> {
  const prng = createPrng(seed);
  const days = yearDays();
  const perCombo = KPI_COUNT * days.length;
  for (let i = 0; i < rows; i++) {
    const day = i % days.length;
    const k = Math.floor(i / days.length) % KPI_COUNT;
    const c = Math.floor(i / perCombo);
    const iso = days[day]!;
    const dateCell: UploadCell = typed
      ? new Date(`${iso}T00:00:00Z`)
      : prng.next() < 0.85
        ? iso
        : `${iso.slice(0, 4)}/${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}`;
    const r = prng.next();
    const kpiCell =
      r < 0.7 || (!chinese && r < 0.9) ? kpiId(k) : r < 0.9 ? `指标${k + 1}` : `Metric ${k + 1}`;
    const v = dailyValue(prng, k, day);
    const vr = prng.next();
    const valueCell: UploadCell = typed
      ? v
      : vr < 0.6
        ? v.toFixed(2)
        : vr < 0.8
          ? v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
          : String(Math.round(v));
    const fixed = combo(c % 2000);
    const cells: UploadCell[] = [dateCell, kpiCell, valueCell];
    DIMENSIONS.forEach((d, di) => {
      // The first three dims make the key unique; the rest vary per row.
      const index = di < 3 ? Number((fixed[d.id] ?? '_1').split('_')[1]) - 1 : prng.int(d.values);
      const asName = prng.next() < 0.3;
      cells.push(asName ? `${chinese ? d.zh : `${d.en} `}${index + 1}` : `${d.id}_${index + 1}`);
    });
    yield cells;
  }
}

/** Quotes a CSV cell when it holds a delimiter, quote or line break. */
export function csvCell(cell: UploadCell): string {
  const text = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
