/**
 * Where the rasteriser's two binary assets come from: resvg's WebAssembly module (2.4 MiB)
 * and the Noto Sans SC font (10.1 MiB; Chinese needs a CJK face, and the Lambda has no
 * system fonts). Both are npm packages, too large for the Lambda bundle (budget 1.5 MiB):
 * on AWS they come from the chart-assets layer (infra/constructs/chart-assets.ts), whose
 * directory the function's `CHART_ASSETS_DIR` names; locally, from node_modules.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The files' names inside a chart-assets directory (the layer's layout). */
export const CHART_ASSET_FILES = { wasm: 'resvg.wasm', font: 'NotoSansSC-Regular.ttf' } as const;

/** The npm files the layer is built from, as package subpaths. */
export const CHART_ASSET_SOURCES = {
  wasm: '@resvg/resvg-wasm/index_bg.wasm',
  font: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
} as const;

export interface ChartAssetPaths {
  readonly wasm: string;
  readonly font: string;
}

/** The assets' paths: in `dir` when given (the layer), else resolved in node_modules. */
export function chartAssetPaths(dir: string | undefined = process.env.CHART_ASSETS_DIR): ChartAssetPaths {
  if (dir) return { wasm: join(dir, CHART_ASSET_FILES.wasm), font: join(dir, CHART_ASSET_FILES.font) };
  const require = createRequire(import.meta.url);
  return { wasm: require.resolve(CHART_ASSET_SOURCES.wasm), font: require.resolve(CHART_ASSET_SOURCES.font) };
}

export interface ChartAssets {
  readonly wasm: Uint8Array;
  readonly font: Uint8Array;
}

export async function readChartAssets(paths: ChartAssetPaths = chartAssetPaths()): Promise<ChartAssets> {
  const [wasm, font] = await Promise.all([readFile(paths.wasm), readFile(paths.font)]);
  return { wasm, font };
}
