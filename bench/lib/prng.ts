/**
 * Seeded pseudo-random numbers (mulberry32) so every benchmark input is generated the same
 * way on every machine: nothing is hard-coded, nothing depends on Math.random.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * The i-th number of stream `seed`, in [0, 1), without walking the stream: a counter-based
 * generator (mulberry32's output mix over seed + i), so a value can be produced on demand from
 * its index alone — the synthetic DynamoDB table generates any item in any order with it.
 */
export function prngAt(seed: number, i: number): number {
  // Indices reach ~10^8; fold the high part in so i and i + 2^32 differ.
  let t = (seed + Math.imul(i >>> 0, 0x6d2b79f5) + Math.floor(i / 4294967296) * 0x9e3779b9) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
