/**
 * The one name folding: the configuration check and the upload reader compare names in the
 * same form, so a configuration that passes validation loads every name as the thing it names.
 */
import { describe, expect, it } from 'vitest';
import { defineConfig, PlanConfigError } from '../../../shared/config/define-config.ts';
import { foldName } from '../../../shared/config/fold-name.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import { baseConfig } from './base-config.ts';

describe('foldName', () => {
  it('ignores case, spaces, underscores, hyphens, dots and full-width forms', () => {
    const key = foldName('gmv');
    for (const written of ['GMV', ' gmv ', 'Ｇｍｖ', 'g_m-v', 'G.M.V']) expect(foldName(written)).toBe(key);
  });

  it('reads traditional characters as simplified', () => {
    expect(foldName('銷售額')).toBe('销售额');
    expect(foldName('退貨率')).toBe(foldName('退货率'));
    expect(foldName('區域')).toBe(foldName('区域'));
    expect(foldName('履約準時率')).toBe(foldName('履约准时率'));
  });

  it('keeps different names apart', () => {
    expect(foldName('销售额')).not.toBe(foldName('成交额'));
    expect(foldName('gmv')).not.toBe(foldName('gmv2'));
  });
});

describe('the configuration check and the upload reader agree', () => {
  async function kpiOfUpload(config: ReturnType<typeof defineConfig>, name: string): Promise<string> {
    const body = new TextEncoder().encode(`日期,指標,數值\n2026-03-02,${name},5\n`);
    const result = await parseUpload({ config, kind: 'actuals', body });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    if (result.kind !== 'actuals') throw new Error(`read as ${result.kind}`);
    return result.actuals.at(0)!.kpi;
  }

  it('refuses a configuration whose aliases of two KPIs fold to one name', () => {
    const config = baseConfig();
    // gmv has the alias 销售额; orders claiming its traditional spelling would make an upload
    // of 銷售額 load as whichever KPI was indexed first.
    config.kpis[1]!.aliases = ['銷售額'];
    expect(() => defineConfig(config)).toThrow(PlanConfigError);
    expect(() => defineConfig(config)).toThrow(/"銷售額" already names KPI "gmv"/);
  });

  it('refuses two dimension values whose names fold to one', () => {
    const config = baseConfig();
    config.dimensions[0]!.values[0]!.aliases = ['天貓'];
    config.dimensions[0]!.values[1]!.aliases = [];
    // 天貓 (self_operated's alias) folds to 天猫, tmall's Chinese name.
    expect(() => defineConfig(config)).toThrow(/already names value "(self_operated|tmall)"/);
  });

  it('loads 銷售額 as the KPI whose alias is 销售额', async () => {
    const config = defineConfig(baseConfig());
    expect(await kpiOfUpload(config, '銷售額')).toBe('gmv');
    expect(await kpiOfUpload(config, 'ＧＭＶ')).toBe('gmv');
    expect(await kpiOfUpload(config, '訂單數')).toBe('orders');
  });
});
