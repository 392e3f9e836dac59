/**
 * A realistic, deterministic fiscal year of upload files for the local stack, the CLI tests
 * and demos: daily actuals by channel × category × region tier × user segment with 618 and
 * Double 11 peaks and a weekday cycle, a few categories falling behind plan, one KPI whose
 * data stops a week early, budget targets at monthly and quarterly grain, milestones (one
 * late), in a mix of formats (UTF-8 CSV, a GBK CSV with Chinese headers, an XLSX) and one
 * bad file that ingestion must reject.
 *
 * Everything is derived from the plan configuration (KPIs, dimensions, phasing), so a
 * changed configuration still yields a coherent year. Randomness comes from a seeded PRNG
 * (mulberry32): the same seed gives byte-identical files.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { KpiConfig, PlanConfig } from '../../shared/config/schema.ts';
import {
  addDays,
  compareDates,
  daysInMonth,
  isoDayOfWeek,
  periodRange,
  toEpochDay,
} from '../../shared/domain/calendar.ts';
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
    readonly actualRows: number;
  };
}

export interface SampleYearOptions {
  readonly seed: number;
  readonly fiscalYear: string;
  /** Actuals run up to and including this day (one stale KPI stops 7 days earlier). */
  readonly asOf: LocalDate;
  /** Upper bound on daily actual rows over all KPIs; dimensions are dropped to stay under. */
  readonly maxActualRows?: number;
}

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

/** Dimension ids the story prefers, in order of importance; others follow in config order. */
const PREFERRED_DIMS = ['channel', 'category', 'region_tier', 'user_segment'];

/** 618 and Double 11 seasonality for a configuration without phasing profiles. */
const FALLBACK_MONTHS: Record<string, number> = { 2: 0.7, 6: 1.4, 11: 1.8, 12: 1.2 };
const FALLBACK_DAYS: Record<string, number> = { '06-18': 4, '06-17': 2, '11-10': 2.5, '11-11': 6 };

type Dims = Record<string, string>;

interface Series {
  readonly kpi: KpiConfig;
  readonly dims: string[];
  readonly combos: Dims[];
}

function cartesian(config: PlanConfig, dimIds: readonly string[]): Dims[] {
  let out: Dims[] = [{}];
  for (const id of dimIds) {
    const dim = config.dimensions.find((d) => d.id === id);
    if (!dim) continue;
    out = out.flatMap((combo) => dim.values.map((v) => ({ ...combo, [id]: v.id })));
  }
  return out;
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
  const maxRows = options.maxActualRows ?? 50_000;

  const dimOrder = [
    ...PREFERRED_DIMS.filter((id) => config.dimensions.some((d) => d.id === id)),
    ...config.dimensions.map((d) => d.id).filter((id) => !PREFERRED_DIMS.includes(id)),
  ].slice(0, 4);
  const dimSize = (id: string) => config.dimensions.find((d) => d.id === id)?.values.length ?? 1;
  const [dimA, dimB, dimC, dimD] = dimOrder;
  const categoryDim = dimOrder.includes('category') ? 'category' : dimB;
  const channelDim = dimOrder.includes('channel') ? 'channel' : dimA;

  // --- which KPIs get which dimensions -----------------------------------------------------
  const kpis = config.kpis;
  const ratios = kpis.filter((k) => k.aggregation === 'ratio');
  const components = new Set(ratios.flatMap((r) => [r.numerator!, r.denominator!]));
  const sums = kpis.filter((k) => k.aggregation === 'sum');
  const snapshots = kpis.filter((k) => k.aggregation === 'snapshot');
  // The headline KPI: the first currency sum KPI that feeds a ratio (GMV in the sample plan).
  const headline =
    sums.find((k) => k.unit === 'currency' && components.has(k.id)) ??
    sums.find((k) => k.unit === 'currency') ??
    sums[0];
  const headlinePartners = new Set<string>(headline ? [headline.id] : []);
  // Its partner in a money-per-unit ratio (AOV = GMV ÷ orders) keeps the same dimensions.
  for (const r of ratios.filter((x) => x.unit === 'currency')) {
    if (r.numerator === headline?.id) headlinePartners.add(r.denominator!);
    if (r.denominator === headline?.id) headlinePartners.add(r.numerator!);
  }
  // The stale KPI: a sum KPI that feeds no ratio, preferring a low weight (new users).
  const staleKpi =
    [...sums].reverse().find((k) => !components.has(k.id) && k.unit !== 'currency') ??
    [...sums].reverse().find((k) => !components.has(k.id)) ??
    null;

  const seriesDims = (kpi: KpiConfig): string[] => {
    if (headlinePartners.has(kpi.id)) return [dimA, dimB, dimC].filter((d): d is string => !!d);
    if (components.has(kpi.id)) return [dimA, dimB].filter((d): d is string => !!d);
    if (kpi.unit === 'currency') return [channelDim].filter((d): d is string => !!d);
    return [dimC, dimD].filter((d): d is string => !!d);
  };
  const dayCount = toEpochDay(lastDay) - toEpochDay(year.start) + 1;
  const series: Series[] = sums.map((kpi) => ({ kpi, dims: seriesDims(kpi), combos: [] }));
  const rowsOf = (s: Series) => s.dims.reduce((n, d) => n * dimSize(d), 1) * dayCount;
  // Over budget: drop the last dimension of the series with the most rows per unit of
  // importance (the headline KPI and its ratio partners keep theirs longest).
  const importance = (s: Series) => (headlinePartners.has(s.kpi.id) ? 2 : components.has(s.kpi.id) ? 1 : 0);
  for (;;) {
    const total = series.reduce((n, s) => n + rowsOf(s), 0);
    if (total <= maxRows) break;
    const victim = series
      .filter((s) => s.dims.length > (importance(s) === 2 ? 1 : 0))
      .sort((a, b) => rowsOf(b) / (importance(b) + 1) ** 2 - rowsOf(a) / (importance(a) + 1) ** 2)[0];
    if (!victim) break;
    // The headline's partners drop dimensions together so their ratio stays comparable per group.
    const group = importance(victim) === 2 ? series.filter((s) => importance(s) === 2) : [victim];
    for (const s of group) s.dims.pop();
  }
  for (const s of series) (s as { combos: Dims[] }).combos = cartesian(config, s.dims);

  // --- base magnitudes, consistent through ratio benchmarks ---------------------------------
  const dailyTotal = new Map<string, number>();
  const defaultRatio = (k: KpiConfig) =>
    k.benchmark ?? (k.unit === 'percent' ? 0.05 : k.unit === 'currency' ? 180 : 1);
  if (headline) dailyTotal.set(headline.id, 3_000_000);
  for (let pass = 0; pass < 4; pass++) {
    for (const r of ratios) {
      const n = dailyTotal.get(r.numerator!);
      const d = dailyTotal.get(r.denominator!);
      if (n !== undefined && d === undefined) dailyTotal.set(r.denominator!, n / defaultRatio(r));
      if (d !== undefined && n === undefined) dailyTotal.set(r.numerator!, d * defaultRatio(r));
    }
  }
  for (const k of sums) {
    if (!dailyTotal.has(k.id)) {
      dailyTotal.set(
        k.id,
        k.unit === 'currency' ? 120_000 : k.unit === 'count' ? 4_000 : k.unit === 'minutes' ? 30 : 100,
      );
    }
  }

  // Shares of each dimension value (seeded, normalised) and the story's laggards.
  const shares = new Map<string, number>();
  for (const dim of config.dimensions) {
    const raw = dim.values.map((_, i) => (1 + random()) / (1 + i * 0.25));
    const total = raw.reduce((a, b) => a + b, 0);
    dim.values.forEach((v, i) => {
      shares.set(`${dim.id}=${v.id}`, raw[i]! / total);
    });
  }
  const categories = config.dimensions.find((d) => d.id === categoryDim)?.values.map((v) => v.id) ?? [];
  const behindCategories = [
    ...['pets', 'health_food', 'home_appliances'].filter((c) => categories.includes(c)),
    ...categories,
  ]
    .filter((c, i, all) => all.indexOf(c) === i)
    .slice(0, 2);
  const behindFrom = addDays(lastDay, -75);

  /** Plan (what the targets are built from) of a KPI on a day for one combination. */
  const profiles = new Map(config.phasing.map((p) => [p.id, p]));
  const shapeCache = new Map<string, number>();
  const shape = (kpi: KpiConfig, date: LocalDate): number => {
    const key = `${kpi.phasing}|${date}`;
    let value = shapeCache.get(key);
    if (value === undefined) {
      value = rawShape(kpi, date);
      shapeCache.set(key, value);
    }
    return value;
  };
  // One business curve for every KPI: the same month levels (the peak months of the
  // configuration's phasing, so ratios of two KPIs hold month by month), and inside a month
  // the KPI's own day weights (the 618 and Double 11 days), as the engine phases targets.
  const businessMonths =
    config.phasing.find((p) => p.months && Object.keys(p.months).length > 0)?.months ?? FALLBACK_MONTHS;
  const peakDays =
    config.phasing.find((p) => p.days && Object.keys(p.days).length > 0)?.days ?? FALLBACK_DAYS;
  const rawShape = (kpi: KpiConfig, date: LocalDate): number => {
    const profile = profiles.get(kpi.phasing);
    const month = Number(date.slice(5, 7));
    const monthWeight = profile?.months?.[String(month)] ?? businessMonths[String(month)] ?? 1;
    // KPIs phased without day weights still sell more on promotion days; their within-month
    // like-for-like target just does not know it (a realistic source of weekly variance)
    // (at a third of the strength, so a weekly report after a peak is not all red).
    const own = profile?.days && Object.keys(profile.days).length > 0;
    const weight = (md: string) => {
      const w = (own ? profile!.days! : peakDays)[md] ?? 1;
      return own ? w : 1 + (w - 1) / 3;
    };
    const dim = daysInMonth(Number(date.slice(0, 4)), month);
    let sum = 0;
    for (let d = 1; d <= dim; d++) sum += weight(`${date.slice(5, 7)}-${String(d).padStart(2, '0')}`);
    return (monthWeight * weight(date.slice(5)) * dim) / sum;
  };
  const comboShare = (combo: Dims) =>
    Object.entries(combo).reduce((p, [dim, value]) => p * (shares.get(`${dim}=${value}`) ?? 1), 1);
  const plan = (kpi: KpiConfig, date: LocalDate, combo: Dims) =>
    dailyTotal.get(kpi.id)! * shape(kpi, date) * comboShare(combo);

  // --- actuals --------------------------------------------------------------------------------
  const perf = new Map<string, number>();
  const performance = (kpi: KpiConfig, date: LocalDate, combo: Dims) => {
    const key = `${kpi.id}|${JSON.stringify(combo)}`;
    let base = perf.get(key);
    if (base === undefined) {
      base = kpi.direction === 'lower_is_better' ? jitter(0.03) * 1.01 : jitter(0.04) * 1.01;
      perf.set(key, base);
    }
    const cat = categoryDim ? combo[categoryDim] : undefined;
    const lagging = cat !== undefined && behindCategories.includes(cat) && date >= behindFrom;
    return base * (lagging ? 0.84 : 1);
  };

  type Row = (string | number)[];
  const actualFiles: { kpi: KpiConfig; dims: string[]; rows: Row[] }[] = [];
  let actualRows = 0;
  for (const s of series) {
    const end = s.kpi.id === staleKpi?.id ? addDays(lastDay, -7) : lastDay;
    const rows: Row[] = [];
    for (let date = year.start; date <= end; date = addDays(date, 1)) {
      const weekday = WEEKDAY[isoDayOfWeek(date) - 1]!;
      for (const combo of s.combos) {
        const value = plan(s.kpi, date, combo) * weekday * performance(s.kpi, date, combo) * jitter(0.06);
        rows.push([date, ...s.dims.map((d) => combo[d]!), roundFor(s.kpi, value)]);
      }
    }
    actualRows += rows.length;
    actualFiles.push({ kpi: s.kpi, dims: s.dims, rows });
  }

  // Snapshot KPIs: monthly, for complete months only, overall and by the last dimension.
  const months: string[] = [];
  for (let d = year.start; d <= year.end; d = addDays(periodRange(d.slice(0, 7), startMonth).end, 1)) {
    months.push(d.slice(0, 7));
  }
  const completeMonths = months.filter((m) => periodRange(m, startMonth).end <= lastDay);
  const snapshotDim = dimD ?? dimC;
  const snapshotBase = (k: KpiConfig) => k.benchmark ?? (k.unit === 'percent' ? 0.3 : 50);
  const snapshotRows: { kpi: KpiConfig; rows: Row[] }[] = snapshots.map((k) => {
    const rows: Row[] = [];
    for (const m of completeMonths) {
      rows.push([m, '', roundFor(k, snapshotBase(k) * 0.95 * jitter(0.04))]);
      if (snapshotDim) {
        for (const combo of cartesian(config, [snapshotDim])) {
          rows.push([m, combo[snapshotDim]!, roundFor(k, snapshotBase(k) * jitter(0.15))]);
        }
      }
    }
    return { kpi: k, rows };
  });

  // --- targets ---------------------------------------------------------------------------------
  const version = config.targetVersions[0]?.id ?? 'budget';
  const monthPlan = (kpi: KpiConfig, month: string, combo: Dims) => {
    const r = periodRange(month, startMonth);
    let sum = 0;
    for (let d = r.start; d <= r.end; d = addDays(d, 1)) sum += plan(kpi, d, combo);
    return sum;
  };
  const targetRows: Row[] = []; // version, kpi, period, dims…, value
  const targetDims = dimOrder;
  const targetRow = (kpi: KpiConfig, period: string, combo: Dims, value: number): Row => [
    version,
    kpi.id,
    period,
    ...targetDims.map((d) => combo[d] ?? ''),
    roundFor(kpi, value),
  ];
  const quarterly = sums.find((k) => k.unit === 'currency' && !components.has(k.id));
  for (const s of series) {
    const k = s.kpi;
    // Targets a little above the plan curve: plans are ambitious.
    const stretch = 1.02;
    if (k.id === quarterly?.id) {
      for (const q of [1, 2, 3, 4]) {
        const key = `${options.fiscalYear}-Q${q}`;
        const r = periodRange(key, startMonth);
        for (const combo of s.combos) {
          let sum = 0;
          for (let d = r.start; d <= r.end; d = addDays(d, 1)) sum += plan(k, d, combo);
          targetRows.push(targetRow(k, key, combo, sum * stretch));
        }
      }
      continue;
    }
    const levels: Dims[][] = [];
    if (channelDim && s.dims.includes(channelDim)) levels.push(cartesian(config, [channelDim]));
    if (k.id === headline?.id && categoryDim && s.dims.includes(categoryDim)) {
      levels.push(cartesian(config, [categoryDim]));
    }
    if (levels.length === 0) levels.push([{}]);
    for (const level of levels) {
      for (const combo of level) {
        // Σ of the plan over the finer combinations that refine this level.
        const finer = s.combos.filter((c) => Object.entries(combo).every(([d, v]) => c[d] === v));
        for (const m of months) {
          const value = finer.reduce((n, c) => n + monthPlan(k, m, c), 0);
          targetRows.push(targetRow(k, m, combo, value * stretch));
        }
      }
    }
  }
  for (const r of ratios) {
    for (const m of months) {
      const value = r.direction === 'lower_is_better' ? defaultRatio(r) * 0.97 : defaultRatio(r) * 1.02;
      targetRows.push(targetRow(r, m, {}, value));
    }
  }
  for (const k of snapshots) {
    for (const m of months) targetRows.push(targetRow(k, m, {}, snapshotBase(k)));
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
      (f) => f.kpi.id !== headline?.id && !headlinePartners.has(f.kpi.id) && components.has(f.kpi.id),
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

  // Targets as an XLSX workbook, as finance would send them.
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(`${year.start}T00:00:00Z`);
  workbook.modified = workbook.created;
  const sheet = workbook.addWorksheet('targets');
  sheet.addRow(['version', 'kpi', 'period', ...targetDims, 'value']);
  for (const r of targetRows) sheet.addRow(r);
  files.push({
    key: `incoming/targets/${version}-${fy}.xlsx`,
    body: Buffer.from(await workbook.xlsx.writeBuffer()),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    metadata: { 'uploader-email': 'finance@example-shop.com' },
    expectRejected: false,
  });

  files.push(csv(`incoming/milestones/milestones-${fy}.csv`, toCsv(milestoneHeader, milestoneRows)));

  // The bad file: a partner's export with a channel nobody declared and a typo in a value.
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
    `behind plan since ${behindFrom}: ${categoryDim ?? 'category'} ${behindCategories.join(', ')}`,
    staleKpi ? `stale: ${staleKpi.id} stops on ${addDays(lastDay, -7)}` : 'no stale KPI',
    `milestones: ${milestoneRows.length}; ${lateMilestone} done late, M2 overdue`,
    `files: ${files.length}, one meant to be rejected (unknown channel, non-numeric value)`,
  ];
  return {
    files,
    description,
    story: { behindCategories, staleKpi: staleKpi?.id ?? null, lateMilestone, actualRows },
  };
}
