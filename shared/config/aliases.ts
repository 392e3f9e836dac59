/**
 * Matching the names uploaders write (column headers, KPI names, dimension values) against
 * the configuration. Every id, English name, Chinese name and alias of a KPI, dimension or
 * dimension value is a name it can be written as; the schema rejects a name that would point
 * to two things, so a lookup here is never ambiguous.
 */
import type { DimensionConfig, DimensionValueConfig, KpiConfig, PlanConfig } from './schema.ts';

/**
 * The form names are compared in: Unicode NFKC (full-width Ｇ Ｍ Ｖ and （） become ASCII),
 * lower case, with spaces, underscores, hyphens, slashes and dots removed — so `GMV`,
 * `gmv `, `Ｇｍｖ` and `g_m_v` match, and `JD.com` matches `jd com`. It folds exactly like
 * the ingest's `foldName`, so what the schema rejects as ambiguous is what ingest would
 * confuse. Simplified and traditional Chinese are NOT folded together: list both spellings
 * as aliases (退货率, 退貨率).
 */
export function aliasKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-/\\.·]+/gu, '');
}

/** All names something can be written as: id, English and Chinese name, aliases. */
export function namesOf(item: {
  readonly id: string;
  readonly name: { readonly en: string; readonly zh: string };
  readonly aliases: readonly string[];
}): string[] {
  return [item.id, item.name.en, item.name.zh, ...item.aliases];
}

function indexBy<T extends { id: string; name: { en: string; zh: string }; aliases: string[] }>(
  items: readonly T[],
): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) {
    for (const name of namesOf(item)) {
      const key = aliasKey(name);
      // First wins; the schema has already rejected names shared by two items.
      if (key && !index.has(key)) index.set(key, item);
    }
  }
  return index;
}

/** Name → KPI / dimension / dimension value lookups over one configuration, built once. */
export interface AliasIndex {
  /** The KPI an uploaded KPI name (`GMV`, `成交额`, `gmv`) stands for, or `null`. */
  kpi(name: string): KpiConfig | null;
  /** The dimension a column header (`渠道`, `Channel`, `銷售渠道`) stands for, or `null`. */
  dimension(header: string): DimensionConfig | null;
  /** The value of `dimensionId` that an uploaded cell (`天猫`, `Tmall`) stands for, or `null`. */
  dimensionValue(dimensionId: string, raw: string): DimensionValueConfig | null;
}

/** Build the name lookups of a validated configuration. */
export function createAliasIndex(config: PlanConfig): AliasIndex {
  const kpis = indexBy(config.kpis);
  const dimensions = indexBy(config.dimensions);
  const values = new Map(config.dimensions.map((d) => [d.id, indexBy(d.values)]));
  return {
    kpi: (name) => kpis.get(aliasKey(name)) ?? null,
    dimension: (header) => dimensions.get(aliasKey(header)) ?? null,
    dimensionValue: (dimensionId, raw) => values.get(dimensionId)?.get(aliasKey(raw)) ?? null,
  };
}
