/**
 * Bundles each Lambda handler the way infra/constructs/plan-function.ts has the CDK do it
 * (NodejsFunction with esbuild: ESM, minify, node24, platform node, source map, the
 * createRequire banner, the AWS SDK bundled — `bundleAwsSDK`), and measures module-load time in
 * fresh plain `node` processes without `--enable-source-maps`, as the functions run
 * (infra/v8-flags.ts). The bundle then needs nothing from node_modules: what is timed is what
 * Lambda loads.
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

/**
 * A first event for each handler that touches no AWS service: it makes the handler import and
 * build what it defers to its first invocation (functions/shared/lazy.ts), so load + first
 * invoke is what a cold start costs in all.
 */
export const TRIVIAL_EVENTS: Readonly<Record<HandlerName, unknown>> = {
  // The S3 test event S3 sends when notifications are set up: ignored.
  'ingest-upload': {
    Records: [{ messageId: 'bench', body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }) }],
  },
  // An unreadable job: reported as a batch item failure before any read.
  'run-report': { Records: [{ messageId: 'bench', body: 'not json' }] },
  // Not a report: rejected by the invocation schema.
  'schedule-report': {},
  // A link without a token: the 403 page, no KMS call.
  'report-link': { requestContext: { http: { method: 'GET' } }, queryStringParameters: {} },
};

/**
 * Bundles one handler into `outDir/<name>/index.mjs` (the CDK's file name for ESM).
 * `bundleSdk: false`: `@aws-sdk/*` external, NodejsFunction's default, for the alternative — it
 * then loads from node_modules as the Lambda runtime loads its own copy.
 */
export async function bundleHandler(
  root: string,
  outDir: string,
  handler: HandlerName,
  { bundleSdk = true }: { bundleSdk?: boolean } = {},
): Promise<BundleResult> {
  const dir = join(outDir, bundleSdk ? handler : `${handler}-sdk-external`);
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
    external: bundleSdk ? [] : ['@aws-sdk/*'],
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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const cpu0 = cpu();
const start = performance.now();
const bundle = await import(pathToFileURL(process.env.BENCH_BUNDLE).href);
const ms = performance.now() - start;
const cpuMs = cpu() - cpu0;
let firstInvokeMs = null;
let firstInvokeCpuMs = null;
if (process.env.BENCH_EVENT) {
  const cpu1 = cpu();
  const t = performance.now();
  await bundle.handler(JSON.parse(process.env.BENCH_EVENT)).catch(() => undefined);
  firstInvokeMs = performance.now() - t;
  firstInvokeCpuMs = cpu() - cpu1;
}
process.stdout.write(JSON.stringify({ ms, cpuMs, firstInvokeMs, firstInvokeCpuMs, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
`;

export interface LoadResult {
  readonly ms: number;
  /** CPU time of the import: steady when other work shares the machine. */
  readonly cpuMs: number;
  /** The first (trivial) invocation after the load, where deferred imports are paid; null without an event. */
  readonly firstInvokeMs: number | null;
  readonly firstInvokeCpuMs: number | null;
  readonly peakRssMb: number;
}

/**
 * Module-load time of a bundle in one fresh `node` process (no tsx: the bundle is plain JS),
 * then, given an event, the time of the first invocation (console output of the handler dropped).
 */
export async function loadOnce(
  file: string,
  nodeArgs: readonly string[] = [],
  event?: unknown,
): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '--input-type=module', '-e', LOAD_SCRIPT], {
    env: {
      ...process.env,
      ...DUMMY_ENV,
      BENCH_BUNDLE: file,
      BENCH_EVENT: event === undefined ? '' : JSON.stringify(event),
      NODE_OPTIONS: '',
    },
  });
  const line = stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{"ms"'))
    .pop();
  return JSON.parse(line ?? '{}') as LoadResult;
}
