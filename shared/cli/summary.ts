/**
 * The terminal summary of a report model: one line per KPI with its actual, target,
 * variance % and status over one range (MTD when the report shows it), then milestones and
 * stale KPIs. Reads only the model, like every other renderer.
 */
import type { RangeKind } from '../domain/types.ts';
import type { ReportModel } from '../report/report-model.ts';

const STATUS_LABEL: Record<string, string> = {
  on_track: '● on track',
  at_risk: '▲ at risk',
  off_track: '✖ off track',
  no_data: '· no data',
  no_target: '· no target',
};

function formatValue(value: number | null, unit: string): string {
  if (value === null) return '–';
  if (unit === 'percent') return `${(value * 100).toFixed(2)}%`;
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${(value / 1_000_000).toFixed(2)}M`;
  if (abs >= 10_000) return `${(value / 1_000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const NOT_AT_LEVEL = '· not reported at this level';

/**
 * The actual of a summary line. A snapshot holds for one period: its value says which; and
 * when the range holds none (MTD before the month's figure arrives, spec §10: `no_data`), the
 * latest value with its period (spec §7) instead of a bare dash, as the email shows it.
 */
function actualText(
  row: ReportModel['table'][number] | undefined,
  outlook: ReportModel['outlook'][number] | undefined,
  unit: string,
): string {
  if (row?.actual != null) {
    const value = formatValue(row.actual, unit);
    return row.valuePeriod ? `${value} (${row.valuePeriod})` : value;
  }
  if (outlook?.kind === 'snapshot' && outlook.latestPeriod) {
    return `latest ${formatValue(outlook.latestValue, unit)} (${outlook.latestPeriod})`;
  }
  return formatValue(null, unit);
}

function formatPct(value: number | null): string {
  if (value === null) return '–';
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}

/** Width in terminal columns: CJK characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        ch,
      )
        ? 2
        : 1;
  return w;
}

function pad(text: string, size: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return right ? fill + text : text + fill;
}

/** Renders the summary table; `range` defaults to MTD, else the report's first range. */
export function formatSummary(model: ReportModel, range?: RangeKind): string {
  const kinds = model.ranges.map((r) => r.kind);
  const kind = range ?? (kinds.includes('MTD') ? 'MTD' : kinds[0]);
  const shown = model.ranges.find((r) => r.kind === kind);
  const lang = model.report.language;
  const header = ['KPI', `${kind} actual`, 'target', 'variance %', 'status'];
  const outlookOf = new Map(model.outlook.map((o) => [o.kpi, o]));
  const notAtLevel = new Set(model.dataQuality.kpis.filter((k) => !k.reportedAtLevel).map((k) => k.kpi));
  const rows = model.kpis.map((kpi) => {
    const row = model.table.find((r) => r.kpi === kpi.id && r.range === kind);
    return [
      `${kpi.name[lang]} (${kpi.id})`,
      actualText(row, outlookOf.get(kpi.id), kpi.unit),
      formatValue(row?.target ?? null, kpi.unit),
      formatPct(row?.variancePct ?? null),
      notAtLevel.has(kpi.id) && row?.actual == null
        ? NOT_AT_LEVEL
        : (STATUS_LABEL[row?.status ?? 'no_data'] ?? String(row?.status)),
    ];
  });
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0 && i < 4)).join('  ');
  const out = [
    `${model.report.name[lang]} — asOf ${model.asOf} (${model.periodKey})${model.scope ? `, ${model.scope.key}` : ''}`,
    shown ? `${kind}: ${shown.start} … ${shown.end}` : '',
    '',
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
  const m = model.milestones;
  if (m.items.length > 0) {
    const late = m.items.filter(
      (i) => i.state === 'overdue' || i.state === 'done_late' || i.state === 'behind',
    );
    out.push(
      '',
      `Milestones: ${m.items.length}, completion ${formatPct(m.completion).replace('+', '')}, on time ${formatPct(m.onTime).replace('+', '')}` +
        (late.length ? ` — needs attention: ${late.map((i) => `${i.id} ${i.state}`).join(', ')}` : ''),
    );
  }
  const stale = model.dataQuality.kpis.filter((k) => k.stale);
  if (stale.length > 0) {
    out.push(`Stale data: ${stale.map((k) => `${k.kpi} (through ${k.dataThrough ?? 'never'})`).join(', ')}`);
  }
  if (model.scorecard.score !== null)
    out.push(`Scorecard (${model.scorecard.range}): ${model.scorecard.score.toFixed(3)}`);
  return `${out.join('\n')}\n`;
}
