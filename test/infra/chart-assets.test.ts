/**
 * The chart-assets layer: the run-report function has it and is told where it is mounted, and
 * the layer's asset holds the two files the chart code reads there, under the names it uses.
 */
/** biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_ASSETS_DIR } from '../../infra/constructs/chart-assets.ts';
import { CHART_ASSET_FILES } from '../../shared/report/charts/chart-assets.ts';
import { assemblyDir, sharedTemplate } from './support/synthesized.ts';

describe('chart assets layer', () => {
  const template = sharedTemplate('dev');
  const layers = template.findResources('AWS::Lambda::LayerVersion');
  const functions = template.findResources('AWS::Lambda::Function');
  const runReport = Object.entries(functions).find(([id]) => id.includes('RunReport'))![1] as any;

  it('is attached to run-report only, with CHART_ASSETS_DIR naming its mount point', () => {
    const layerIds = Object.keys(layers);
    expect(layerIds).toHaveLength(1);
    expect(runReport.Properties.Layers).toEqual([{ Ref: layerIds[0] }]);
    expect(runReport.Properties.Environment.Variables.CHART_ASSETS_DIR).toBe(CHART_ASSETS_DIR);
    for (const [id, fn] of Object.entries(functions) as [string, any][]) {
      if (fn !== runReport) expect(fn.Properties.Layers, id).toBeUndefined();
    }
  });

  it('ships the wasm and the font where the function looks for them', () => {
    const layer = Object.values(layers)[0] as any;
    const assetDir = join(
      assemblyDir('dev'),
      `asset.${layer.Properties.Content.S3Key.replace(/\.zip$/, '')}`,
    );
    // Layers unpack under /opt: the asset's top folder is the mount point's last segment.
    const mounted = join(assetDir, CHART_ASSETS_DIR.replace(/^\/opt\//, ''));
    for (const file of Object.values(CHART_ASSET_FILES)) {
      expect(existsSync(join(mounted, file)), file).toBe(true);
      expect(statSync(join(mounted, file)).size).toBeGreaterThan(1_000_000);
    }
  });
});
