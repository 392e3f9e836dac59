/**
 * Lookups over a validated plan configuration: a report or KPI by id (with "did you mean"
 * when the id is wrong) and the recipient scopes a report is sent to.
 */
import { dimsKey } from '../domain/engine.ts';
import { closestMatch } from '../domain/suggest.ts';
import type { DimensionValues, LocalizedText } from '../domain/types.ts';
import type { KpiConfig, PlanConfig, Recipient, ReportConfig } from './schema.ts';

function hint(value: string, known: readonly string[]): string {
  const close = closestMatch(value, known);
  return close ? ` Did you mean "${close}"?` : '';
}

/** Raised for a report id the configuration does not declare; names the known ids. */
export class UnknownReportError extends Error {
  constructor(
    readonly reportId: string,
    readonly known: readonly string[],
  ) {
    super(
      `unknown report "${reportId}": use one of ${known.join(', ')} (the reports declared in plan.config.ts).${hint(reportId, known)}`,
    );
    this.name = 'UnknownReportError';
  }
}

/** Raised for a KPI id the configuration does not declare. */
export class UnknownKpiError extends Error {
  constructor(
    readonly kpiId: string,
    readonly known: readonly string[],
  ) {
    super(
      `unknown KPI "${kpiId}": declare it under kpis in plan.config.ts or fix the id.${hint(kpiId, known)}`,
    );
    this.name = 'UnknownKpiError';
  }
}

/** Raised for a scope key that no recipient of a report has. */
export class UnknownScopeError extends Error {
  constructor(
    readonly reportId: string,
    readonly scopeKey: string,
    readonly known: readonly string[],
  ) {
    super(
      `report "${reportId}" has no recipients with scope "${scopeKey}": use one of ${known.join(', ')}.${hint(scopeKey, known)}`,
    );
    this.name = 'UnknownScopeError';
  }
}

/** The report with this id; throws {@link UnknownReportError} naming the known ids. */
export function reportById(config: PlanConfig, id: string): ReportConfig {
  const report = config.reports.find((r) => r.id === id);
  if (!report) {
    throw new UnknownReportError(
      id,
      config.reports.map((r) => r.id),
    );
  }
  return report;
}

/** The KPI with this id; throws {@link UnknownKpiError} with a "did you mean". */
export function kpiById(config: PlanConfig, id: string): KpiConfig {
  const kpi = config.kpis.find((k) => k.id === id);
  if (!kpi) {
    throw new UnknownKpiError(
      id,
      config.kpis.map((k) => k.id),
    );
  }
  return kpi;
}

/** The time zone a report's schedule fires in: its own, else the calendar's. */
export function reportTimeZone(config: PlanConfig, report: ReportConfig): string {
  return report.schedule.timeZone ?? config.calendar.timeZone;
}

/** One copy of a report: the dimension values it is restricted to and who receives it. */
export interface ReportScopeGroup {
  /** `all` when unscoped, else `dim=value` pairs sorted by dimension, joined with `,`. */
  readonly key: string;
  /** Empty when unscoped. */
  readonly dims: DimensionValues;
  /** e.g. `{ en: 'Category = Pets', zh: '品类 = 宠物' }`; `All` / `全部` when unscoped. */
  readonly label: LocalizedText;
  /** In the order the configuration lists them. */
  readonly recipients: readonly Recipient[];
}

function sortedEntries(dims: DimensionValues): [string, string][] {
  return Object.entries(dims).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The key of a scope: `all` for none, else `dim=value` pairs sorted by dimension id and
 * joined with `,` (e.g. `category=pets,channel=tmall`). Safe in S3 keys and file names, and
 * stable however the admin orders the scope's fields.
 */
export function scopeKey(dims: DimensionValues | undefined): string {
  return dimsKey(dims ?? {}) || 'all';
}

/** `{ en: 'Category = Pets', zh: '品类 = 宠物' }` from the dimensions' labels (ids when undeclared). */
export function scopeLabel(config: PlanConfig, dims: DimensionValues | undefined): LocalizedText {
  const entries = sortedEntries(dims ?? {});
  if (entries.length === 0) return { en: 'All', zh: '全部' };
  const parts = entries.map(([dimId, valueId]) => {
    const dimension = config.dimensions.find((d) => d.id === dimId);
    const value = dimension?.values.find((v) => v.id === valueId);
    return {
      en: `${dimension?.name.en ?? dimId} = ${value?.name.en ?? valueId}`,
      zh: `${dimension?.name.zh ?? dimId} = ${value?.name.zh ?? valueId}`,
    };
  });
  return { en: parts.map((p) => p.en).join(', '), zh: parts.map((p) => p.zh).join('，') };
}

/**
 * The report's recipients grouped by identical scope, one group per copy to build and send,
 * in the order each scope first appears among the recipients.
 */
export function reportScopes(config: PlanConfig, report: ReportConfig): ReportScopeGroup[] {
  const groups = new Map<string, { dims: DimensionValues; recipients: Recipient[] }>();
  for (const recipient of report.recipients) {
    const key = scopeKey(recipient.scope);
    const group = groups.get(key);
    if (group) group.recipients.push(recipient);
    else
      groups.set(key, {
        dims: Object.fromEntries(sortedEntries(recipient.scope ?? {})),
        recipients: [recipient],
      });
  }
  return [...groups].map(([key, group]) => ({
    key,
    dims: group.dims,
    label: scopeLabel(config, group.dims),
    recipients: group.recipients,
  }));
}

/** The scope group with this key; throws {@link UnknownScopeError} naming the report's scope keys. */
export function reportScopeByKey(config: PlanConfig, report: ReportConfig, key: string): ReportScopeGroup {
  const scopes = reportScopes(config, report);
  const scope = scopes.find((s) => s.key === key);
  if (!scope) {
    throw new UnknownScopeError(
      report.id,
      key,
      scopes.map((s) => s.key),
    );
  }
  return scope;
}
