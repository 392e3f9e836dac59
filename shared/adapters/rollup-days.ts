/**
 * The days of one monthly roll-up item packed into binary attributes (issue 16, bench/NOTES.md
 * "Report read path"). A report reads one roll-up per (KPI, combination, month) — 3.28M of them
 * for 100M daily facts — and a `days` map of 30 `{ "yyyy-mm-dd": { "N": "…" } }` entries cost
 * most of the client's CPU per item (JSON, unmarshalling, one string and number per day). Packed,
 * a month is one base64 string the SDK turns into one Uint8Array, decoded here without objects.
 *
 * `packedDays` (committed values), little-endian:
 *   byte 0      layout version (1)
 *   bytes 1–4   uint32 mask: bit i set ⇔ day i+1 of the month has a value
 *   then        one float64 per set bit, in ascending day order
 * `pendPacked` (states of uploads not committed when the roll-up was written), with the upload
 * ids apart in `pendUploads` (a list of strings; an entry names its upload by index):
 *   byte 0      layout version (1)
 *   then        10 bytes per pending day: uint8 day index (bit 7 set: the upload deletes the
 *               day), uint8 upload index, float64 value (0 when deleted)
 * At most 1 + 4 + 31 × 8 = 253 and 1 + 31 × 10 = 311 bytes: far below DynamoDB's 400 KB item.
 */

const LAYOUT_V1 = 1;
const PEND_ENTRY = 10;
const DELETED = 0x80;

/** Days of a month a roll-up can hold (scratch arrays for decoding are this long). */
export const MONTH_DAYS = 31;

/** A day's index in its month's packed layout (day of month − 1); `day` is `yyyy-mm-dd`. */
export function dayIndex(day: string): number {
  return Number(day.slice(8, 10)) - 1;
}

/** The day at `index` of `month` (`yyyy-mm`) as `yyyy-mm-dd`: the inverse of {@link dayIndex}. */
export function dayAt(month: string, index: number): string {
  return `${month}-${String(index + 1).padStart(2, '0')}`;
}

function checkedIndex(day: string): number {
  const i = dayIndex(day);
  if (!(i >= 0 && i < MONTH_DAYS)) throw new Error(`not a day of a month: ${day}`);
  return i;
}

/** Committed values of a month, keyed by `yyyy-mm-dd` (all of one month), packed. */
export function encodeDays(days: Readonly<Record<string, number>>): Uint8Array {
  const values = new Float64Array(MONTH_DAYS);
  let mask = 0;
  for (const [day, value] of Object.entries(days)) {
    const i = checkedIndex(day);
    mask |= 1 << i;
    values[i] = value;
  }
  const out = new Uint8Array(5 + 8 * bitCount(mask));
  const view = new DataView(out.buffer);
  view.setUint8(0, LAYOUT_V1);
  view.setUint32(1, mask >>> 0, true);
  let at = 5;
  for (let i = 0; i < MONTH_DAYS; i++) {
    if ((mask & (1 << i)) === 0) continue;
    view.setFloat64(at, values[i]!, true);
    at += 8;
  }
  return out;
}

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

function viewOf(packed: Uint8Array, what: string): DataView {
  if (packed.length === 0 || packed[0] !== LAYOUT_V1) {
    throw new Error(`${what}: unknown packed roll-up layout ${packed[0] ?? '(empty)'}`);
  }
  // The SDK's Uint8Array may be a slice of a shared buffer (Node's Buffer pool): keep its offset.
  return new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
}

/**
 * Decodes `packed` into `values` (indexed by day index; entries of unset days are left as they
 * were) and returns the mask of days it holds.
 */
export function decodeDaysInto(packed: Uint8Array, values: Float64Array): number {
  const view = viewOf(packed, 'packedDays');
  const mask = packed.length >= 5 ? view.getUint32(1, true) | 0 : 0;
  if (packed.length < 5 || mask < 0 || packed.length !== 5 + 8 * bitCount(mask))
    throw new Error('packedDays: length does not match its mask');
  let at = 5;
  for (let m = mask; m !== 0; m &= m - 1) {
    const i = 31 - Math.clz32(m & -m);
    values[i] = view.getFloat64(at, true);
    at += 8;
  }
  return mask;
}

/** A pending day: the writer's upload id and its value (`null`: the upload deletes the day). */
export interface PendingDay {
  readonly u: string;
  readonly v: number | null;
}

/** Pending days of a month, keyed by `yyyy-mm-dd`, packed; undefined when there are none. */
export function encodePending(
  pendDays: Readonly<Record<string, PendingDay>>,
): { pendPacked: Uint8Array; pendUploads: string[] } | undefined {
  const entries = Object.entries(pendDays);
  if (entries.length === 0) return undefined;
  const pendUploads: string[] = [];
  const out = new Uint8Array(1 + PEND_ENTRY * entries.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, LAYOUT_V1);
  let at = 1;
  for (const [day, p] of entries) {
    let u = pendUploads.indexOf(p.u);
    if (u < 0) u = pendUploads.push(p.u) - 1;
    view.setUint8(at, checkedIndex(day) | (p.v === null ? DELETED : 0));
    view.setUint8(at + 1, u);
    view.setFloat64(at + 2, p.v ?? 0, true);
    at += PEND_ENTRY;
  }
  return { pendPacked: out, pendUploads };
}

/**
 * Lays the pending days whose upload `isCommitted` over a decoded month (`mask`, `values`) and
 * returns the new mask: a committed upload's value replaces the day's, its deletion clears it.
 */
export function applyPending(
  packed: Uint8Array,
  uploads: readonly string[],
  isCommitted: (upload: string) => boolean,
  mask: number,
  values: Float64Array,
): number {
  const view = viewOf(packed, 'pendPacked');
  if ((packed.length - 1) % PEND_ENTRY !== 0) throw new Error('pendPacked: truncated entry');
  for (let at = 1; at < packed.length; at += PEND_ENTRY) {
    const u = uploads[view.getUint8(at + 1)];
    if (u === undefined) throw new Error('pendPacked: upload index outside pendUploads');
    if (!isCommitted(u)) continue;
    const flags = view.getUint8(at);
    const bit = 1 << (flags & ~DELETED);
    if (flags & DELETED) mask &= ~bit;
    else {
      mask |= bit;
      values[flags & ~DELETED] = view.getFloat64(at + 2, true);
    }
  }
  return mask;
}

/** Every pending day as the map layout spells it (for tests and the map-shaped readers). */
export function decodePending(packed: Uint8Array, uploads: readonly string[], month: string) {
  const out: Record<string, PendingDay> = {};
  const view = viewOf(packed, 'pendPacked');
  for (let at = 1; at < packed.length; at += PEND_ENTRY) {
    const flags = view.getUint8(at);
    const day = dayAt(month, flags & ~DELETED);
    out[day] = {
      u: uploads[view.getUint8(at + 1)]!,
      v: flags & DELETED ? null : view.getFloat64(at + 2, true),
    };
  }
  return out;
}
