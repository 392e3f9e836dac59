import { describe, expect, it } from 'vitest';
import { lazyOnce } from '../../../functions/shared/lazy.ts';

describe('lazyOnce', () => {
  it('builds once, on the first call, and shares that build with concurrent and later callers', async () => {
    let builds = 0;
    const get = lazyOnce(async () => ({ n: ++builds }));
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(builds).toBe(1);
  });

  it('builds again after a failed build, so a fixed environment recovers without a new cold start', async () => {
    let builds = 0;
    const get = lazyOnce(async () => {
      builds++;
      if (builds === 1) throw new Error('TABLE_NAME missing');
      return 'ready';
    });
    await expect(get()).rejects.toThrow('TABLE_NAME missing');
    expect(await get()).toBe('ready');
    expect(builds).toBe(2);
  });
});
