/**
 * Builds the {@link ReportModel} of one report run: every figure every renderer shows,
 * computed once by the domain engine. Pure: the caller passes the data, asOf and the
 * generation time; nothing here reads a clock or does I/O.
 *
 * Scope isolation: with `options.scope` the engine indexes only facts matching the scope, so
 * every section (table, breakdowns, trend, outlook, scorecard, data quality) is computed over
 * the scope's facts alone; milestones are filtered by their `dims`.
 */
import type { PlanConfig, ReportConfig } from '../config/schema.ts';
import {
  compareDates,
  daysInclusive,
  fiscalYearRange,
  grainOfAsOfRule,
  isValidLocalDate,
  periodOf,
  periodsBetween,
  reportRange,
} from '../domain/calendar.ts';
import { createEngine, type Engine, type Evaluation } from '../domain/engine.ts';
import { evaluateMilestone, milestoneRates } from '../domain/milestones.ts';
import { scorecard as scoreKpis } from '../domain/scorecard.ts';
import type {
  DimensionValues,
  KpiDeclaration,
  LocalDate,
  LocalizedText,
  Milestone,
  PlanData,
  RangeKind,
  VarianceFigures,
} from '../domain/types.ts';
import {
  type Breakdown,
  type BreakdownRow,
  type DataQuality,
  type Headline,
  type KpiDataQuality,
  type KpiRangeRow,
  type Language,
  type MilestoneRow,
  type MilestoneSummary,
  type Outlook,
  REPORT_MODEL_SCHEMA_VERSION,
  type ReportKpi,
  type ReportModel,
  type ReportRange,
  type ReportScope,
  type Scorecard,
  type Trend,
} from './report-model.ts';

/** Raised when the report, a KPI or a scope is not in the configuration; says what to fix. */
export class ReportModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportModelError';
  }
}

export interface BuildReportModelOptions {
  /** Dimension values the recipient's report is restricted to, e.g. `{ category: 'pets' }`. */
  readonly scope?: DimensionValues | undefined;
  /** ISO instant of generation (the builder reads no clock). */
  readonly generatedAt: string;
  /** Upload keys (or other provenance) the data came from, shown in About. */
  readonly sources?: readonly string[] | undefined;
  /** Uploads rejected since the last run, mentioned in the data-quality notes. */
  readonly rejectedUploads?: readonly { key: string; errors: number; finishedAt: string }[] | undefined;
}

/** zh/en labels of the report ranges. */
export const RANGE_LABELS: Readonly<Record<RangeKind, LocalizedText>> = {
  WTD: { en: 'Week to date', zh: '本周累计' },
  MTD: { en: 'Month to date', zh: '本月累计' },
  QTD: { en: 'Quarter to date', zh: '本季累计' },
  YTD: { en: 'Year to date', zh: '本年累计' },
  LAST_WEEK: { en: 'Last complete week', zh: '上一完整周' },
  LAST_MONTH: { en: 'Last complete month', zh: '上一完整月' },
  LAST_QUARTER: { en: 'Last complete quarter', zh: '上一完整季度' },
};

function figures(e: Evaluation): VarianceFigures {
  return {
    actual: e.actual,
    target: e.target,
    variance: e.variance,
    variancePct: e.variancePct,
    favourablePct: e.favourablePct,
    attainment: e.attainment,
    status: e.status,
    coveredDays: e.coveredDays,
    targetedDays: e.targetedDays,
    comparedFrom: e.comparedFrom,
    comparedTo: e.comparedTo,
    rangeDays: e.rangeDays,
    dataThrough: e.dataThrough,
    fullRangeTarget: e.fullRangeTarget,
    ...(e.valuePeriod !== undefined ? { valuePeriod: e.valuePeriod } : {}),
  };
}

/** `category=pets,channel=tmall`: dims sorted by dimension id; `all` when unscoped. */
export function scopeKey(dims: DimensionValues): string {
  const keys = Object.keys(dims).sort();
  return keys.length === 0 ? 'all' : keys.map((k) => `${k}=${dims[k]}`).join(',');
}

function scopeOf(config: PlanConfig, dims: DimensionValues): ReportScope {
  const keys = Object.keys(dims).sort();
  if (keys.length === 0) return { dims: {}, label: { en: 'All', zh: '全部' }, key: 'all' };
  const parts = keys.map((k) => {
    const dimension = config.dimensions.find((d) => d.id === k);
    const value = dimension?.values.find((v) => v.id === dims[k]);
    if (!dimension || !value) {
      throw new ReportModelError(
        `scope ${k} = ${dims[k]} is not a declared dimension value: declare it under dimensions in plan.config.ts or fix the recipient's scope`,
      );
    }
    return { en: `${dimension.name.en} = ${value.name.en}`, zh: `${dimension.name.zh} = ${value.name.zh}` };
  });
  return {
    dims: Object.fromEntries(keys.map((k) => [k, dims[k]!])),
    label: { en: parts.map((p) => p.en).join(', '), zh: parts.map((p) => p.zh).join('，') },
    key: scopeKey(dims),
  };
}

function milestoneInScope(m: Milestone, scope: DimensionValues): boolean {
  const keys = Object.keys(scope);
  if (keys.length === 0) return true;
  // Decision: a scoped report shows only milestones tagged with the scope's values; untagged
  // (company-wide) milestones appear in unscoped reports only.
  return keys.every((k) => m.dims?.[k] === scope[k]);
}

function text(language: Language, en: string, zh: string): string {
  return language === 'zh' ? zh : en;
}

/**
 * The report model of `reportId` for `asOf` (spec §1–§9). Throws {@link ReportModelError}
 * for an unknown report, KPI or scope value.
 */
export function buildReportModel(
  config: PlanConfig,
  data: PlanData,
  reportId: string,
  asOf: LocalDate,
  options: BuildReportModelOptions,
): ReportModel {
  const report: ReportConfig | undefined = config.reports.find((r) => r.id === reportId);
  if (!report) {
    throw new ReportModelError(
      `unknown report "${reportId}": use one of ${config.reports.map((r) => r.id).join(', ')} (declared under reports in plan.config.ts)`,
    );
  }
  if (!isValidLocalDate(asOf)) {
    throw new ReportModelError(`asOf "${asOf}" is not a local date: write it as YYYY-MM-DD, e.g. 2026-11-22`);
  }
  const kpiById = new Map<string, KpiDeclaration>(config.kpis.map((k) => [k.id, k]));
  const kpiOf = (id: string) => {
    const kpi = kpiById.get(id);
    if (!kpi) {
      throw new ReportModelError(
        `report "${report.id}" names unknown KPI "${id}": declare it under kpis in plan.config.ts`,
      );
    }
    return kpi;
  };
  const reportKpis = report.kpis.map(kpiOf);
  const scorecardKpis = (report.scorecard.kpis ?? report.kpis).map(kpiOf);
  const startMonth = config.calendar.fiscalYearStartMonth;
  const language: Language = report.language;
  const scope = scopeOf(config, options.scope ?? {});

  // ---- ranges and the engine window ---------------------------------------------------
  const ranges: ReportRange[] = report.ranges.map((kind) => {
    const r = reportRange(kind, asOf, startMonth);
    return {
      kind,
      start: r.start,
      end: r.end,
      periodKey: r.periodKey,
      label: RANGE_LABELS[kind],
      days: daysInclusive(r.start, r.end),
    };
  });
  const fy = fiscalYearRange(asOf, startMonth);
  let windowStart = fy.start;
  let windowEnd = fy.end;
  const extraKinds = [report.scorecard.range, report.breakdownRange, report.headline?.range].filter(
    (k): k is RangeKind => k !== undefined,
  );
  for (const kind of [...report.ranges, ...extraKinds]) {
    const r = reportRange(kind, asOf, startMonth);
    if (compareDates(r.start, windowStart) < 0) windowStart = r.start;
    if (compareDates(r.end, windowEnd) > 0) windowEnd = r.end;
  }
  if (compareDates(asOf, windowEnd) > 0) windowEnd = asOf;

  // Index only the KPIs this report shows (and the components of its ratios): a report on
  // 3 KPIs should not pay for a year of 30.
  const needed = new Set<string>();
  for (const kpi of [...reportKpis, ...scorecardKpis, kpiOf(report.headline?.kpi ?? report.kpis[0]!)]) {
    needed.add(kpi.id);
    if (kpi.numerator) needed.add(kpi.numerator);
    if (kpi.denominator) needed.add(kpi.denominator);
  }
  const engine: Engine = createEngine({
    kpis: config.kpis.filter((k) => needed.has(k.id)),
    phasing: config.phasing,
    dimensions: config.dimensions,
    targets: data.targets,
    actuals: data.actuals,
    actualColumns: data.actualColumns,
    fiscalYearStartMonth: startMonth,
    window: { start: windowStart, end: windowEnd },
    scope: scope.dims,
  });

  const evaluateAt = (kpi: string, kind: RangeKind, version: string, group: DimensionValues = {}) => {
    const r = reportRange(kind, asOf, startMonth);
    return engine.evaluate({ kpi, range: r, periodKey: r.periodKey, group, version });
  };

  // ---- KPI × range tables -----------------------------------------------------------------
  const tableFor = (version: string): KpiRangeRow[] =>
    reportKpis.flatMap((kpi) =>
      report.ranges.map((kind) => ({
        kpi: kpi.id,
        range: kind,
        ...figures(evaluateAt(kpi.id, kind, version)),
      })),
    );
  const table = tableFor(report.targetVersion);
  const compareTable = report.compareVersion ? tableFor(report.compareVersion) : [];

  const kpis: ReportKpi[] = reportKpis.map((k) => ({
    id: k.id,
    name: k.name,
    unit: k.unit,
    currency: k.currency,
    aggregation: k.aggregation,
    direction: k.direction,
    weight: k.weight,
    benchmark: k.benchmark ?? null,
    owner: k.owner ?? null,
    numerator: k.numerator ?? null,
    denominator: k.denominator ?? null,
  }));

  // ---- headline -------------------------------------------------------------------------
  const headlineSpec = report.headline ?? {
    kpi: report.kpis[0]!,
    range: report.ranges.includes('MTD') ? ('MTD' as const) : report.ranges[0]!,
  };
  const headlineFigures = evaluateAt(headlineSpec.kpi, headlineSpec.range, report.targetVersion);
  const headline: Headline = {
    kpi: headlineSpec.kpi,
    range: headlineSpec.range,
    variancePct: headlineFigures.variancePct,
    status: headlineFigures.status,
  };

  // ---- scorecard ------------------------------------------------------------------------
  const scorecardRange = report.scorecard.range ?? report.ranges[0]!;
  const scored = scorecardKpis.map((kpi) => ({
    kpi,
    figures: evaluateAt(kpi.id, scorecardRange, report.targetVersion),
  }));
  const card = scoreKpis(
    scored.map((s) => ({
      kpi: s.kpi.id,
      weight: s.kpi.weight,
      attainment: s.figures.attainment,
      owner: s.kpi.owner ?? null,
    })),
    report.scorecard.cap,
  );
  const scorecard: Scorecard = {
    range: scorecardRange,
    cap: card.cap,
    score: card.score,
    entries: card.entries.map((e, i) => ({
      kpi: e.kpi,
      weight: e.weight,
      score: e.score,
      // Why a KPI is listed without a score: its status, or no attainment when actual is 0.
      reason:
        e.score === null ? (scored[i]!.figures.attainment === null ? scored[i]!.figures.status : null) : null,
    })),
    byOwner: card.byOwner,
  };

  // ---- outlook --------------------------------------------------------------------------
  const outlook: Outlook[] = reportKpis.map((kpi) => ({
    kpi: kpi.id,
    ...engine.outlook(kpi.id, asOf, report.targetVersion),
  }));

  // ---- breakdowns -----------------------------------------------------------------------
  const breakdownRange = report.breakdownRange ?? report.ranges[0]!;
  const breakdowns: Breakdown[] = report.breakdowns.map((breakdown) => {
    const dimIds = typeof breakdown === 'string' ? [breakdown] : breakdown;
    const dimensions = dimIds.map((dimId) => {
      const dimension = config.dimensions.find((d) => d.id === dimId);
      if (!dimension) {
        throw new ReportModelError(
          `report "${report.id}" breaks down by unknown dimension "${dimId}": declare it under dimensions in plan.config.ts`,
        );
      }
      // A scope fixing this dimension leaves only its own value: other values are other scopes.
      const values = dimension.values.filter(
        (v) => scope.dims[dimId] === undefined || scope.dims[dimId] === v.id,
      );
      return { dimension, values };
    });
    // Every cell: one value of each dimension (the cross product for two dimensions).
    type Cell = { dims: Record<string, string>; ids: string[]; en: string[]; zh: string[] };
    let cells: Cell[] = [{ dims: {}, ids: [], en: [], zh: [] }];
    for (const { dimension, values } of dimensions) {
      cells = cells.flatMap((c) =>
        values.map((v) => ({
          dims: { ...c.dims, [dimension.id]: v.id },
          ids: [...c.ids, v.id],
          en: [...c.en, v.name.en],
          zh: [...c.zh, v.name.zh],
        })),
      );
    }
    const rows: BreakdownRow[] = reportKpis.flatMap((kpi) =>
      cells.map((cell) => {
        const e = evaluateAt(kpi.id, breakdownRange, report.targetVersion, cell.dims);
        return {
          kpi: kpi.id,
          value: cell.ids.join('|'),
          label: { en: cell.en.join(' · '), zh: cell.zh.join(' · ') },
          dims: cell.dims,
          targetSource: e.targetSource,
          ...figures(e),
        };
      }),
    );
    return {
      dimension: dimIds[0]!,
      dimensionName: {
        en: dimensions.map((d) => d.dimension.name.en).join(' × '),
        zh: dimensions.map((d) => d.dimension.name.zh).join(' × '),
      },
      dimensions: dimIds,
      range: breakdownRange,
      rows,
    };
  });

  // ---- trend ----------------------------------------------------------------------------
  const trendPeriods = periodsBetween({ start: fy.start, end: asOf }, report.trend, startMonth);
  const trend: Trend = {
    grain: report.trend,
    periods: trendPeriods,
    series: reportKpis.map((kpi) => ({
      kpi: kpi.id,
      points: trendPeriods.map((p) => {
        const e = engine.evaluate({
          kpi: kpi.id,
          range: { start: p.start, end: p.end },
          periodKey: p.key,
          version: report.targetVersion,
        });
        return {
          period: p.key,
          actual: e.actual,
          target: e.target,
          variancePct: e.variancePct,
          status: e.status,
        };
      }),
    })),
  };

  // ---- milestones -----------------------------------------------------------------------
  const scopedMilestones = report.includeMilestones
    ? data.milestones.filter((m) => milestoneInScope(m, scope.dims))
    : [];
  const items: MilestoneRow[] = scopedMilestones.map((m) => {
    const e = evaluateMilestone(m, asOf);
    return {
      id: m.id,
      title: m.title,
      owner: m.owner,
      start: m.start ?? null,
      due: m.due,
      weight: m.weight,
      progress: m.progress ?? null,
      expectedProgress: e.expectedProgress,
      status: m.status,
      state: e.state,
      daysLate: e.daysLate,
      daysOverdue: e.daysOverdue,
      dueSoon: e.dueSoon,
      completedOn: m.completedOn ?? null,
      kpi: m.kpi ?? null,
    };
  });
  const rates = milestoneRates(scopedMilestones, asOf);
  const milestones: MilestoneSummary = {
    items,
    dueCount: rates.dueCount,
    dueWeight: rates.dueWeight,
    completion: rates.completion,
    onTime: rates.onTime,
  };

  // ---- data quality ---------------------------------------------------------------------
  // The widest shown range: the earliest start (then the latest end).
  const widest = [...ranges].sort((a, b) => compareDates(a.start, b.start) || compareDates(b.end, a.end))[0]!;
  const graceDays = config.calendar.graceDays;
  const kpiQuality: KpiDataQuality[] = reportKpis.map((kpi) => {
    const widestFindings = engine.coverageFindings(kpi.id, widest, asOf, graceDays);
    return {
      kpi: kpi.id,
      ...widestFindings,
      gapsByRange: ranges.map((r) => ({
        range: r.kind,
        gaps: r === widest ? widestFindings.gaps : engine.coverageFindings(kpi.id, r, asOf, graceDays).gaps,
      })),
    };
  });
  const relevant = new Set(
    reportKpis.flatMap((k) => [k.id, k.numerator, k.denominator].filter(Boolean) as string[]),
  );
  const versions = [report.targetVersion, ...(report.compareVersion ? [report.compareVersion] : [])];
  const targetMismatches = engine.targetMismatches(versions).filter((m) => relevant.has(m.kpi));
  const nameOf = (id: string) => {
    const k = kpiById.get(id);
    return k ? text(language, k.name.en, k.name.zh) : id;
  };
  const notes: string[] = [];
  const scopeDimensions = Object.keys(scope.dims)
    .map((d) => {
      const dimension = config.dimensions.find((x) => x.id === d);
      return dimension ? text(language, dimension.name.en, dimension.name.zh) : d;
    })
    .join(language === 'zh' ? '、' : ', ');
  for (const q of kpiQuality) {
    if (!q.reportedAtLevel) {
      notes.push(
        text(
          language,
          `${nameOf(q.kpi)}: not reported at this level — its uploads carry no ${scopeDimensions}, so this report has no figures for it.`,
          `${nameOf(q.kpi)}：未按${scopeDimensions}上报，本报告无此层级的数据。`,
        ),
      );
      continue;
    }
    if (q.stale) {
      notes.push(
        q.dataThrough
          ? text(
              language,
              `${nameOf(q.kpi)}: data only through ${q.dataThrough} (asOf ${asOf}); figures compare like-for-like days only.`,
              `${nameOf(q.kpi)}：数据仅截至 ${q.dataThrough}（报告日 ${asOf}），仅按同期天数对比。`,
            )
          : text(language, `${nameOf(q.kpi)}: no data yet.`, `${nameOf(q.kpi)}：尚无数据。`),
      );
    }
    // Days without data, per shown range (a reader of the WTD column needs the WTD gaps).
    const perRange = q.gapsByRange
      .map((g) => ({
        label: RANGE_LABELS[g.range],
        days: g.gaps.reduce((n, x) => n + daysInclusive(x.start, x.end), 0),
      }))
      .filter((g) => g.days > 0);
    if (perRange.length > 0) {
      notes.push(
        text(
          language,
          `${nameOf(q.kpi)}: day(s) without data up to ${asOf} — ${perRange.map((g) => `${g.label.en} ${g.days}`).join(', ')}.`,
          `${nameOf(q.kpi)}：截至 ${asOf} 无数据天数——${perRange.map((g) => `${g.label.zh} ${g.days} 天`).join('，')}。`,
        ),
      );
    }
  }
  // Targets covering only part of a shown range: the range compares only the targeted days
  // with data (docs/variance-decisions.md), which a reader must be told. One note per KPI.
  for (const kpi of reportKpis) {
    if (kpi.aggregation === 'snapshot') continue;
    const partial = table.filter(
      (r) => r.kpi === kpi.id && (r.targetedDays ?? 0) > 0 && (r.targetedDays ?? 0) < r.rangeDays,
    );
    if (partial.length === 0) continue;
    const list = partial.map((r) => {
      const label = RANGE_LABELS[r.range];
      const days = `${r.coveredDays}/${r.rangeDays}`;
      return { en: `${label.en} ${days}`, zh: `${label.zh} ${days}` };
    });
    notes.push(
      text(
        language,
        `${nameOf(kpi.id)}: targets cover only part of ${list.map((l) => l.en).join(', ')} (days compared/days in range); only days with both an actual and a target are compared.`,
        `${nameOf(kpi.id)}：目标仅覆盖部分区间（${list.map((l) => l.zh).join('，')}，对比天数/区间天数），仅对比同时有实际值和目标的天数。`,
      ),
    );
  }
  const dimensionName = (id: string) => {
    const d = config.dimensions.find((x) => x.id === id);
    return d ? text(language, d.name.en, d.name.zh) : id;
  };
  for (const m of targetMismatches) {
    const pct = `${(m.differencePct * 100).toFixed(2)}%`;
    const group = scopeKey(m.group);
    const finer = dimensionName(m.finerDimension);
    notes.push(
      m.usedDimension === null
        ? text(
            language,
            `${nameOf(m.kpi)} ${m.period} (${m.version}, ${group}): the finer targets by ${finer} add up to ${m.sumOfFinerTargets.toFixed(2)}, not ${m.explicitTarget.toFixed(2)} (${pct}).`,
            `${nameOf(m.kpi)} ${m.period}（${m.version}，${group}）：按${finer}细分的目标合计 ${m.sumOfFinerTargets.toFixed(2)}，与总目标 ${m.explicitTarget.toFixed(2)} 不一致（${pct}）。`,
          )
        : text(
            language,
            `${nameOf(m.kpi)} ${m.period} (${m.version}, ${group}): no target of its own; the targets by ${dimensionName(m.usedDimension)} (used) add up to ${m.explicitTarget.toFixed(2)}, those by ${finer} to ${m.sumOfFinerTargets.toFixed(2)} (${pct}).`,
            `${nameOf(m.kpi)} ${m.period}（${m.version}，${group}）：无直接目标；按${dimensionName(m.usedDimension)}汇总的目标（采用）合计 ${m.explicitTarget.toFixed(2)}，按${finer}汇总为 ${m.sumOfFinerTargets.toFixed(2)}（${pct}）。`,
          ),
    );
  }
  // Impossible values: a KPI's declared bounds broken (D18), for the KPIs this report shows.
  const boundsViolations = engine.boundsFindings().filter((b) => reportKpis.some((k) => k.id === b.kpi));
  for (const b of boundsViolations) {
    const kpi = kpiById.get(b.kpi);
    const show = (v: number) => (kpi?.unit === 'percent' ? `${(v * 100).toFixed(1)}%` : String(v));
    const allowed = [b.bounds.min, b.bounds.max].map((v) => (v === undefined ? '' : show(v))).join('–');
    const where = scopeKey(b.dims);
    const when = b.firstPeriod === b.lastPeriod ? b.firstPeriod : `${b.firstPeriod} … ${b.lastPeriod}`;
    notes.push(
      text(
        language,
        `${nameOf(b.kpi)} (${where}): impossible value(s) in ${b.periods} period(s), ${when} — e.g. ${show(b.worstValue)}, outside ${allowed}${kpi?.aggregation === 'ratio' ? ` (${kpi.numerator} ÷ ${kpi.denominator})` : ''}; check the uploads.`,
        `${nameOf(b.kpi)}（${where}）：${b.periods} 个期间的数值不可能（${when}），例如 ${show(b.worstValue)}，超出 ${allowed}${kpi?.aggregation === 'ratio' ? `（${kpi.numerator} ÷ ${kpi.denominator}）` : ''}，请检查上传数据。`,
      ),
    );
  }
  for (const u of options.rejectedUploads ?? []) {
    notes.push(
      text(
        language,
        `Upload ${u.key} was rejected at ${u.finishedAt} with ${u.errors} error(s); its figures are not included.`,
        `上传文件 ${u.key} 于 ${u.finishedAt} 被拒绝（${u.errors} 处错误），其数据未计入。`,
      ),
    );
  }
  const dataQuality: DataQuality = { kpis: kpiQuality, targetMismatches, boundsViolations, notes };

  return {
    schemaVersion: REPORT_MODEL_SCHEMA_VERSION,
    report: { id: report.id, name: report.name, language },
    asOf,
    periodKey: periodOf(asOf, grainOfAsOfRule(report.asOfRule), startMonth),
    scope,
    ranges,
    kpis,
    headline,
    scorecard,
    table,
    compareTable,
    outlook,
    breakdowns,
    trend,
    milestones,
    dataQuality,
    attribution: [],
    comparisons: [],
    owners: Object.fromEntries(config.owners.map((o) => [o.id, o.name])),
    about: {
      asOf,
      timeZone: config.calendar.timeZone,
      fiscalYear: fy.key,
      fiscalYearStartMonth: startMonth,
      targetVersion: report.targetVersion,
      compareVersion: report.compareVersion ?? null,
      configVersion: config.version,
      generatedAt: options.generatedAt,
      sources: [...(options.sources ?? [])],
    },
  };
}
