/**
 * The data-quality section: per KPI its data-through day, staleness and gaps in every shown
 * range; targets that do not add up; impossible values; and the notes a reader is told,
 * localised to the report language.
 */
import { scopeKey } from '../../config/lookup.ts';
import { compareDates, daysInclusive } from '../../domain/calendar.ts';
import type { DataQuality, KpiDataQuality, KpiRangeRow, ReportRange } from '../report-model.ts';
import { type ModelContext, text } from './context.ts';
import type { BuildReportModelOptions } from './options.ts';
import { RANGE_LABELS } from './ranges.ts';

export function dataQualityOf(
  ctx: ModelContext,
  ranges: readonly ReportRange[],
  table: readonly KpiRangeRow[],
  options: BuildReportModelOptions,
): DataQuality {
  const { config, report, asOf, engine, language, scope, reportKpis } = ctx;
  const kpiById = new Map(config.kpis.map((k) => [k.id, k]));
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
  return { kpis: kpiQuality, targetMismatches, boundsViolations, notes };
}
