/**
 * Spec §3: one (version, KPI, dimension values, fiscal year) uses one grain. This module turns
 * an upload's facts into one grain claim per series (checked across uploads by the fact store)
 * and finds series the file itself holds in two grains — e.g. daily actuals and a monthly total
 * of the same KPI and channel, which a report would otherwise add up twice.
 */
import { fiscalYearRange, parsePeriodKey } from '../domain/calendar.ts';
import { dimsKey } from '../domain/engine/dims.ts';
import type { ActualFact, TargetFact } from '../domain/types.ts';
import type { FactList, GrainClaim, GrainConflict } from '../ports/index.ts';

export interface SeriesGrains {
  readonly claims: GrainClaim[];
  /** Series this file holds in two grains, with the two grains. */
  readonly mixed: { readonly claim: GrainClaim; readonly other: string }[];
}

export function grainClaims(facts: FactList<ActualFact | TargetFact>, startMonth: number): SeriesGrains {
  const bySeries = new Map<string, GrainClaim>();
  const mixed: SeriesGrains['mixed'] = [];
  const mixedSeries = new Set<string>();
  // A file repeats few periods over many rows.
  const periods = new Map<string, { grain: string; year: ReturnType<typeof fiscalYearRange> } | null>();
  for (let i = 0; i < facts.length; i++) {
    const fact = facts.at(i)!;
    let period = periods.get(fact.period);
    if (period === undefined) {
      const parsed = parsePeriodKey(fact.period, startMonth);
      period = parsed && { grain: parsed.grain, year: fiscalYearRange(parsed.start, startMonth) };
      periods.set(fact.period, period);
    }
    if (!period) continue; // validation has refused such a file already
    const year = period.year;
    const version = 'version' in fact ? fact.version : null;
    const dims = dimsKey(fact.dims);
    const series = `${version ?? ''}\u0000${fact.kpi}\u0000${dims}\u0000${year.key}`;
    const known = bySeries.get(series);
    if (!known) {
      bySeries.set(series, {
        version,
        kpi: fact.kpi,
        dims: fact.dims,
        fiscalYear: year.key,
        yearStart: year.start,
        yearEnd: year.end,
        grain: period.grain,
      });
    } else if (known.grain !== period.grain && !mixedSeries.has(series)) {
      mixedSeries.add(series);
      mixed.push({ claim: known, other: period.grain });
    }
  }
  return { claims: [...bySeries.values()], mixed };
}

function seriesLabel(claim: GrainClaim): string {
  const dims = Object.entries(claim.dims)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const what = claim.version === null ? 'Actuals' : `Targets (${claim.version})`;
  return `${what} of ${claim.kpi}${dims ? ` (${dims})` : ''} in ${claim.fiscalYear}`;
}

/** The upload-level message for a series this file holds in two grains. */
export function mixedGrainMessage(m: SeriesGrains['mixed'][number]): string {
  return (
    `${seriesLabel(m.claim)} come in two grains in this file: ${m.claim.grain} and ${m.other} ` +
    '(e.g. daily rows and a period total, which would be counted twice). Keep one grain per KPI, ' +
    'dimension values and fiscal year: drop the totals or the detail rows. ' +
    '同一指标、维度和财年只能用一种粒度（例如只保留每日数据或只保留汇总）。'
  );
}

/** The upload-level message for a series another upload holds in another grain. */
export function grainConflictMessage(conflict: GrainConflict): string {
  const { claim, held } = conflict;
  const holder = `s3://${held.bucket}/${held.key}${held.versionId ? ` (version ${held.versionId})` : ''}`;
  return (
    `${seriesLabel(claim)} are already held at ${held.grain} grain by ${holder}; this file gives ` +
    `${claim.grain}s. One KPI, dimension values and fiscal year use one grain. To switch to ` +
    `${claim.grain}s, upload this data as a new version of ${held.key} (same folder, same file ` +
    `name): it replaces that file's ${held.grain} figures of this series. Or give this file ` +
    `${held.grain}s instead. ` +
    `该指标在此财年已由 ${held.key} 按“${held.grain}”粒度上传；如需改用“${claim.grain}”，请以同一文件名重新上传该文件。`
  );
}
