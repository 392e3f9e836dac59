/**
 * Labels and text formatting for reports, in Chinese and English.
 *
 * Used by every renderer that writes *text* (email, terminal, workbook labels). Workbook
 * cells hold raw numbers with Excel number formats instead (see render/excel.ts), so only
 * the words come from here there. Text output uses U+2212 (−) for negatives so a minus
 * never reads as a hyphen or a dash.
 */
import type { MilestoneState, VarianceStatus } from '../domain/types.ts';
import type { Language, ReportKpi, ReportModel } from './report-model.ts';

/** U+2212 MINUS SIGN. */
export const MINUS = '\u2212';
/** Shown for a figure that is not defined (`null` in the model). */
export const DASH = '—';

export interface Labels {
  readonly sheets: {
    readonly summary: string;
    readonly trend: string;
    readonly milestones: string;
    readonly dataQuality: string;
    readonly about: string;
    /** Every KPI over every range (the Summary leads with the period only). */
    readonly kpis: string;
  };
  readonly columns: {
    readonly kpi: string;
    readonly range: string;
    readonly period: string;
    readonly actual: string;
    readonly target: string;
    readonly variance: string;
    readonly variancePct: string;
    readonly attainment: string;
    readonly status: string;
    readonly benchmark: string;
    readonly dataThrough: string;
    readonly coverage: string;
    readonly forecast: string;
    readonly annualTarget: string;
    readonly gapToAnnual: string;
    readonly requiredPace: string;
    readonly targetSource: string;
    readonly start: string;
    readonly end: string;
    readonly id: string;
    readonly title: string;
    readonly owner: string;
    readonly due: string;
    readonly weight: string;
    readonly progress: string;
    readonly expectedProgress: string;
    readonly state: string;
    readonly daysLate: string;
    readonly daysOverdue: string;
    readonly dueSoon: string;
    readonly completedOn: string;
    readonly score: string;
    readonly stale: string;
    readonly gaps: string;
    readonly version: string;
    readonly group: string;
    readonly explicitTarget: string;
    readonly sumOfFiner: string;
    readonly difference: string;
    readonly note: string;
    readonly item: string;
    readonly value: string;
  };
  readonly status: Readonly<Record<VarianceStatus, string>>;
  readonly milestoneState: Readonly<Record<MilestoneState, string>>;
  readonly targetSource: Readonly<Record<'explicit' | 'sum_of_finer' | 'none', string>>;
  readonly yes: string;
  readonly no: string;
  readonly allScope: string;
  readonly text: {
    readonly period: string;
    readonly asOf: string;
    readonly scope: string;
    readonly scorecard: string;
    readonly headline: string;
    readonly outlook: string;
    readonly scorecardByOwner: string;
    readonly milestoneSummary: string;
    readonly dueCount: string;
    readonly completion: string;
    readonly onTime: string;
    readonly targetMismatches: string;
    readonly notes: string;
    readonly kpiFreshness: string;
    readonly timeZone: string;
    readonly fiscalYear: string;
    readonly targetVersion: string;
    readonly compareVersion: string;
    readonly configVersion: string;
    readonly generatedAt: string;
    readonly sources: string;
    readonly reportId: string;
    readonly schemaVersion: string;
    readonly page: string;
    readonly topKpis: string;
    readonly largestUnfavourable: string;
    readonly milestonesAttention: string;
    readonly dataWarnings: string;
    readonly workbookAttached: string;
    readonly linkIntro: string;
    readonly linkValidUntil: string;
    /** A reusable link: `{expiry}` is replaced. */
    readonly linkFreshUntil: string;
    /** After a reusable link's expiry: `{contact}` is replaced. */
    readonly linkAskAfter: string;
    /** Before the command that writes the workbook locally (a presigned link's fallback). */
    readonly linkLocalCommand: string;
    readonly noNewData: string;
    readonly noNewDataSubject: string;
    readonly noneUnfavourable: string;
    readonly noneMilestones: string;
    readonly noneWarnings: string;
    readonly staleKpi: string;
    readonly gapIn: string;
    readonly mismatch: string;
    readonly generatedFooter: string;
    readonly scoped: string;
    readonly notCounted: string;
    readonly displayedAsPp: string;
    /** Report v2 lead: the period's own result, then month and year. */
    readonly periodResult: string;
    readonly previousPeriod: string;
    readonly lastYear: string;
    readonly change: string;
    readonly whereFrom: string;
    /** `{slices}`, `{share}`, `{kpi}` are replaced. */
    readonly explainShare: string;
    /** `{rate}`, `{mix}` are replaced. */
    readonly rateMix: string;
    readonly others: string;
    readonly legend: string;
    readonly legendIntro: string;
    /** `{atRisk}`, `{offTrack}` are replaced. */
    readonly toleranceText: string;
    readonly noDataKpis: string;
    /** `{kpis}`, `{mismatches}`, `{bounds}` are replaced. */
    readonly dqSummary: string;
    /** `{days}`, `{runs}`, `{first}`, `{last}` are replaced. */
    readonly gapSummary: string;
    /** `{n}` is replaced. */
    readonly trendTitle: string;
    readonly comparisons: string;
    readonly notReportedAtLevel: string;
    readonly gapOfYear: string;
    readonly forecastShort: string;
    readonly paceShort: string;
  };
}

const zh: Labels = {
  sheets: {
    summary: '汇总',
    trend: '趋势',
    milestones: '里程碑',
    dataQuality: '数据质量',
    about: '关于',
    kpis: '指标明细',
  },
  columns: {
    kpi: '指标',
    range: '区间',
    period: '周期',
    actual: '实际',
    target: '目标',
    variance: '偏差',
    variancePct: '偏差率',
    attainment: '达成率',
    status: '状态',
    benchmark: '行业基准',
    dataThrough: '数据截至',
    coverage: '覆盖天数',
    forecast: '全年预测',
    annualTarget: '全年目标',
    gapToAnnual: '与全年目标差距',
    requiredPace: '所需进度',
    targetSource: '目标来源',
    start: '开始',
    end: '结束',
    id: '编号',
    title: '标题',
    owner: '负责人',
    due: '截止日期',
    weight: '权重',
    progress: '进度',
    expectedProgress: '应有进度',
    state: '状态',
    daysLate: '延迟天数',
    daysOverdue: '逾期天数',
    dueSoon: '即将到期',
    completedOn: '完成日期',
    score: '得分',
    stale: '数据过期',
    gaps: '缺失日期',
    version: '版本',
    group: '维度组合',
    explicitTarget: '直接目标',
    sumOfFiner: '下级目标合计',
    difference: '差异',
    note: '说明',
    item: '项目',
    value: '值',
  },
  status: {
    on_track: '正常',
    at_risk: '预警',
    off_track: '落后',
    no_data: '无数据',
    no_target: '无目标',
  },
  milestoneState: {
    done: '已完成',
    done_late: '延期完成',
    overdue: '逾期',
    blocked: '受阻',
    behind: '滞后',
    on_track: '正常',
    not_started: '未开始',
    cancelled: '已取消',
  },
  targetSource: { explicit: '直接设定', sum_of_finer: '下级合计', none: '无' },
  yes: '是',
  no: '否',
  allScope: '全部',
  text: {
    period: '周期',
    asOf: '数据截至',
    scope: '范围',
    scorecard: '综合得分',
    headline: '核心指标',
    outlook: '全年展望',
    scorecardByOwner: '按负责团队得分',
    milestoneSummary: '里程碑汇总',
    dueCount: '已到期里程碑（个数）',
    completion: '完成率（按权重）',
    onTime: '按期完成率（按权重）',
    targetMismatches: '目标不一致',
    notes: '说明',
    kpiFreshness: '各指标数据时效',
    timeZone: '时区',
    fiscalYear: '财年',
    targetVersion: '目标版本',
    compareVersion: '对比版本',
    configVersion: '配置版本',
    generatedAt: '生成时间',
    sources: '数据来源',
    reportId: '报表编号',
    schemaVersion: '模型版本',
    page: '第 &P 页，共 &N 页',
    topKpis: '主要指标',
    largestUnfavourable: '偏差最大的不利项',
    milestonesAttention: '逾期及需关注的里程碑',
    dataWarnings: '数据质量提示',
    workbookAttached: '完整报表见附件：',
    linkIntro: '报表较大，未作为附件发送。下载链接：',
    linkValidUntil: '链接有效期至',
    linkFreshUntil: '每次打开此链接都会生成新的下载，有效期至 {expiry}。',
    linkAskAfter: '过期后请联系 {contact} 获取报表。',
    linkLocalCommand: '在本地生成此报表，请运行：',
    noNewData: '自上次发送以来没有新的数据，本期不附报表。',
    noNewDataSubject: '无新数据',
    noneUnfavourable: '没有不利偏差。',
    noneMilestones: '没有逾期或需关注的里程碑。',
    noneWarnings: '没有数据质量问题。',
    staleKpi: '数据已过期，最新数据截至',
    gapIn: '缺失数据',
    mismatch: '直接目标与下级目标合计不一致',
    generatedFooter: '由 Plan Monitor 自动生成',
    scoped: '本报表仅包含以下范围的数据：',
    notCounted: '不计入',
    displayedAsPp: '百分比指标的偏差以百分点显示',
    periodResult: '本期结果与计划对比',
    previousPeriod: '上期',
    lastYear: '去年同期',
    change: '变化',
    whereFrom: '偏差来源',
    explainShare: '{slices} 解释了{kpi}偏差的 {share}',
    rateMix: '比率效应 {rate}，结构效应 {mix}',
    others: '其他',
    legend: '图例',
    legendIntro: '状态按各指标的容差判定：不利偏差率超过预警阈值为「预警」，超过落后阈值为「落后」。',
    toleranceText: '超过 {atRisk} 为预警，超过 {offTrack} 为落后',
    noDataKpis: '本期无数据的指标：',
    dqSummary:
      '{kpis} 个指标数据不完整，{mismatches} 处目标不一致，{bounds} 处数值越界；详见工作簿「数据质量」表。',
    gapSummary: '缺 {days} 天（{runs} 段，{first} – {last}）',
    trendTitle: '趋势：偏差率，最近 {n} 期',
    comparisons: '环比与同比',
    notReportedAtLevel: '本范围不统计',
    gapOfYear: '距全年目标',
    forecastShort: '全年预测',
    paceShort: '所需进度',
  },
};

const en: Labels = {
  sheets: {
    summary: 'Summary',
    trend: 'Trend',
    milestones: 'Milestones',
    dataQuality: 'Data quality',
    about: 'About',
    kpis: 'KPIs',
  },
  columns: {
    kpi: 'KPI',
    range: 'Range',
    period: 'Period',
    actual: 'Actual',
    target: 'Target',
    variance: 'Variance',
    variancePct: 'Variance %',
    attainment: 'Attainment',
    status: 'Status',
    benchmark: 'Benchmark',
    dataThrough: 'Data through',
    coverage: 'Days covered',
    forecast: 'Forecast (year)',
    annualTarget: 'Annual target',
    gapToAnnual: 'Gap to annual',
    requiredPace: 'Required pace',
    targetSource: 'Target source',
    start: 'Start',
    end: 'End',
    id: 'ID',
    title: 'Title',
    owner: 'Owner',
    due: 'Due',
    weight: 'Weight',
    progress: 'Progress',
    expectedProgress: 'Expected',
    state: 'State',
    daysLate: 'Days late',
    daysOverdue: 'Days overdue',
    dueSoon: 'Due soon',
    completedOn: 'Completed on',
    score: 'Score',
    stale: 'Stale',
    gaps: 'Days without data',
    version: 'Version',
    group: 'Group',
    explicitTarget: 'Explicit target',
    sumOfFiner: 'Sum of finer targets',
    difference: 'Difference',
    note: 'Note',
    item: 'Item',
    value: 'Value',
  },
  status: {
    on_track: 'On track',
    at_risk: 'At risk',
    off_track: 'Off track',
    no_data: 'No data',
    no_target: 'No target',
  },
  milestoneState: {
    done: 'Done',
    done_late: 'Done late',
    overdue: 'Overdue',
    blocked: 'Blocked',
    behind: 'Behind',
    on_track: 'On track',
    not_started: 'Not started',
    cancelled: 'Cancelled',
  },
  targetSource: { explicit: 'Explicit', sum_of_finer: 'Sum of finer', none: 'None' },
  yes: 'Yes',
  no: 'No',
  allScope: 'All',
  text: {
    period: 'Period',
    asOf: 'As of',
    scope: 'Scope',
    scorecard: 'Scorecard',
    headline: 'Headline',
    outlook: 'Outlook',
    scorecardByOwner: 'Score by owner team',
    milestoneSummary: 'Milestones',
    dueCount: 'Due so far (count)',
    completion: 'Completion (weighted)',
    onTime: 'On time (weighted)',
    targetMismatches: 'Targets that do not add up',
    notes: 'Notes',
    kpiFreshness: 'Data freshness per KPI',
    timeZone: 'Time zone',
    fiscalYear: 'Fiscal year',
    targetVersion: 'Target version',
    compareVersion: 'Compare version',
    configVersion: 'Configuration version',
    generatedAt: 'Generated at',
    sources: 'Sources',
    reportId: 'Report id',
    schemaVersion: 'Model schema version',
    page: 'Page &P of &N',
    topKpis: 'Key KPIs',
    largestUnfavourable: 'Largest unfavourable variances',
    milestonesAttention: 'Overdue and at-risk milestones',
    dataWarnings: 'Data-quality warnings',
    workbookAttached: 'The full workbook is attached:',
    linkIntro: 'The workbook is too large to attach. Download it here:',
    linkValidUntil: 'Link valid until',
    linkFreshUntil: 'The link gives a fresh download each time you open it, until {expiry}.',
    linkAskAfter: 'After that, ask {contact} for the report.',
    linkLocalCommand: 'To write this workbook locally, run:',
    noNewData: 'No new data has arrived since the last report; no workbook this time.',
    noNewDataSubject: 'no new data',
    noneUnfavourable: 'No unfavourable variances.',
    noneMilestones: 'No overdue or at-risk milestones.',
    noneWarnings: 'No data-quality issues.',
    staleKpi: 'stale, data only through',
    gapIn: 'no data',
    mismatch: 'explicit target differs from the sum of finer targets',
    generatedFooter: 'Generated by Plan Monitor',
    scoped: 'This report covers only:',
    notCounted: 'not counted',
    displayedAsPp: 'Variances of percent KPIs are in percentage points',
    periodResult: 'This period against plan',
    previousPeriod: 'Previous period',
    lastYear: 'Same period last year',
    change: 'Change',
    whereFrom: 'Where the gap comes from',
    explainShare: '{slices} explain {share} of the {kpi} variance',
    rateMix: 'rate effect {rate}, mix effect {mix}',
    others: 'others',
    legend: 'Legend',
    legendIntro:
      'Status follows each KPI’s tolerance: an unfavourable variance beyond its at-risk threshold is “At risk”, beyond its off-track threshold “Off track”.',
    toleranceText: 'at risk beyond {atRisk}, off track beyond {offTrack}',
    noDataKpis: 'No data this period: ',
    dqSummary:
      '{kpis} KPIs with missing or stale data, {mismatches} target mismatches, {bounds} values out of bounds; details on the workbook’s Data quality sheet.',
    gapSummary: '{days} days missing ({runs} runs, {first} – {last})',
    trendTitle: 'Trend: variance %, last {n} periods',
    comparisons: 'Against earlier periods',
    notReportedAtLevel: 'not reported at this level',
    gapOfYear: 'Gap to annual',
    forecastShort: 'Forecast',
    paceShort: 'Required pace',
  },
};

const LABELS: Readonly<Record<Language, Labels>> = { zh, en };

/** All labels of one language. */
export function labels(language: Language): Labels {
  return LABELS[language];
}

/** The status word, e.g. `预警` / `At risk`. */
export function statusWord(status: VarianceStatus, language: Language): string {
  return LABELS[language].status[status];
}

/** The milestone state word, e.g. `逾期` / `Overdue`. */
export function milestoneStateWord(state: MilestoneState, language: Language): string {
  return LABELS[language].milestoneState[state];
}

const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = {
  CNY: '¥',
  JPY: '¥',
  USD: '$',
  HKD: 'HK$',
  EUR: '€',
  GBP: '£',
};

/** The symbol written before currency amounts; the ISO code and a space for unknown currencies. */
export function currencySymbol(code: string): string {
  return CURRENCY_SYMBOLS[code] ?? `${code} `;
}

/** Ratio and snapshot currency KPIs (e.g. average order value) are small: show cents. */
export function currencyDecimals(kpi: Pick<ReportKpi, 'aggregation'>): number {
  return kpi.aggregation === 'sum' ? 0 : 2;
}

function grouped(abs: number, decimals: number): string {
  return abs.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Applies U+2212 and an optional `+`; treats values that round to zero as zero (no `−0`). */
function sign(value: number, body: string, signed: boolean): string {
  const zero = /^[^1-9]*$/.test(body);
  if (zero) return body;
  if (value < 0) return MINUS + body;
  return signed ? `+${body}` : body;
}

/** `12,540,000` — grouped count or number; `decimals` defaults to 0. */
export function formatNumber(value: number | null, decimals = 0, signed = false): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return sign(value, grouped(Math.abs(value), decimals), signed);
}

/** `¥12,540,000` (or `−¥1,100,000`). */
export function formatCurrency(value: number | null, currency = 'CNY', decimals = 0, signed = false): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return sign(value, currencySymbol(currency) + grouped(Math.abs(value), decimals), signed);
}

/** A fraction as a percent: `0.05` → `5.0%`; `signed` adds `+` and uses U+2212. */
export function formatPercent(value: number | null, decimals = 1, signed = false): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return sign(value, `${(Math.abs(value) * 100).toFixed(decimals)}%`, signed);
}

/** A fraction difference as percentage points: `−0.002` → `−0.20 pp` / `−0.20 个百分点`. */
export function formatPp(value: number | null, language: Language, decimals = 2): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  const unit = language === 'zh' ? ' 个百分点' : ' pp';
  return sign(value, (Math.abs(value) * 100).toFixed(decimals), true) + unit;
}

/** A KPI value in the KPI's unit: `¥20,900,000`, `120,000`, `3.00%`, `¥174.17`. */
export function formatKpiValue(value: number | null, kpi: ReportKpi, language: Language): string {
  switch (kpi.unit) {
    case 'currency':
      return formatCurrency(value, kpi.currency, currencyDecimals(kpi));
    case 'percent':
      return formatPercent(value, 2);
    case 'count':
      return formatNumber(value, 0);
    case 'minutes':
      return value === null ? DASH : `${formatNumber(value, 1)}${language === 'zh' ? ' 分钟' : ' min'}`;
    case 'days':
      return value === null ? DASH : `${formatNumber(value, 1)}${language === 'zh' ? ' 天' : ' d'}`;
    default:
      return formatNumber(value, 2);
  }
}

/** A variance (actual − target) in the KPI's unit, always signed; pp for percent KPIs. */
export function formatVariance(value: number | null, kpi: ReportKpi, language: Language): string {
  switch (kpi.unit) {
    case 'currency':
      return formatCurrency(value, kpi.currency, currencyDecimals(kpi), true);
    case 'percent':
      return formatPp(value, language);
    case 'count':
      return formatNumber(value, 0, true);
    default:
      return formatNumber(value, 2, true);
  }
}

/** A signed variance percent: `−5.0%`, `+9.1%`. */
export function formatVariancePct(value: number | null): string {
  return formatPercent(value, 1, true);
}

/**
 * An ISO instant as a local wall-clock time in `timeZone`, e.g. `2026-11-23 21:00`.
 * Used for link expiries, so the reader sees the zone the report is written in.
 */
export function formatInstant(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** `2026-11-30 09:00 (Asia/Shanghai)`: an instant as local time with its zone, never UTC ISO. */
export function formatLocalTime(iso: string, timeZone: string): string {
  return `${formatInstant(iso, timeZone)} (${timeZone})`;
}

/**
 * A large amount in the reader's units: 万 and 亿 in Chinese (`¥1,234.5万`, `¥1.23亿`), M and
 * B in English (`¥5.80M`). Below 10,000 (zh) or 1,000,000 (en) the full figure is shown.
 * `prefix` is the currency symbol, or '' for counts.
 */
export function formatCompact(value: number | null, language: Language, prefix = '', signed = false): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  let body: string;
  if (language === 'zh') {
    if (abs >= 1e8) body = `${grouped(abs / 1e8, 2)}亿`;
    else if (abs >= 1e4) body = `${grouped(abs / 1e4, 1)}万`;
    else body = grouped(abs, 0);
  } else if (abs >= 1e9) body = `${grouped(abs / 1e9, 2)}B`;
  else if (abs >= 1e6) body = `${grouped(abs / 1e6, 2)}M`;
  else body = grouped(abs, 0);
  return sign(value, prefix + body, signed);
}

/**
 * A KPI value for reading (email, summary lines): money sums and counts in 万/亿 (or M/B),
 * everything else exactly as `formatKpiValue`.
 */
export function formatKpiAmount(
  value: number | null,
  kpi: ReportKpi,
  language: Language,
  signed = false,
): string {
  const additive = kpi.aggregation === 'sum' && (kpi.unit === 'currency' || kpi.unit === 'count');
  if (!additive) return signed ? formatVariance(value, kpi, language) : formatKpiValue(value, kpi, language);
  return formatCompact(value, language, kpi.unit === 'currency' ? currencySymbol(kpi.currency) : '', signed);
}

/** An owner or team id as the configuration names it (`customer_service` → `客服部`). */
export function ownerName(model: Pick<ReportModel, 'owners' | 'report'>, id: string | null): string {
  if (id === null) return DASH;
  return model.owners[id]?.[model.report.language] ?? id;
}

/**
 * Whether the model is restricted to a scope. An unscoped model may carry `scope: null` or a
 * scope with no dimension values (key `all`); both mean the whole company.
 */
export function isScoped(model: Pick<ReportModel, 'scope'>): boolean {
  return model.scope !== null && Object.keys(model.scope.dims).length > 0;
}

/** The scope in words, e.g. `品类 = 宠物`, or `全部` / `All` when unscoped. */
export function scopeLabel(model: Pick<ReportModel, 'scope' | 'report'>): string {
  const lang = model.report.language;
  return isScoped(model) && model.scope ? model.scope.label[lang] : LABELS[lang].allScope;
}
