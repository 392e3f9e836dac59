/**
 * The two states a fact item holds: the committed one at the top level (value and `src*`
 * attributes, as a reader takes them) and `pend`, the state the item's last writer wrote, which
 * counts only once that writer's upload is committed (upload-commits.ts). Writers fold a
 * committed `pend` into the top level when they next write the key; readers resolve it on the
 * fly. Why: see "All or nothing" in dynamo-fact-store.ts.
 */
import type { UploadSource } from '../ports/index.ts';
import type { Item } from './dynamo-batch.ts';
import {
  applyPending,
  dayAt,
  dayIndex,
  decodeDaysInto,
  encodeDays,
  encodePending,
  MONTH_DAYS,
  type PendingDay,
} from './rollup-days.ts';
import { keys } from './table-design.ts';

/** Where an item's state came from; the same names at the top level and inside `pend`. */
export const SOURCE_FIELDS = [
  'srcOrder',
  'srcBucket',
  'srcKey',
  'srcVersionId',
  'uploadedBy',
  'writtenAt',
] as const;

/** A pending state: the writer's upload id `u`, its data, and where it came from. */
export interface Pending {
  readonly u: string;
  readonly data: Item;
  readonly srcOrder: string;
  readonly [field: string]: unknown;
}

export type Commits = ReadonlyMap<string, string>;

export function sourceAttrs(source: UploadSource, writtenAt: string): Item {
  return {
    srcOrder: source.order,
    srcBucket: source.bucket,
    srcKey: source.key,
    srcVersionId: source.versionId,
    uploadedBy: source.uploadedBy,
    writtenAt,
  };
}

export function pendingOf(item: Item | undefined): Pending | undefined {
  const pend = item?.pend as Pending | undefined;
  return pend && typeof pend.u === 'string' ? pend : undefined;
}

/**
 * The committed state of a stored item as top-level attributes (data and `src*`), or `{}` when
 * nothing of it is committed. `staticNames` are the key-derived attributes the writer sets
 * itself (not part of the state).
 */
export function committedState(stored: Item | undefined, commits: Commits): Item {
  if (!stored) return {};
  const pend = pendingOf(stored);
  if (pend && commits.has(pend.u)) {
    const out: Item = { ...pend.data };
    for (const f of SOURCE_FIELDS) out[f] = pend[f];
    return out;
  }
  if (stored.srcOrder === undefined) return {};
  const out: Item = {};
  for (const [k, v] of Object.entries(stored)) if (k !== 'pk' && k !== 'sk' && k !== 'pend') out[k] = v;
  return out;
}

/** The order of the state a reader sees now ('' when none). */
export function committedOrder(stored: Item | undefined, commits: Commits): string {
  const pend = pendingOf(stored);
  if (pend && commits.has(pend.u)) return String(pend.srcOrder);
  return stored?.srcOrder === undefined ? '' : String(stored.srcOrder);
}

/** The data a reader sees (the pending data once committed, else the top level), or undefined. */
export function visibleData(stored: Item, commits: Commits): Item | undefined {
  const pend = pendingOf(stored);
  if (pend && commits.has(pend.u)) return pend.data.deleted === true ? undefined : pend.data;
  return stored.srcOrder === undefined ? undefined : stored;
}

/** Upload ids whose commit decides what `items` show. */
export function pendingUploads(items: Iterable<Item>, into = new Set<string>()): Set<string> {
  for (const item of items) {
    const pend = pendingOf(item);
    if (pend) into.add(pend.u);
    const uploads = item.pendUploads as readonly string[] | undefined;
    if (uploads) for (const u of uploads) into.add(u);
    // Roll-ups written before the packed layout (rollup-days.ts).
    const days = item.pendDays as Record<string, { u: string }> | undefined;
    if (days) for (const d of Object.values(days)) into.add(d.u);
  }
  return into;
}

/**
 * One roll-up bucket's daily items folded the same way: `days` holds the committed values,
 * `pendDays` each day whose writer is not committed yet (with that writer's id), so the commit
 * flip makes the roll-up's new days visible together with the facts.
 */
export function foldRollup(
  facts: readonly Item[],
  commits: Commits,
): { days: Record<string, number>; pendDays: Record<string, { u: string; v: number | null }> } {
  const days: Record<string, number> = {};
  const pendDays: Record<string, { u: string; v: number | null }> = {};
  for (const f of facts) {
    const day = String(f.period);
    const pend = pendingOf(f);
    if (pend && !commits.has(pend.u)) {
      pendDays[day] = { u: pend.u, v: pend.data.deleted === true ? null : Number(pend.data.value) };
      if (f.srcOrder !== undefined) days[day] = Number(f.value);
      continue;
    }
    const data = visibleData(f, commits);
    if (data) days[day] = Number(data.value);
  }
  return { days, pendDays };
}

/** The (KPI, dimension combination, month) a roll-up item sums. */
export interface RollupBucket {
  readonly kpi: string;
  readonly month: string;
  readonly dimsKey: string;
  readonly dims: Readonly<Record<string, string>>;
}

/**
 * The roll-up item of one bucket as the store writes it: the one place its shape is decided
 * (the benchmark's synthetic table builds its items here too, so it reads what a store wrote).
 * Its days are packed (rollup-days.ts): `packedDays`, and `pendPacked` with `pendUploads` only
 * while some day is pending.
 */
export function rollupItem(
  bucket: RollupBucket,
  folded: ReturnType<typeof foldRollup>,
  updatedAt: string,
): Item {
  return {
    ...keys.rollup(bucket.kpi, bucket.month, bucket.dimsKey),
    kpi: bucket.kpi,
    month: bucket.month,
    dimsKey: bucket.dimsKey,
    dims: { ...bucket.dims },
    packedDays: encodeDays(folded.days),
    ...encodePending(folded.pendDays),
    updatedAt,
  };
}

/** The attributes a reader of roll-ups needs, in either layout (a Query's projection). */
export const ROLLUP_READ_ATTRIBUTES = [
  'sk',
  'kpi',
  'month',
  'dims',
  'packedDays',
  'pendPacked',
  'pendUploads',
  'days',
  'pendDays',
] as const;

/**
 * A roll-up's days as a reader sees them now, without an object per day: writes the values into
 * `values` (indexed by day of month − 1, length ≥ {@link MONTH_DAYS}) and returns the mask of
 * days that have one. Reads the packed layout and the `days`/`pendDays` maps written before it.
 */
export function visibleMonth(rollup: Item, commits: Commits, values: Float64Array): number {
  const isCommitted = (u: string) => commits.has(u);
  if (rollup.packedDays instanceof Uint8Array) {
    const mask = decodeDaysInto(rollup.packedDays, values);
    const pend = rollup.pendPacked;
    if (!(pend instanceof Uint8Array)) return mask;
    return applyPending(pend, (rollup.pendUploads ?? []) as string[], isCommitted, mask, values);
  }
  let mask = 0;
  for (const [day, v] of Object.entries((rollup.days ?? {}) as Record<string, number>)) {
    const i = dayIndex(day);
    mask |= 1 << i;
    values[i] = Number(v);
  }
  for (const [day, p] of Object.entries((rollup.pendDays ?? {}) as Record<string, PendingDay>)) {
    if (!isCommitted(p.u)) continue;
    const i = dayIndex(day);
    if (p.v === null) mask &= ~(1 << i);
    else {
      mask |= 1 << i;
      values[i] = Number(p.v);
    }
  }
  return mask;
}

/** A roll-up's days as a reader sees them now, keyed by `yyyy-mm-dd`. */
export function visibleDays(rollup: Item, commits: Commits): Record<string, number> {
  const values = new Float64Array(MONTH_DAYS);
  const mask = visibleMonth(rollup, commits, values);
  const month = String(rollup.month ?? String(rollup.pk).slice(-7));
  const out: Record<string, number> = {};
  for (let i = 0; i < MONTH_DAYS; i++) {
    if (mask & (1 << i)) out[dayAt(month, i)] = values[i]!;
  }
  return out;
}
