/**
 * A realistic, deterministic fiscal year of upload files for the local stack, the CLI tests
 * and demos: daily actuals by channel × category × region tier × user segment with 618 and
 * Double 11 peaks and a weekday cycle, a few categories falling behind plan, one KPI whose
 * data stops a week early, budget targets at daily (weekly-judged sales, by cell), monthly and
 * quarterly grain, a monthly re-forecast, milestones (one
 * late), in a mix of formats (UTF-8 CSV, a GBK CSV with Chinese headers, an XLSX) and one
 * bad file that ingestion must reject.
 *
 * Everything is derived from the plan configuration (KPIs, dimensions, phasing), so a
 * changed configuration still yields a coherent year. Randomness comes from a seeded PRNG
 * (mulberry32): the same seed gives byte-identical files.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { KpiConfig, PhasingProfileConfig, PlanConfig } from '../../shared/config/schema.ts';
import {
  addDays,
  compareDates,
  daysInMonth,
  isoDayOfWeek,
  periodRange,
  toEpochDay,
} from '../../shared/domain/calendar.ts';
import { dimsKey } from '../../shared/domain/engine.ts';
import type { LocalDate } from '../../shared/domain/types.ts';

/** One file to drop into the uploads bucket. */
export interface SampleFile {
  /** Object key, always under `incoming/actuals|targets|milestones/`. */
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly metadata?: Record<string, string>;
  /** True for the file that is meant to be rejected. */
  readonly expectRejected: boolean;
}

export interface SampleYear {
  readonly files: SampleFile[];
  /** Human-readable notes on what the year contains (behind categories, stale KPI, …). */
  readonly description: string[];
  /** Facts of the story, for tests and the summary. */
  readonly story: {
    readonly behindCategories: string[];
    readonly staleKpi: string | null;
    readonly lateMilestone: string;
    /** The supplier whose on-time rate falls behind (null without a supplier dimension). */
    readonly lateSupplier: string | null;
    readonly actualRows: number;
  };
}

export interface SampleYearOptions {
  readonly seed: number;
  readonly fiscalYear: string;
  /** Actuals run up to and including this day (one stale KPI stops 7 days earlier). */
  readonly asOf: LocalDate;
  /**
   * Upper bound on daily actual rows over all KPIs (default {@link DEFAULT_MAX_ACTUAL_ROWS});
   * the year is made coarser (fewer sales cells, then totals only) to stay under.
   */
  readonly maxActualRows?: number;
}

/** Enough rows for sales by channel × category (with region, segment and supplier) every day. */
export const DEFAULT_MAX_ACTUAL_ROWS = 120_000;

/** mulberry32: tiny, fast, good enough for sample data, and reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mon … Sun multipliers: weekends sell more, Monday least (mean 1). */
const WEEKDAY = [0.92, 0.94, 0.96, 0.98, 1.02, 1.1, 1.08] as const;

/** The two dimensions sales are split by (their cartesian product), in order of preference. */
const CROSSED_DIMS = ['channel', 'category'];
/** Dimensions each sales cell carries one value of, rotated so every value occurs in every scope. */
const ATTACHED_DIMS = ['region_tier', 'user_segment', 'supplier'];

type Dims = Record<string, string>;
type Row = (string | number)[];

/** How coarse the year is, finest first: the first that fits `maxActualRows` is used. */
interface Grain {
  /** Crossed dimensions of the sales cells. */
  readonly crossed: readonly string[];
  /** Whether the KPIs outside the sales grain keep a dimension. */
  readonly sideDims: boolean;
}
const GRAINS: readonly Grain[] = [
  { crossed: CROSSED_DIMS, sideDims: true },
  ...CROSSED_DIMS.map((dim) => ({ crossed: [dim], sideDims: true })).reverse(),
  ...CROSSED_DIMS.map((dim) => ({ crossed: [dim], sideDims: false })).reverse(),
  { crossed: [], sideDims: true },
  { crossed: [], sideDims: false },
];

function cartesian(config: PlanConfig, dimIds: readonly string[]): Dims[] {
  let out: Dims[] = [{}];
  for (const id of dimIds) {
    const dim = config.dimensions.find((d) => d.id === id);
    if (!dim) continue;
    out = out.flatMap((combo) => dim.values.map((v) => ({ ...combo, [id]: v.id })));
  }
  return out;
}

/**
 * The sales cells of a grain: the crossed dimensions' product, each cell carrying one value of
 * every attached dimension, rotated by the cell's position so that every value of an attached
 * dimension occurs under every value of each crossed one (every category copy of a report has
 * every region tier and user segment). Suppliers follow the category (supplier i serves
 * category i), as a supplier serves its own category.
 */
function salesCells(config: PlanConfig, crossed: readonly string[]): Dims[] {
  const values = (id: string) => config.dimensions.find((d) => d.id === id)?.values.map((v) => v.id) ?? [];
  const present = crossed.filter((id) => values(id).length > 0);
  if (present.length === 0) return [{}];
  const cells = cartesian(config, present);
  const position = (cell: Dims, id: string) => values(id).indexOf(cell[id]!);
  return cells.map((cell) => {
    const [a, b] = [position(cell, present[0]!), present[1] ? position(cell, present[1]) : 0];
    const category = present.includes('category') ? position(cell, 'category') : a;
    const out: Dims = { ...cell };
    ATTACHED_DIMS.forEach((id, k) => {
      const vs = values(id);
      if (vs.length === 0) return;
      out[id] = id === 'supplier' ? vs[category % vs.length]! : vs[(a + b * (k + 1)) % vs.length]!;
    });
    return out;
  });
}

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const hasCjk = (s: string) => /[\u4e00-\u9fff]/.test(s);

/** Rounds a generated figure to what a BI export would show. */
function roundFor(kpi: KpiConfig, value: number): number {
  if (kpi.unit === 'percent') return Math.round(value * 10_000) / 10_000;
  if (kpi.unit === 'currency') return Math.round(value * 100) / 100;
  if (kpi.unit === 'count') return Math.round(value);
  return Math.round(value * 100) / 100;
}

/**
 * Generates the sample year. Pure: no clock, no I/O, no `Math.random`.
 *
 * The sales KPIs (the headline, GMV, and every sum KPI that feeds a ratio) are generated per
 * sales cell and day from one figure: the headline's value, times each ratio's rate in that
 * cell, so every row is consistent (on-time ≤ shipped ≤ orders ≤ sessions, returned ≤ orders,
 * high-margin GMV ≤ GMV). Sales follow the promotion calendar day by day (the headline's
 * month shares and the promotion days of the configured profile: Double 11 sells about eight
 * ordinary days' worth) and the budget plans the sales KPIs that reports judge by the week by
 * day and cell, so the weeks of 618 and Double 11 are judged against their own days and raise
 * no false alarm; other sums follow their KPI's phasing profile. Targets are the plan of the
 * very cells the actuals come from: daily at the cells (groups get their sum, spec §6), or at
 * the total, every dimension value, each category crossed with each other dimension and the
 * cells; a lower re-forecast at the total and every dimension value.
 */
export async function generateSampleYear(
  config: PlanConfig,
  options: SampleYearOptions,
): Promise<SampleYear> {
  const random = mulberry32(options.seed);
  const jitter = (spread: number) => 1 + (random() * 2 - 1) * spread;
  const startMonth = config.calendar.fiscalYearStartMonth;
  const year = periodRange(options.fiscalYear, startMonth);
  const lastDay = compareDates(options.asOf, year.end) < 0 ? options.asOf : year.end;
  const maxRows = options.maxActualRows ?? DEFAULT_MAX_ACTUAL_ROWS;
  const dimValues = (id: string) => config.dimensions.find((d) => d.id === id)?.values.map((v) => v.id) ?? [];
  const hasDim = (id: string) => dimValues(id).length > 0;

  // --- KPI roles ------------------------------------------------------------------------------
  const kpis = config.kpis;
  const kpiById = new Map(kpis.map((k) => [k.id, k]));
  const ratios = kpis.filter((k) => k.aggregation === 'ratio');
  const components = new Set(ratios.flatMap((r) => [r.numerator!, r.denominator!]));
  const sums = kpis.filter((k) => k.aggregation === 'sum');
  const snapshots = kpis.filter((k) => k.aggregation === 'snapshot');
  // The headline KPI: the first currency sum KPI that feeds a ratio (GMV in the sample plan).
  const headline =
    sums.find((k) => k.unit === 'currency' && components.has(k.id)) ??
    sums.find((k) => k.unit === 'currency') ??
    sums[0];
  const salesKpis = sums.filter((k) => components.has(k.id) || k.id === headline?.id);
  const sideKpis = sums.filter((k) => !salesKpis.includes(k));
  // The stale KPI: a sum KPI that feeds no ratio, preferring a count (new users).
  const staleKpi =
    [...sideKpis].reverse().find((k) => k.unit !== 'currency') ?? [...sideKpis].reverse()[0] ?? null;
  const defaultRatio = (k: KpiConfig) =>
    k.benchmark ?? (k.unit === 'percent' ? 0.05 : k.unit === 'currency' ? 180 : 1);

  // --- grain: the finest that fits the row budget ------------------------------------------------
  const dayCount = toEpochDay(lastDay) - toEpochDay(year.start) + 1;
  const inSupplierReport = (k: KpiConfig) =>
    config.reports.some((r) => r.kpis.includes(k.id) && r.breakdowns.includes('supplier'));
  const sideCellsOf = (k: KpiConfig, grain: Grain): Dims[] => {
    if (!grain.sideDims) return [{}];
    // Supplier-report KPIs (supply-chain spend) by category and its supplier; others by channel.
    if (inSupplierReport(k) && hasDim('category')) {
      return salesCells(config, ['category']).map((c) =>
        Object.fromEntries(Object.entries(c).filter(([d]) => d === 'category' || d === 'supplier')),
      );
    }
    return hasDim('channel') ? cartesian(config, ['channel']) : [{}];
  };
  const rowsOf = (grain: Grain) =>
    dayCount *
    (salesCells(config, grain.crossed).length * salesKpis.length +
      sideKpis.reduce((n, k) => n + sideCellsOf(k, grain).length, 0));
  const grain = GRAINS.find((g) => rowsOf(g) <= maxRows) ?? GRAINS[GRAINS.length - 1]!;
  const cells = salesCells(config, grain.crossed);
  const cellDims = [...new Set(cells.flatMap((c) => Object.keys(c)))];
  const sideCellsByKpi = new Map(sideKpis.map((k) => [k.id, sideCellsOf(k, grain)]));

  // --- the plan: one curve per phasing profile, a share per cell, a rate per ratio and cell -----
  const profiles = new Map<string, PhasingProfileConfig>(config.phasing.map((p) => [p.id, p]));
  // Sales follow the promotion calendar day by day: the headline's month shares with the
  // promotion days of the first profile that has them (Double 11 sells eight ordinary days'
  // worth). Finance plans sales by day (the daily targets below), so the curve is the plan's.
  const SALES_CURVE = ' sales';
  const headlineProfile = headline ? profiles.get(headline.phasing) : undefined;
  const promotionDays = headlineProfile?.days ?? config.phasing.find((p) => p.days)?.days;
  profiles.set(SALES_CURVE, {
    id: SALES_CURVE,
    name: { en: 'sales', zh: 'sales' },
    ...(headlineProfile?.months ? { months: headlineProfile.months } : {}),
    ...(promotionDays ? { days: promotionDays } : {}),
  });
  const curveOf = (kpi: KpiConfig) => (factor.has(kpi.id) ? SALES_CURVE : kpi.phasing);
  const shapeCache = new Map<string, number>();
  /** The curve's weight of a day relative to an average day of the year (month share × day weight). */
  const shape = (curve: string, date: LocalDate): number => {
    const key = `${curve}|${date}`;
    let value = shapeCache.get(key);
    if (value === undefined) {
      const profile = profiles.get(curve);
      const month = Number(date.slice(5, 7));
      const monthWeight = profile?.months?.[String(month)] ?? 1; // no profile: calendar_days, every day alike
      const days = profile?.days ?? {};
      const length = daysInMonth(Number(date.slice(0, 4)), month);
      let sum = 0;
      for (let d = 1; d <= length; d++) sum += days[`${date.slice(5, 7)}-${String(d).padStart(2, '0')}`] ?? 1;
      value = (monthWeight * (days[date.slice(5)] ?? 1) * length) / sum;
      shapeCache.set(key, value);
    }
    return value;
  };
  const cellShare = new Map<Dims, number>();
  {
    const raw = cells.map((_, i) => (1 + random()) / (1 + (i % 7) * 0.15));
    const total = raw.reduce((a, b) => a + b, 0);
    cells.forEach((c, i) => {
      cellShare.set(c, raw[i]! / total);
    });
  }
  // Each sales KPI is the headline times a factor per cell, resolved through the ratios.
  const factor = new Map<string, Map<Dims, number>>();
  if (headline) factor.set(headline.id, new Map(cells.map((c) => [c, 1])));
  const rateOf = (r: KpiConfig) =>
    new Map(
      cells.map((c) => {
        const rate = defaultRatio(r) * jitter(r.unit === 'percent' && defaultRatio(r) > 0.5 ? 0.015 : 0.06);
        return [c, r.unit === 'percent' ? Math.min(rate, 0.995) : rate];
      }),
    );
  const countPartner = salesKpis.find(
    (k) => k.unit === 'count' && ratios.some((r) => r.numerator === headline?.id && r.denominator === k.id),
  );
  for (let pass = 0; pass < 2 * ratios.length + 2; pass++) {
    let progressed = false;
    for (const r of ratios) {
      const num = factor.get(r.numerator!);
      const den = factor.get(r.denominator!);
      if (num && !den) {
        const rate = rateOf(r);
        factor.set(r.denominator!, new Map(cells.map((c) => [c, num.get(c)! / rate.get(c)!])));
        progressed = true;
      } else if (den && !num) {
        const rate = rateOf(r);
        factor.set(r.numerator!, new Map(cells.map((c) => [c, den.get(c)! * rate.get(c)!])));
        progressed = true;
      }
    }
    if (progressed) continue;
    // A ratio neither of whose components is known yet (on-time ÷ shipped): its denominator
    // is a share of the orders (what is shipped of what was ordered).
    const open = ratios.find((r) => !factor.has(r.numerator!) && !factor.has(r.denominator!));
    if (!open) break;
    const base = countPartner ? factor.get(countPartner.id) : undefined;
    factor.set(
      open.denominator!,
      new Map(cells.map((c) => [c, base ? base.get(c)! * 0.985 : 1 / defaultRatio(headline!)])),
    );
  }
  const headlineDaily = 3_000_000;
  const sideDaily = (k: KpiConfig) =>
    k.unit === 'currency' ? 120_000 : k.unit === 'count' ? 4_000 : k.unit === 'minutes' ? 30 : 100;
  const sideShare = new Map<string, number>();
  for (const k of sideKpis) {
    const sideCells = sideCellsByKpi.get(k.id)!;
    const raw = sideCells.map(() => 1 + random());
    const total = raw.reduce((a, b) => a + b, 0);
    sideCells.forEach((c, i) => {
      sideShare.set(`${k.id}|${dimsKey(c)}`, raw[i]! / total);
    });
  }
  /** The planned value of a KPI on a day in a cell (the targets' source; actuals vary around it). */
  const plan = (kpi: KpiConfig, date: LocalDate, cell: Dims): number => {
    const f = factor.get(kpi.id);
    if (f) return headlineDaily * cellShare.get(cell)! * f.get(cell)! * shape(SALES_CURVE, date);
    return sideDaily(kpi) * (sideShare.get(`${kpi.id}|${dimsKey(cell)}`) ?? 1) * shape(kpi.phasing, date);
  };

  /** The weekday cycle, except on promotion days, whose weight already says how much they sell. */
  const weekdayOn = (kpi: KpiConfig, date: LocalDate) =>
    profiles.get(curveOf(kpi))?.days?.[date.slice(5)] !== undefined ? 1 : WEEKDAY[isoDayOfWeek(date) - 1]!;

  // --- the story: two categories behind plan, one supplier late ------------------------------
  const categories = dimValues('category');
  const behindCategories = [
    ...['pets', 'health_food', 'home_appliances'].filter((c) => categories.includes(c)),
    ...categories,
  ]
    .filter((c, i, all) => all.indexOf(c) === i)
    .slice(0, 2);
  const behindFrom = addDays(lastDay, -75);
  const lateSupplier = dimValues('supplier')[1] ?? null;
  // The rate whose shortfall makes the late supplier late: a percent ratio near 1 (on-time).
  const punctuality = ratios.find((r) => r.unit === 'percent' && defaultRatio(r) > 0.5) ?? null;

  // --- actuals -----------------------------------------------------------------------------------
  const actualFiles: { kpi: KpiConfig; dims: string[]; rows: Row[] }[] = [];
  let actualRows = 0;
  const ordered: KpiConfig[] = headline ? [headline] : [];
  while (ordered.length < salesKpis.length) {
    const next = ratios.flatMap((r) => {
      const num = kpiById.get(r.numerator!)!;
      const den = kpiById.get(r.denominator!)!;
      if (ordered.includes(num) && !ordered.includes(den)) return [{ kpi: den, from: num, ratio: r }];
      if (ordered.includes(den) && !ordered.includes(num)) return [{ kpi: num, from: den, ratio: r }];
      return [];
    })[0];
    const kpi = next?.kpi ?? salesKpis.find((k) => !ordered.includes(k));
    if (!kpi) break;
    ordered.push(kpi);
  }
  // Day by day, cell by cell: the headline first, then each KPI from one it is a ratio of.
  const salesRows = new Map<string, Row[]>(salesKpis.map((k) => [k.id, []]));
  const perf = new Map(cells.map((c) => [c, jitter(0.03) * 1.01]));
  for (let date = year.start; date <= lastDay; date = addDays(date, 1)) {
    for (const cell of cells) {
      const lagging = behindCategories.includes(cell.category ?? '') && date >= behindFrom;
      const value = new Map<string, number>();
      for (const kpi of ordered) {
        let v: number;
        if (kpi === headline) {
          v =
            plan(kpi, date, cell) *
            weekdayOn(kpi, date) *
            perf.get(cell)! *
            (lagging ? 0.88 : 1) *
            jitter(0.05);
        } else {
          const ratio = ratios.find(
            (r) =>
              (r.numerator === kpi.id && value.has(r.denominator!)) ||
              (r.denominator === kpi.id && value.has(r.numerator!)),
          );
          const f = factor.get(kpi.id)!.get(cell)!;
          if (ratio?.numerator === kpi.id) {
            const base = value.get(ratio.denominator!)!;
            let rate = (f / factor.get(ratio.denominator!)!.get(cell)!) * jitter(0.02);
            if (ratio === punctuality && cell.supplier === lateSupplier && date >= behindFrom) rate *= 0.95;
            v = ratio.unit === 'percent' ? base * Math.min(rate, 1) : base * rate;
          } else if (ratio) {
            const base = value.get(ratio.numerator!)!;
            v = base * (f / factor.get(ratio.numerator!)!.get(cell)!) * jitter(0.02);
            // A denominator never falls below its numerator (sessions ≥ orders ≥ shipped).
            if (ratio.unit === 'percent') v = Math.max(v, base);
          } else if (countPartner && value.has(countPartner.id)) {
            // Shipped orders: a share of the orders, never more.
            const orders = value.get(countPartner.id)!;
            v = Math.min(orders * (f / factor.get(countPartner.id)!.get(cell)!) * jitter(0.01), orders);
          } else {
            v = plan(kpi, date, cell) * weekdayOn(kpi, date) * jitter(0.05);
          }
        }
        v = roundFor(kpi, v);
        value.set(kpi.id, v);
        salesRows.get(kpi.id)!.push([date, ...cellDims.map((d) => cell[d] ?? ''), v]);
      }
    }
  }
  for (const kpi of salesKpis) {
    const rows = salesRows.get(kpi.id)!;
    actualRows += rows.length;
    actualFiles.push({ kpi, dims: cellDims, rows });
  }
  for (const kpi of sideKpis) {
    const sideCells = sideCellsByKpi.get(kpi.id)!;
    const dims = [...new Set(sideCells.flatMap((c) => Object.keys(c)))];
    const end = kpi.id === staleKpi?.id ? addDays(lastDay, -7) : lastDay;
    const level = new Map(sideCells.map((c) => [c, jitter(0.04) * 1.01]));
    const rows: Row[] = [];
    for (let date = year.start; date <= end; date = addDays(date, 1)) {
      for (const cell of sideCells) {
        const v = plan(kpi, date, cell) * weekdayOn(kpi, date) * level.get(cell)! * jitter(0.05);
        rows.push([date, ...dims.map((d) => cell[d]!), roundFor(kpi, v)]);
      }
    }
    actualRows += rows.length;
    actualFiles.push({ kpi, dims, rows });
  }

  // Snapshot KPIs: monthly, for complete months only, overall and by one dimension.
  const months: string[] = [];
  for (let d = year.start; d <= year.end; d = addDays(periodRange(d.slice(0, 7), startMonth).end, 1)) {
    months.push(d.slice(0, 7));
  }
  const completeMonths = months.filter((m) => periodRange(m, startMonth).end <= lastDay);
  const snapshotDim = ['user_segment', 'region_tier', ...config.dimensions.map((d) => d.id)].find(hasDim);
  const snapshotCells: Dims[] = [{}, ...(snapshotDim ? cartesian(config, [snapshotDim]) : [])];
  const snapshotBase = (k: KpiConfig) => k.benchmark ?? (k.unit === 'percent' ? 0.3 : 50);
  const snapshotRows: { kpi: KpiConfig; rows: Row[] }[] = snapshots.map((k) => {
    const rows: Row[] = [];
    for (const m of completeMonths) {
      for (const cell of snapshotCells) {
        const spread = snapshotDim && cell[snapshotDim] ? 0.06 : 0.03;
        let v = snapshotBase(k) * jitter(spread);
        if (k.unit === 'percent') v = Math.min(v, 0.999);
        rows.push([m, snapshotDim ? (cell[snapshotDim] ?? '') : '', roundFor(k, v)]);
      }
    }
    return { kpi: k, rows };
  });

  // --- targets -----------------------------------------------------------------------------------
  const budget = config.targetVersions[0]?.id ?? 'budget';
  const reforecast = config.targetVersions[1]?.id ?? null;
  const targetDims = [
    ...new Set([...cellDims, ...actualFiles.flatMap((f) => f.dims), ...(snapshotDim ? [snapshotDim] : [])]),
  ];
  const targetRows: Row[] = []; // version, kpi, period, dims…, value
  const targetRow = (version: string, kpi: KpiConfig, period: string, group: Dims, value: number): Row => [
    version,
    kpi.id,
    period,
    ...targetDims.map((d) => group[d] ?? ''),
    roundFor(kpi, value),
  ];
  /**
   * The groups targets are set for: the total, each value of each dimension, and with
   * `withCells` each category crossed with each other dimension (a category manager's plan by
   * channel, region and segment) and each cell.
   */
  const groupsOf = (kpiCells: readonly Dims[], withCells: boolean): Dims[] => {
    const dims = [...new Set(kpiCells.flatMap((c) => Object.keys(c)))];
    const distinct = (pick: (c: Dims) => Dims) => [
      ...new Map(kpiCells.map((c) => [dimsKey(pick(c)), pick(c)])).values(),
    ];
    const groups: Dims[] = [{}];
    for (const d of dims) groups.push(...distinct((c) => ({ [d]: c[d]! })));
    if (withCells && dims.length > 2 && dims.includes('category')) {
      for (const d of dims) {
        if (d !== 'category') groups.push(...distinct((c) => ({ category: c.category!, [d]: c[d]! })));
      }
    }
    if (withCells && dims.length > 1) groups.push(...kpiCells);
    return groups;
  };
  const cellsOfKpi = (k: KpiConfig) => (factor.has(k.id) ? cells : sideCellsByKpi.get(k.id)!);
  const inGroup = (cell: Dims, group: Dims) => Object.entries(group).every(([d, v]) => cell[d] === v);
  // The plan of each KPI, cell and period, summed once (targets add these up per group).
  const periodPlans = new Map<string, Map<Dims, number>>();
  const planOf = (k: KpiConfig, period: string, cell: Dims): number => {
    const key = `${k.id}|${period}`;
    let byCell = periodPlans.get(key);
    if (!byCell) {
      byCell = new Map();
      const range = periodRange(period, startMonth);
      for (const c of cellsOfKpi(k)) {
        let sum = 0;
        for (let d = range.start; d <= range.end; d = addDays(d, 1)) sum += plan(k, d, c);
        byCell.set(c, sum);
      }
      periodPlans.set(key, byCell);
    }
    return byCell.get(cell) ?? 0;
  };
  const planOver = (k: KpiConfig, period: string, group: Dims) => {
    let sum = 0;
    for (const cell of cellsOfKpi(k)) if (inGroup(cell, group)) sum += planOf(k, period, cell);
    return sum;
  };
  // Spend plans are quarterly for one KPI (finance sets the marketing budget per quarter).
  const quarterly = sideKpis.find((k) => k.unit === 'currency' && k.id !== staleKpi?.id);
  const days: string[] = [];
  for (let day = year.start; day <= year.end; day = addDays(day, 1)) days.push(day);
  // The budget plans the sales KPIs judged week by week (a report with WTD shows them) by day
  // and cell: the trading plan, with 618 and Double 11 on their days, so a promotion week is
  // judged against its own days, not an even share of the month. The total and every group get
  // the sum of their cells (spec §6). The other sales KPIs, only ever judged over whole months
  // and longer, and the re-forecast stay monthly.
  const weekly = new Set(config.reports.filter((r) => r.ranges.includes('WTD')).flatMap((r) => r.kpis));
  const dailyCells = (k: KpiConfig, version: string) =>
    version === budget && factor.has(k.id) && weekly.has(k.id);
  const periodsOf = (k: KpiConfig, version: string) =>
    dailyCells(k, version)
      ? days
      : k === quarterly
        ? [1, 2, 3, 4].map((q) => `${options.fiscalYear}-Q${q}`)
        : months;
  // Plans are ambitious (sums 2 % above the curve, rates half a percent better); the
  // re-forecast of the second half is lower.
  const versions: { id: string; scale: (period: string) => number; withCells: boolean }[] = [
    { id: budget, scale: () => 1.02, withCells: true },
    ...(reforecast
      ? [
          {
            id: reforecast,
            scale: (p: string) =>
              p >= `${lastDay.slice(0, 4)}-07` || p.endsWith('Q3') || p.endsWith('Q4') ? 0.97 : 1,
            withCells: false,
          },
        ]
      : []),
  ];
  for (const version of versions) {
    for (const k of sums) {
      const groups = dailyCells(k, version.id) ? cells : groupsOf(cellsOfKpi(k), version.withCells);
      for (const period of periodsOf(k, version.id)) {
        for (const group of groups) {
          const value = dailyCells(k, version.id) ? planOf(k, period, group) : planOver(k, period, group);
          targetRows.push(targetRow(version.id, k, period, group, value * version.scale(period)));
        }
      }
    }
    for (const r of ratios) {
      const num = kpiById.get(r.numerator!)!;
      const den = kpiById.get(r.denominator!)!;
      if (!factor.has(num.id) || !factor.has(den.id)) continue;
      const ambition =
        r.direction === 'lower_is_better' ? 0.995 : r.direction === 'higher_is_better' ? 1.005 : 1;
      for (const m of months) {
        for (const group of groupsOf(cells, version.withCells)) {
          let value = (planOver(num, m, group) / planOver(den, m, group)) * ambition;
          if (r.unit === 'percent') value = Math.min(value, 1);
          targetRows.push(targetRow(version.id, r, m, group, value));
        }
      }
    }
    if (version.id !== budget) continue;
    for (const k of snapshots) {
      for (const m of months) {
        for (const cell of snapshotCells) targetRows.push(targetRow(version.id, k, m, cell, snapshotBase(k)));
      }
    }
  }

  // --- milestones ------------------------------------------------------------------------------
  const owners = config.owners.map((o) => o.id);
  const owner = (i: number) => owners[i % Math.max(owners.length, 1)] ?? 'operations';
  const d = (offset: number) => addDays(lastDay, offset);
  const y = lastDay.slice(0, 4);
  const lateMilestone = 'M6';
  const milestoneHeader = [
    'id',
    'title',
    'owner',
    'start',
    'due',
    'weight',
    'progress',
    'status',
    'completed_on',
    'kpi',
  ];
  const milestoneRows: Row[] = [
    [
      'M1',
      '大促备货完成 Double 11 stock-up',
      owner(0),
      `${y}-10-01`,
      `${y}-10-31`,
      1,
      1,
      'done',
      `${y}-10-29`,
      headline?.id ?? '',
    ],
    ['M2', '积分商城上线 Points mall launch', owner(1), `${y}-09-01`, d(-7), 2, 0.8, 'in_progress', '', ''],
    [
      'M3',
      '区域化售后中心试点 Regional after-sales pilot',
      owner(2),
      d(-21),
      d(28),
      1,
      0.2,
      'in_progress',
      '',
      '',
    ],
    [
      'M4',
      '下沉市场物流合作 Tier-3/4 logistics partner',
      owner(3),
      d(-12),
      d(6),
      1,
      0.6,
      'in_progress',
      '',
      '',
    ],
    ['M5', 'AR 虚拟试穿 AR try-on pilot', owner(1), `${y}-08-01`, `${y}-12-31`, 1, '', 'cancelled', '', ''],
    [
      'M6',
      '618 KOL 复盘 618 KOL campaign review',
      owner(0),
      `${y}-07-01`,
      `${y}-07-15`,
      1,
      1,
      'done',
      `${y}-07-20`,
      '',
    ],
    [
      'M7',
      '会员等级体系升级 Member tier upgrade',
      owner(0),
      `${y}-03-01`,
      `${y}-05-31`,
      1,
      1,
      'done',
      `${y}-05-28`,
      '',
    ],
    [
      'M8',
      '年货节备货 New-year festival stock-up',
      owner(3),
      d(10),
      `${y}-12-31`,
      1,
      0,
      'not_started',
      '',
      '',
    ],
  ];

  // --- files -----------------------------------------------------------------------------------
  const files: SampleFile[] = [];
  const fy = options.fiscalYear.toLowerCase();
  const csv = (key: string, text: string, expectRejected = false): SampleFile => ({
    key,
    body: Buffer.from(text, 'utf8'),
    contentType: 'text/csv; charset=utf-8',
    metadata: { 'uploader-email': 'analyst@example-shop.com' },
    expectRejected,
  });
  const dimName = (id: string) => {
    const dim = config.dimensions.find((x) => x.id === id);
    return dim?.aliases.find(hasCjk) ?? dim?.name.zh ?? id;
  };
  const valueName = (dimId: string, valueId: string) => {
    const v = config.dimensions.find((x) => x.id === dimId)?.values.find((x) => x.id === valueId);
    return v?.aliases.find(hasCjk) ?? valueId;
  };

  const gbkKpi =
    actualFiles.find(
      (f) => f.kpi.id !== headline?.id && f.kpi.id !== countPartner?.id && components.has(f.kpi.id),
    ) ?? actualFiles[actualFiles.length - 1];
  for (const f of actualFiles) {
    if (f === gbkKpi) {
      // Exported from Excel set to Chinese: GBK, Chinese headers and values.
      const header = ['日期', '指标', ...f.dims.map(dimName), '数值'];
      const kpiName = f.kpi.aliases.find(hasCjk) ?? f.kpi.name.zh;
      const rows = f.rows.map((r) => [
        r[0]!,
        kpiName,
        ...f.dims.map((dim, i) => valueName(dim, String(r[i + 1]))),
        r[r.length - 1]!,
      ]);
      files.push({
        key: `incoming/actuals/${f.kpi.id}-${fy}-gbk.csv`,
        body: iconv.encode(toCsv(header, rows), 'gbk'),
        contentType: 'text/csv; charset=gbk',
        metadata: { 'uploader-email': 'analyst@example-shop.com' },
        expectRejected: false,
      });
      continue;
    }
    const header = ['date', 'kpi', ...f.dims, 'value'];
    const rows = f.rows.map((r) => [r[0]!, f.kpi.id, ...r.slice(1)]);
    // Big series arrive as two half-year exports, like a real monthly BI job would produce.
    if (rows.length > 8_000) {
      const mid = `${lastDay.slice(0, 4)}-07-01`;
      files.push(
        csv(
          `incoming/actuals/${f.kpi.id}-${fy}-h1.csv`,
          toCsv(
            header,
            rows.filter((r) => String(r[0]) < mid),
          ),
        ),
      );
      files.push(
        csv(
          `incoming/actuals/${f.kpi.id}-${fy}-h2.csv`,
          toCsv(
            header,
            rows.filter((r) => String(r[0]) >= mid),
          ),
        ),
      );
    } else {
      files.push(csv(`incoming/actuals/${f.kpi.id}-${fy}.csv`, toCsv(header, rows)));
    }
  }
  for (const s of snapshotRows) {
    const header = ['period', 'kpi', snapshotDim ?? 'segment', 'value'];
    const rows = s.rows.map((r) => [r[0]!, s.kpi.id, r[1]!, r[2]!]);
    files.push(csv(`incoming/actuals/${s.kpi.id}-${fy}-monthly.csv`, toCsv(header, rows)));
  }

  // Targets as finance would send them: an XLSX workbook per version with the total and each
  // dimension value, and the category managers' detailed plan (two dimensions or more) as CSV.
  const dimCount = (r: Row) => r.slice(3, -1).filter((v) => v !== '').length;
  const targetHeader = ['version', 'kpi', 'period', ...targetDims, 'value'];
  for (const version of versions) {
    const workbook = new ExcelJS.Workbook();
    workbook.created = new Date(`${year.start}T00:00:00Z`);
    workbook.modified = workbook.created;
    const sheet = workbook.addWorksheet('targets');
    sheet.addRow(targetHeader);
    for (const r of targetRows) if (r[0] === version.id && dimCount(r) <= 1) sheet.addRow(r);
    files.push({
      key: `incoming/targets/${version.id}-${fy}.xlsx`,
      body: Buffer.from(await workbook.xlsx.writeBuffer()),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      metadata: { 'uploader-email': 'finance@example-shop.com' },
      expectRejected: false,
    });
    const detail = targetRows.filter((r) => r[0] === version.id && dimCount(r) > 1);
    const isDaily = (r: Row) => String(r[2]).length === 10;
    for (const [suffix, rows] of [
      ['detail', detail.filter((r) => !isDaily(r))],
      ['daily', detail.filter(isDaily)],
    ] as const) {
      if (rows.length > 0) {
        files.push(csv(`incoming/targets/${version.id}-${fy}-${suffix}.csv`, toCsv(targetHeader, rows)));
      }
    }
  }

  files.push(csv(`incoming/milestones/milestones-${fy}.csv`, toCsv(milestoneHeader, milestoneRows)));

  // The bad file: a partner's export with a channel nobody declared and a typo in a value.
  const channelDim = hasDim('channel') ? 'channel' : config.dimensions[0]?.id;
  if (headline && channelDim) {
    const good = config.dimensions.find((x) => x.id === channelDim)!.values[0]!.id;
    const rows: Row[] = [
      [d(-1), headline.id, good, 120_000],
      [d(-1), headline.id, 'douyin_partner_x', 80_000],
      [lastDay, headline.id, good, '1,2O0'],
    ];
    files.push(
      csv(`incoming/actuals/partner-export-bad.csv`, toCsv(['date', 'kpi', channelDim, 'value'], rows), true),
    );
  }

  const description = [
    `${options.fiscalYear} sample year (seed ${options.seed}), actuals ${year.start} … ${lastDay}: ${actualRows.toLocaleString('en-US')} daily rows`,
    ...actualFiles.map(
      (f) => `  ${f.kpi.id}: daily by ${f.dims.join(' × ') || 'total'} (${f.rows.length} rows)`,
    ),
    `behind plan since ${behindFrom}: category ${behindCategories.join(', ')}${lateSupplier && punctuality ? `; supplier ${lateSupplier} late (${punctuality.id})` : ''}`,
    `targets: ${versions.map((v) => v.id).join(' and ')}, at the total, every dimension value${grain.crossed.length > 0 ? ' and every sales cell' : ''}; ${budget} of ${
      salesKpis
        .filter((k) => dailyCells(k, budget))
        .map((k) => k.id)
        .join(', ') || 'no KPI'
    } by day and cell`,
    staleKpi ? `stale: ${staleKpi.id} stops on ${addDays(lastDay, -7)}` : 'no stale KPI',
    `milestones: ${milestoneRows.length}; ${lateMilestone} done late, M2 overdue`,
    `files: ${files.length}, one meant to be rejected (unknown channel, non-numeric value)`,
  ];
  return {
    files,
    description,
    story: { behindCategories, staleKpi: staleKpi?.id ?? null, lateMilestone, lateSupplier, actualRows },
  };
}
