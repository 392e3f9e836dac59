/**
 * A hash table from integer keys to positive integers, held in two typed arrays: the ingest
 * hot path checks a million composite keys per file, and a `Map<number, number>` of them
 * costs a heap number per key above 2³¹, an entry object per key and most of the garbage
 * collector's time. Here a key costs 12 bytes (at most 24 with the table half empty), none
 * of it on the JavaScript heap.
 */

/** Keys are integers in [0, 2⁵³); values are integers in [1, 2³¹). */
export class IntKeyTable {
  private keys: Float64Array;
  /** 0 marks an empty slot, which is why values must be positive. */
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.keys = new Float64Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
  }

  private static hash(key: number): number {
    const lo = key >>> 0;
    const hi = (key - lo) / 4294967296;
    // MurmurHash3's finaliser over both halves: every input bit reaches the low bits.
    let h = lo ^ Math.imul(hi | 0, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** The value stored for `key`, or 0 when there is none. */
  get(key: number): number {
    const { keys, values, mask } = this;
    let i = IntKeyTable.hash(key) & mask;
    for (;;) {
      const value = values[i]!;
      if (value === 0 || keys[i] === key) return value;
      i = (i + 1) & mask;
    }
  }

  /**
   * Stores `value` for `key` unless the key is already there. Returns the value stored
   * before (the key's first value: it is never replaced), or 0 when `key` was added.
   */
  putIfAbsent(key: number, value: number): number {
    const { keys, values, mask } = this;
    let i = IntKeyTable.hash(key) & mask;
    for (;;) {
      const stored = values[i]!;
      if (stored === 0) break;
      if (keys[i] === key) return stored;
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++this.size * 2 > values.length) this.grow();
    return 0;
  }

  private grow(): void {
    const { keys, values } = this;
    const slots = values.length * 2;
    this.keys = new Float64Array(slots);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
    const mask = this.mask;
    for (let j = 0; j < values.length; j++) {
      const value = values[j]!;
      if (value === 0) continue;
      const key = keys[j]!;
      let i = IntKeyTable.hash(key) & mask;
      while (this.values[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = key;
      this.values[i] = value;
    }
  }
}
