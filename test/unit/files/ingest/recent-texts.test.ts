import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentTexts } from '../../../../shared/files/ingest/recent-texts.ts';

describe('RecentTexts', () => {
  it('gives back what a text was remembered with, and nothing for a text it never saw', () => {
    const recent = new RecentTexts<number>();
    expect(recent.get('channel_1')).toBeUndefined();
    expect(recent.get('')).toBeUndefined();
    recent.remember('channel_1', 1);
    recent.remember('渠道2', 2);
    recent.remember('', 0);
    expect(recent.get('channel_1')).toBe(1);
    expect(recent.get(['channel', '1'].join('_'))).toBe(1); // equal text, another string
    expect(recent.get('渠道2')).toBe(2);
    expect(recent.get('')).toBe(0);
    expect(recent.get('channel_2')).toBeUndefined();
  });

  it('keeps no long text, which could hold the whole decoded chunk it was sliced from', () => {
    const recent = new RecentTexts<number>();
    recent.remember('tmall_flagship_store', 1);
    expect(recent.get('tmall_flagship_store')).toBeUndefined();
    recent.remember('tmall_store1', 2);
    expect(recent.get('tmall_store1')).toBe(2);
  });

  it('never answers for another text, whatever was remembered before (a Map is the oracle)', () => {
    const texts = fc.oneof(
      fc.constantFrom('kpi_01', 'kpi_1', 'gmv', '指标1', 'Metric 1', '', ' ', 'channel_1', 'channel_11'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(texts, fc.boolean()), { maxLength: 200 }), (steps) => {
        const recent = new RecentTexts<string>();
        const truth = new Map<string, string>();
        steps.forEach(([text, remember], i) => {
          const hit = recent.get(text);
          if (hit !== undefined) expect(hit).toBe(truth.get(text));
          if (remember) {
            // What a text resolves to never changes within a file: remember the first value.
            const value = truth.get(text) ?? `${text}#${i}`;
            truth.set(text, value);
            recent.remember(text, value);
            expect(recent.get(text)).toBe(value);
          }
        });
      }),
      { numRuns: 2_000 },
    );
  });
});
