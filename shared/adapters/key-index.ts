/**
 * What a sliced write needs to know about its whole input without holding a string per input:
 * which inputs a later input with the same key replaces, and which daily facts share a roll-up
 * bucket and where each bucket ends. Typed arrays of a few bytes per input stand in for the
 * string-keyed Maps a whole-input pass would otherwise build; equal hashes are confirmed by
 * recomputing the inputs' keys, so a hash collision never merges two keys.
 */
import type { Key } from './dynamo-batch.ts';

const EMPTY = -1;

/** FNV-1a over `s`, continuing from `h` (the offset basis when absent). */
function fnv1a(s: string, h = 0x811c9dc5): number {
  let x = h;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  return x >>> 0;
}

/** Murmur3's finaliser: spreads FNV's weak low bits, which pick the slot. */
function mix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function hashString(s: string): number {
  return mix(fnv1a(s));
}

export function hashKey(key: Key): number {
  // The separator keeps (`ab`, `c`) and (`a`, `bc`) apart.
  return mix(fnv1a(key.sk, fnv1a('\u0000', fnv1a(key.pk))));
}

/**
 * Open-addressing hash index from a 32-bit hash to a non-negative number (an input index or
 * an ordinal), linear probing, grown at half load. It keeps no keys: the caller says whether
 * the entry under a matching hash is really its key.
 */
export class HashIndex {
  private hashes: Uint32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.hashes = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for the entry `same` accepts under `hash`, or -1. */
  get(hash: number, same: (value: number) => boolean): number {
    const slot = this.find(hash, same);
    return slot >= 0 ? (this.values[slot] as number) : EMPTY;
  }

  /** Stores `value` for the entry `same` accepts under `hash` (added when absent); returns the previous value or -1. */
  set(hash: number, value: number, same: (value: number) => boolean): number {
    const slot = this.find(hash, same);
    if (slot >= 0) {
      const previous = this.values[slot] as number;
      this.values[slot] = value;
      return previous;
    }
    this.place(hash, value);
    this.count += 1;
    if (this.count * 2 > this.values.length) this.grow();
    return EMPTY;
  }

  private find(hash: number, same: (value: number) => boolean): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const v = this.values[slot] as number;
      if (v === EMPTY) return EMPTY;
      if (this.hashes[slot] === hash && same(v)) return slot;
    }
  }

  private place(hash: number, value: number): void {
    let slot = hash & this.mask;
    while (this.values[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.hashes[slot] = hash;
    this.values[slot] = value;
  }

  private grow(): void {
    const hashes = this.hashes;
    const values = this.values;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.values = new Int32Array(values.length * 2).fill(EMPTY);
    this.mask = this.values.length - 1;
    for (let slot = 0; slot < values.length; slot++) {
      if (values[slot] !== EMPTY) this.place(hashes[slot] as number, values[slot] as number);
    }
  }
}

/** What {@link indexInputs} learns about the whole input. */
export interface InputIndex {
  /** 1 where a later input has the same key: that later row wins and this one is not written. */
  readonly superseded: Uint8Array;
  /** Roll-up bucket ordinal of each input, -1 for an input without a bucket. */
  readonly bucketOf: Int32Array;
  /** Index of the last input of each bucket (by ordinal): the bucket is complete once it is written. */
  readonly bucketEnd: Int32Array;
  readonly buckets: number;
}

/**
 * One pass over `count` inputs. `keyOf(i)` is input i's table key; `bucketOf(i, key)` its
 * roll-up bucket id (a string equal for inputs of one bucket) or undefined. Both may be called
 * again for earlier inputs to confirm a hash match, so they must be pure and should be cheap.
 */
export function indexInputs(
  count: number,
  keyOf: (i: number) => Key,
  bucketIdOf?: (i: number, key: Key) => string | undefined,
): InputIndex {
  const superseded = new Uint8Array(count);
  const bucketOf = new Int32Array(count).fill(EMPTY);
  const bucketEnd = new Int32Array(count);
  const byKey = new HashIndex(count);
  const byBucket = new HashIndex(Math.min(count, 1024));
  let buckets = 0;
  // Consecutive inputs usually share a bucket: skip the probe then.
  let lastBucketId: string | undefined;
  let lastBucket = EMPTY;
  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    const previous = byKey.set(hashKey(key), i, (j) => {
      const other = keyOf(j);
      return other.pk === key.pk && other.sk === key.sk;
    });
    if (previous !== EMPTY) superseded[previous] = 1;

    const id = bucketIdOf?.(i, key);
    if (id === undefined) continue;
    let b: number;
    if (id === lastBucketId) b = lastBucket;
    else {
      const h = hashString(id);
      const same = (ordinal: number) => {
        const j = bucketEnd[ordinal] as number;
        return bucketIdOf?.(j, keyOf(j)) === id;
      };
      b = byBucket.get(h, same);
      if (b === EMPTY) {
        b = buckets++;
        byBucket.set(h, b, () => false);
      }
    }
    bucketOf[i] = b;
    bucketEnd[b] = i;
    lastBucketId = id;
    lastBucket = b;
  }
  return { superseded, bucketOf, bucketEnd, buckets };
}
