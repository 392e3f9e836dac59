/**
 * Single-table design of the plan-monitor DynamoDB table. The CDK stack and the local
 * emulators build the table from {@link TABLE_SCHEMA}; the adapters build keys with the
 * helpers below, so the layout lives in one place.
 *
 * Key schema: partition key `pk` (S), sort key `sk` (S); no GSI (every access pattern is a
 * Query on a known partition or a GetItem/BatchGetItem on a known key). On-demand billing.
 *
 * | item                  | pk                                   | sk                          |
 * |-----------------------|--------------------------------------|-----------------------------|
 * | daily actual          | `A#<kpi>#<dimsKey>#<yyyy-mm>`        | `<yyyy-mm-dd>`              |
 * | coarse actual         | `AC#<kpi>`                           | `<period>#<dimsKey>`        |
 * | monthly roll-up       | `R#<kpi>#<yyyy-mm>`                  | `<dimsKey>`                 |
 * | target                | `T#<version>#<kpi>`                  | `<period>#<dimsKey>`        |
 * | milestone             | `M`                                  | `<id>`                      |
 * | last write per KPI    | `W`                                  | `<kpi>`                     |
 * | upload commit         | `C`                                  | `<uploadId>`                |
 * | commit generation     | `CGEN`                               | `_`                         |
 * | writer lock per kind  | `LOCK`                               | `<actuals|targets|milestones>` |
 * | grain of a series     | `G#<A|T#version>#<kpi>`              | `<fiscal year>#<dimsKey>`   |
 * | upload ordering guard | `UO#<bucket>/<key>`                  | `_`                         |
 * | upload history        | `UL#<yyyy-mm of startedAt>`          | `<startedAt>#<sha-256 of bucket, key, version, 32 hex>` |
 * | report run            | `RUN#<reportId>`                     | `<asOf>#<scopeKey>`         |
 * | reports with runs     | `RUNS`                               | `<reportId>`                |
 * | last sent run         | `RUNLAST#<reportId>`                 | `<scopeKey>`                |
 * | sent runs of a scope  | `RUNSENT#<reportId>#<scopeKey>`      | `<asOf>`                    |
 * | email sent once       | `MAIL#<sha-256 of the email's id>`   | `_`                         |
 *
 * Why this shape:
 * - **Writes spread.** A daily actual's partition is one KPI × one dimension combination ×
 *   one month: at most 31 items, so a 200k-row upload touches thousands of partitions and no
 *   partition comes near DynamoDB's 1,000 writes/s per partition.
 * - **Reads bounded.** After a write, every touched (KPI, dimsKey, month) bucket is re-read
 *   and folded into one roll-up item holding the month's day values. A report Queries
 *   `R#<kpi>#<month>` for the months it needs: one item replaces ~30 daily items, so a YTD
 *   report reads a few percent of the raw facts. Daily items remain the source of truth (a
 *   roll-up can always be rebuilt from them).
 * - **All or nothing, newest upload wins.** A fact item holds its committed state at the top
 *   level (with `srcOrder`, the {@link UploadSource} order) and the state its newest writer
 *   wrote in `pend`, tagged with that upload's id; a roll-up holds its committed days and its
 *   not yet committed ones packed in binary attributes (`packedDays`, `pendPacked` with
 *   `pendUploads`: rollup-days.ts; items written before that hold `days`/`pendDays` maps,
 *   which readers still take). One commit item per upload (`C`) flips them all (fact-versions.ts,
 *   upload-commits.ts); the `CGEN` counter, raised before every flip, tells a reader whether a
 *   flip landed during its reads (then it reads again). Writers of one upload kind take turns
 *   under a `LOCK` lease, read the keys they write and keep the newer order (BatchWriteItem
 *   has no conditions).
 * - **No transactions.** DynamoDB's hold at most 100 items and dynalite (the local emulator)
 *   has none; every guard is a single-item conditional write.
 * - **Keys within limits.** Keys that would carry an S3 key (up to 1,024 bytes) hash it
 *   ({@link digest}); the full names are attributes.
 *
 * Attribute names avoid DynamoDB reserved words (`order`, `status`, `value` are reserved, so
 * conditions use expression attribute names).
 */
import { createHash } from 'node:crypto';
import { dimsKey as canonicalDimsKey } from '../domain/engine.ts';
import type { DimensionValues } from '../domain/types.ts';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** What CreateTable (emulators) and the CDK Table construct need. */
export const TABLE_SCHEMA = {
  partitionKey: { name: PARTITION_KEY, type: 'S' },
  sortKey: { name: SORT_KEY, type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  globalSecondaryIndexes: [],
} as const;

/** Placeholder dimsKey for a total over every dimension. */
export const TOTAL_DIMS_KEY = '_';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A dimension combination as stored: the domain's canonical `dim=value,…` key, or `_` when no
 * dimension is fixed (a key attribute cannot be empty).
 */
export function dimsKey(dims: DimensionValues): string {
  return canonicalDimsKey(dims) || TOTAL_DIMS_KEY;
}

/** Inverse of {@link dimsKey}. */
export function parseDimsKey(key: string): Record<string, string> {
  if (key === TOTAL_DIMS_KEY || key === '') return {};
  const out: Record<string, string> = {};
  for (const pair of key.split(',')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function isDayPeriod(period: string): boolean {
  return DAY_RE.test(period);
}

export const keys = {
  dailyActual: (kpi: string, dk: string, day: string) => ({
    pk: `A#${kpi}#${dk}#${day.slice(0, 7)}`,
    sk: day,
  }),
  dailyActualPartition: (kpi: string, dk: string, month: string) => `A#${kpi}#${dk}#${month}`,
  coarseActual: (kpi: string, period: string, dk: string) => ({ pk: `AC#${kpi}`, sk: `${period}#${dk}` }),
  coarseActualPartition: (kpi: string) => `AC#${kpi}`,
  rollup: (kpi: string, month: string, dk: string) => ({ pk: `R#${kpi}#${month}`, sk: dk }),
  rollupPartition: (kpi: string, month: string) => `R#${kpi}#${month}`,
  target: (version: string, kpi: string, period: string, dk: string) => ({
    pk: `T#${version}#${kpi}`,
    sk: `${period}#${dk}`,
  }),
  targetPartition: (version: string, kpi: string) => `T#${version}#${kpi}`,
  milestone: (id: string) => ({ pk: 'M', sk: id }),
  milestonePartition: 'M',
  lastWrite: (kpi: string) => ({ pk: 'W', sk: kpi }),
  // A bucket name (≤ 63 bytes) and key (≤ 1,024) fit the partition key's 2,048 bytes.
  uploadOrder: (bucket: string, key: string) => ({ pk: `UO#${bucket}/${key}`, sk: '_' }),
  commit: (uploadId: string) => ({ pk: 'C', sk: uploadId }),
  commitGeneration: { pk: 'CGEN', sk: '_' },
  writerLock: (kind: string) => ({ pk: 'LOCK', sk: kind }),
  grainPartition: (series: string) => `G#${series}`,
  // The object's names are hashed, not spelled out: an S3 key alone may take 1,024 bytes, the
  // sort key's whole limit. The item keeps bucket, key and version as attributes.
  uploadHistory: (startedAt: string, bucket: string, key: string, versionId: string | null) => ({
    pk: `UL#${startedAt.slice(0, 7)}`,
    sk: `${startedAt}#${digest(`${bucket}\u0000${key}\u0000${versionId ?? ''}`)}`,
  }),
  uploadHistoryPartition: (month: string) => `UL#${month}`,
  run: (reportId: string, asOf: string, scopeKey: string) => ({
    pk: `RUN#${reportId}`,
    sk: `${asOf}#${scopeKey}`,
  }),
  runPartition: (reportId: string) => `RUN#${reportId}`,
  runIndex: (reportId: string) => ({ pk: 'RUNS', sk: reportId }),
  runIndexPartition: 'RUNS',
  lastSent: (reportId: string, scopeKey: string) => ({ pk: `RUNLAST#${reportId}`, sk: scopeKey }),
  sentRun: (reportId: string, scopeKey: string, asOf: string) => ({
    pk: `RUNSENT#${reportId}#${scopeKey}`,
    sk: asOf,
  }),
  sentRunPartition: (reportId: string, scopeKey: string) => `RUNSENT#${reportId}#${scopeKey}`,
  /** `digest`: hex SHA-256 of the email's id (ids hold S3 keys, longer than a key may be). */
  mail: (digest: string) => ({ pk: `MAIL#${digest}`, sk: '_' }),
} as const;

/** 128 bits of SHA-256 in hex: a fixed-width stand-in for a name too long for a key. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Months `yyyy-mm` from the month of `start` to the month of `end`, inclusive. */
export function monthsBetween(start: string, end: string): string[] {
  const out: string[] = [];
  let y = Number(start.slice(0, 4));
  let m = Number(start.slice(5, 7));
  const endY = Number(end.slice(0, 4));
  const endM = Number(end.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}
