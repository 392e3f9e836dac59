import { describe, expect, it } from 'vitest';
import { aliasKey, createAliasIndex } from '../../../shared/config/aliases.ts';
import { defineConfig } from '../../../shared/config/define-config.ts';
import { baseConfig } from './base-config.ts';

describe('aliasKey', () => {
  it('ignores case, spaces, underscores, hyphens, dots and full-width forms', () => {
    const key = aliasKey('gmv');
    for (const written of ['GMV', ' gmv ', 'Ｇｍｖ', 'g_m-v', 'G.M.V']) expect(aliasKey(written)).toBe(key);
  });

  it('keeps simplified and traditional Chinese apart (both must be listed)', () => {
    expect(aliasKey('退货率')).not.toBe(aliasKey('退貨率'));
  });
});

describe('createAliasIndex', () => {
  const index = createAliasIndex(defineConfig(baseConfig()));

  it('finds a KPI by id, English name, Chinese name or alias', () => {
    expect(['gmv', 'GMV', '成交额', '销售额'].map((name) => index.kpi(name)?.id)).toEqual([
      'gmv',
      'gmv',
      'gmv',
      'gmv',
    ]);
  });

  it('finds a dimension by header and a value by any spelling', () => {
    expect(index.dimension('渠道名称')?.id).toBe('channel');
    expect(index.dimension('Category')?.id).toBe('category');
    expect(index.dimensionValue('channel', '天貓')?.id).toBe('tmall');
    expect(index.dimensionValue('channel', 'TMALL')?.id).toBe('tmall');
  });

  it('returns null for names it does not know', () => {
    expect(index.kpi('ebitda')).toBeNull();
    expect(index.dimension('warehouse')).toBeNull();
    expect(index.dimensionValue('channel', 'pets')).toBeNull();
    expect(index.dimensionValue('warehouse', 'tmall')).toBeNull();
  });
});
