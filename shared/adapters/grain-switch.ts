/**
 * Finding what a grain switch hides: when a newer version of an object gives a series in
 * another grain (grain-registry.ts), the series' facts of the old grain are written as pending
 * deletions of the new upload, so its commit swaps the grains in one step.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parsePeriodKey } from '../domain/calendar.ts';
import { type Item, queryAll, type RequestCounter } from './dynamo-batch.ts';
import type { GrainSwitch } from './grain-registry.ts';
import { dimsKey, keys, monthsBetween } from './table-design.ts';

/** A period key's grain; week, month and day keys do not depend on the fiscal year's start. */
function grainOf(period: string): string | undefined {
  return parsePeriodKey(period, 1)?.grain;
}

function inYear(period: string, s: GrainSwitch): boolean {
  if (period.startsWith('FY')) return period.split('-')[0] === s.claim.fiscalYear;
  const start = parsePeriodKey(period, 1)?.start;
  return start !== undefined && start >= s.claim.yearStart && start <= s.claim.yearEnd;
}

/** The stored items of the switched series in its old grain (committed or not). */
export async function oldGrainItems(
  doc: DynamoDBDocumentClient,
  table: string,
  s: GrainSwitch,
  counter: RequestCounter,
): Promise<Item[]> {
  const { claim } = s;
  const dk = dimsKey(claim.dims);
  const partitions =
    claim.version !== null
      ? [keys.targetPartition(claim.version, claim.kpi)]
      : s.from === 'day'
        ? monthsBetween(claim.yearStart, claim.yearEnd).map((m) =>
            keys.dailyActualPartition(claim.kpi, dk, m),
          )
        : [keys.coarseActualPartition(claim.kpi)];
  const out: Item[] = [];
  for (const pk of partitions) {
    for (const item of await queryAll(doc, table, pk, counter)) {
      const period = String(item.period);
      if (item.dimsKey === dk && grainOf(period) === s.from && inYear(period, s)) out.push(item);
    }
  }
  return out;
}
