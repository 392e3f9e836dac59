import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Commits, visibleDays } from '../../../shared/adapters/fact-versions.ts';
import {
  applyPending,
  decodeDaysInto,
  decodePending,
  encodeDays,
  encodePending,
  MONTH_DAYS,
  type PendingDay,
} from '../../../shared/adapters/rollup-days.ts';

const MONTH = '2026-12';
const day = (i: number) => `${MONTH}-${String(i + 1).padStart(2, '0')}`;

/** Any finite double (incl. −0 and subnormals), as a fact's value may be. */
const value = fc.double({ noNaN: true, noDefaultInfinity: true });
const monthDays = fc.dictionary(fc.integer({ min: 0, max: MONTH_DAYS - 1 }).map(day), value);
const uploads = ['0001#a', '0002#b', '0003#c'];
const pendDays = fc.dictionary(
  fc.integer({ min: 0, max: MONTH_DAYS - 1 }).map(day),
  fc.record({ u: fc.constantFrom(...uploads), v: fc.option(value, { nil: null }) }),
);

function decoded(packed: Uint8Array): Record<string, number> {
  const values = new Float64Array(MONTH_DAYS);
  const mask = decodeDaysInto(packed, values);
  const out: Record<string, number> = {};
  for (let i = 0; i < MONTH_DAYS; i++) if (mask & (1 << i)) out[day(i)] = values[i]!;
  return out;
}

describe('packed roll-up days', () => {
  it('decodes to the days it encoded, bit for bit (round trip)', () => {
    fc.assert(
      fc.property(monthDays, (days) => {
        expect(decoded(encodeDays(days))).toEqual(days);
      }),
    );
  });

  it('decodes from a Uint8Array that is a slice of a larger buffer at an odd offset (as the SDK hands it)', () => {
    const packed = encodeDays({ [day(0)]: 1.5, [day(30)]: -2e300 });
    const pool = new Uint8Array(packed.length + 7);
    pool.set(packed, 3);
    expect(decoded(pool.subarray(3, 3 + packed.length))).toEqual({ [day(0)]: 1.5, [day(30)]: -2e300 });
  });

  it('takes 5 bytes and 8 per day: a full month is 253 bytes', () => {
    expect(encodeDays({})).toHaveLength(5);
    const full = Object.fromEntries(Array.from({ length: MONTH_DAYS }, (_, i) => [day(i), i]));
    expect(encodeDays(full)).toHaveLength(253);
  });

  it('round-trips pending days with their upload ids and deletions', () => {
    fc.assert(
      fc.property(pendDays, (pend) => {
        const packed = encodePending(pend);
        if (Object.keys(pend).length === 0) {
          expect(packed).toBeUndefined();
          return;
        }
        expect(packed!.pendUploads.length).toBe(new Set(Object.values(pend).map((p) => p.u)).size);
        expect(decodePending(packed!.pendPacked, packed!.pendUploads, MONTH)).toEqual(pend);
      }),
    );
  });

  it('shows the same days from the packed layout as from the map layout, for any set of committed uploads', () => {
    fc.assert(
      fc.property(monthDays, pendDays, fc.subarray(uploads), (days, pend, committed) => {
        const commits: Commits = new Map(committed.map((u) => [u, '2026-12-31T00:00:00Z']));
        const maps = { month: MONTH, days, pendDays: pend };
        const packed = { month: MONTH, packedDays: encodeDays(days), ...encodePending(pend) };
        expect(visibleDays(packed, commits)).toEqual(visibleDays(maps, commits));
      }),
    );
  });

  it('lays a committed upload over the committed days: its value replaces, its deletion clears', () => {
    const values = new Float64Array(MONTH_DAYS);
    let mask = decodeDaysInto(encodeDays({ [day(0)]: 1, [day(1)]: 2, [day(2)]: 3 }), values);
    const pend: Record<string, PendingDay> = {
      [day(0)]: { u: 'done', v: 10 },
      [day(1)]: { u: 'done', v: null },
      [day(2)]: { u: 'open', v: 30 },
      [day(3)]: { u: 'done', v: 40 },
    };
    const { pendPacked, pendUploads } = encodePending(pend)!;
    mask = applyPending(pendPacked, pendUploads, (u) => u === 'done', mask, values);
    expect(mask).toBe(0b1101);
    expect([values[0], values[2], values[3]]).toEqual([10, 3, 40]);
  });

  it('refuses a layout it does not know, a length its mask does not match, and a day outside a month', () => {
    const values = new Float64Array(MONTH_DAYS);
    expect(() => decodeDaysInto(Uint8Array.of(2, 0, 0, 0, 0), values)).toThrow(
      'unknown packed roll-up layout 2',
    );
    expect(() => decodeDaysInto(new Uint8Array(0), values)).toThrow('unknown packed roll-up layout');
    expect(() => decodeDaysInto(Uint8Array.of(1, 1, 0, 0, 0), values)).toThrow('length does not match');
    expect(() => encodeDays({ '2026-12-32': 1 })).toThrow('not a day of a month');
    expect(() => encodePending({ '2026-12-00': { u: 'x', v: 1 } })).toThrow('not a day of a month');
    expect(() => applyPending(Uint8Array.of(1, 0, 5), ['x'], () => true, 0, values)).toThrow('truncated');
  });
});
