import { describe, expect, it } from 'vitest';
import type { Key } from '../../../shared/adapters/dynamo-batch.ts';
import { HashIndex, hashKey, indexInputs } from '../../../shared/adapters/key-index.ts';

describe('HashIndex', () => {
  it('keeps entries with one hash apart when the caller says they differ, through growth', () => {
    // Prepare: every entry under the same hash, so only the equality callback separates them.
    const names = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const index = new HashIndex(1);

    // Act
    for (let i = 0; i < names.length; i++) index.set(7, i, (j) => names[j] === names[i]);
    const again = index.set(7, 1000, (j) => j < names.length && names[j] === 'k42');

    // Assess
    expect(index.size).toBe(100);
    expect(again).toBe(42);
    expect(index.get(7, (j) => j === 1000)).toBe(1000);
    expect(index.get(7, (j) => names[j] === 'k99')).toBe(99);
    expect(index.get(8, () => true)).toBe(-1);
  });

  it('hashes the key parts with a separator, so shifting a character between them changes the hash', () => {
    expect(hashKey({ pk: 'ab', sk: 'c' })).not.toBe(hashKey({ pk: 'a', sk: 'bc' }));
  });
});

describe('indexInputs', () => {
  const input: (Key & { bucket?: string })[] = [
    { pk: 'A#gmv#_#2026-11', sk: '2026-11-01', bucket: 'A#gmv#_#2026-11' },
    { pk: 'A#gmv#_#2026-12', sk: '2026-12-01', bucket: 'A#gmv#_#2026-12' },
    { pk: 'AC#gmv', sk: '2026-11#_' },
    { pk: 'A#gmv#_#2026-11', sk: '2026-11-02', bucket: 'A#gmv#_#2026-11' },
    { pk: 'A#gmv#_#2026-11', sk: '2026-11-01', bucket: 'A#gmv#_#2026-11' },
    { pk: 'A#gmv#_#2026-12', sk: '2026-12-02', bucket: 'A#gmv#_#2026-12' },
  ];

  it('marks an input a later one repeats, and finds where each roll-up bucket ends', () => {
    // Act
    const index = indexInputs(
      input.length,
      (i) => input[i]!,
      (i) => input[i]!.bucket,
    );

    // Assess
    expect([...index.superseded]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(index.buckets).toBe(2);
    expect([...index.bucketOf]).toEqual([0, 1, -1, 0, 0, 1]);
    expect([...index.bucketEnd.slice(0, index.buckets)]).toEqual([4, 5]);
  });
});
