/** Fact series the all-or-nothing and racing tests write: channels × days, and their keys. */
import type { ActualFact, TargetFact } from '../../../shared/domain/types.ts';
import type { UploadSource } from '../../../shared/ports/index.ts';

export const CHANNELS = ['app', 'web', 'mini', 'tmall', 'jd'];

/** 130 daily facts (5 channels × 26 days): more than a BatchGetItem (100) and 5 BatchWriteItems. */
export function daily(kpi: string, value: (channel: number, day: number) => number, days = 26): ActualFact[] {
  const facts: ActualFact[] = [];
  for (let d = 1; d <= days; d++) {
    for (const [c, channel] of CHANNELS.entries()) {
      facts.push({
        kpi,
        period: `2026-11-${String(d).padStart(2, '0')}`,
        dims: { channel },
        value: value(c, d),
      });
    }
  }
  return facts;
}

/** Monthly targets of one KPI and version: 5 channels × 12 months. */
export function monthly(kpi: string, value: (channel: number, month: number) => number): TargetFact[] {
  const facts: TargetFact[] = [];
  for (let m = 1; m <= 12; m++) {
    for (const [c, channel] of CHANNELS.entries()) {
      facts.push({
        version: 'budget',
        kpi,
        period: `2026-${String(m).padStart(2, '0')}`,
        dims: { channel },
        value: value(c, m),
      });
    }
  }
  return facts;
}

export const keyOf = (f: { kpi: string; period: string; dims: Record<string, string> }) =>
  `${f.kpi}|${f.period}|${f.dims.channel ?? ''}`;
export const asMap = (
  facts: readonly { kpi: string; period: string; dims: Record<string, string>; value: number }[],
) => new Map(facts.map((f) => [keyOf(f), f.value]));

export const same = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export function source(bucket: string, order: number, key: string): UploadSource {
  return {
    bucket,
    key,
    versionId: `v${order}`,
    order: String(order).padStart(10, '0'),
    uploadedBy: 'ana@example.com',
  };
}
