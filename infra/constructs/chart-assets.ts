import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CHART_ASSET_FILES, CHART_ASSET_SOURCES } from '../../shared/report/charts/chart-assets.ts';
import { PROJECT_ROOT } from './plan-function.ts';

/** Where the layer's files appear in the function (layers unpack under /opt). */
export const CHART_ASSETS_DIR = '/opt/chart-assets';

/**
 * Copies `source` to `target` unless an equal-sized copy is there: through a temporary file
 * outside the asset folder and a rename, so a synth running beside this one (the infra tests
 * run several) never hashes a half-written or temporary file.
 */
function stage(source: string, target: string, temporaryDir: string): void {
  if (existsSync(target) && statSync(target).size === statSync(source).size) return;
  mkdirSync(temporaryDir, { recursive: true });
  const temporary = path.join(temporaryDir, `${path.basename(target)}.${process.pid}`);
  copyFileSync(source, temporary);
  renameSync(temporary, target);
}

/**
 * A Lambda layer with what the report charts are drawn with: resvg's WebAssembly module
 * (2.4 MiB) and the Noto Sans SC font (10.1 MiB). Bundled into the function they would take
 * the run-report bundle from 0.92 MiB to about 13 MiB (budget 1.5 MiB) and be re-uploaded with
 * every code change; as a layer they are one asset that changes only when the packages do.
 * The files are copied from node_modules at synth time (no network, no Docker); the function
 * finds them through CHART_ASSETS_DIR (shared/report/charts/chart-assets.ts).
 */
export class ChartAssets extends Construct {
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The asset's hash is its content's, so an unchanged font and wasm deploy nothing new.
    const staging = path.join(PROJECT_ROOT, 'cdk.out', '.chart-assets');
    const dir = path.join(staging, path.basename(CHART_ASSETS_DIR));
    mkdirSync(dir, { recursive: true });
    const require = createRequire(path.join(PROJECT_ROOT, 'package.json'));
    const temporary = `${staging}.tmp`;
    stage(require.resolve(CHART_ASSET_SOURCES.wasm), path.join(dir, CHART_ASSET_FILES.wasm), temporary);
    stage(require.resolve(CHART_ASSET_SOURCES.font), path.join(dir, CHART_ASSET_FILES.font), temporary);
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(staging),
      compatibleArchitectures: [lambda.Architecture.ARM_64, lambda.Architecture.X86_64],
      description: 'Report chart assets: resvg WebAssembly and the Noto Sans SC font (OFL)',
      license: 'MPL-2.0 (resvg-wasm), OFL-1.1 (Noto Sans SC)',
    });
  }

  /** Adds the layer to `fn` and tells it where the files are. */
  attachTo(fn: lambda.Function): void {
    fn.addLayers(this.layer);
    fn.addEnvironment('CHART_ASSETS_DIR', CHART_ASSETS_DIR);
  }
}
