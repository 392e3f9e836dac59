/**
 * Bundles each Lambda handler the way infra/constructs/plan-function.ts has the CDK do it
 * (NodejsFunction with esbuild: ESM, minify, node24, platform node, source map, the
 * createRequire banner, `@aws-sdk/*` external because the Node.js runtime ships SDK v3), and
 * measures module-load time in fresh plain `node` processes.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);

export const HANDLERS = ['ingest-upload', 'schedule-report', 'run-report', 'report-link'] as const;
export type HandlerName = (typeof HANDLERS)[number];

/** Dummy values for every variable the handlers read; they read them lazily, on first call. */
export const DUMMY_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'bench-table',
  UPLOADS_BUCKET: 'bench-uploads',
  ARCHIVE_BUCKET: 'bench-archive',
  RUN_LEASE_SECONDS: '145',
  REPORT_JOBS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-jobs',
  LINK_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  LINK_BASE_URL: 'https://bench.lambda-url.us-east-1.on.aws/',
  OPERATORS_EMAIL: 'ops@example.com',
  POWERTOOLS_SERVICE_NAME: 'plan-monitor',
  STAGE: 'bench',
};

export interface BundleResult {
  readonly handler: HandlerName;
  readonly file: string;
  readonly bytes: number;
  /** The packages contributing most bytes to the output, for the notes when a bundle is too big. */
  readonly topInputs: readonly { path: string; bytes: number }[];
}

/** Bundles one handler into `outDir/<name>/index.mjs` (the CDK's file name for ESM). */
export async function bundleHandler(
  root: string,
  outDir: string,
  handler: HandlerName,
): Promise<BundleResult> {
  const dir = join(outDir, handler);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const result = await build({
    entryPoints: [join(root, 'functions', handler, 'handler.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*'],
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    tsconfig: join(root, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  // Bytes per package (or `project` for this repository's own code): what to cut when too big.
  const byPackage = new Map<string, number>();
  for (const [path, v] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'project';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v.bytesInOutput);
  }
  const topInputs = [...byPackage.entries()]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 10);
  return { handler, file, bytes: statSync(file).size, topInputs };
}

const LOAD_SCRIPT = `
const { pathToFileURL } = await import('node:url');
const start = performance.now();
await import(pathToFileURL(process.env.BENCH_BUNDLE).href);
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
`;

/** Module-load time of a bundle in one fresh `node` process (no tsx: the bundle is plain JS). */
export async function loadOnce(
  file: string,
  nodeArgs: readonly string[] = [],
): Promise<{ ms: number; peakRssMb: number }> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '--input-type=module', '-e', LOAD_SCRIPT], {
    env: { ...process.env, ...DUMMY_ENV, BENCH_BUNDLE: file, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { ms: number; peakRssMb: number };
}
