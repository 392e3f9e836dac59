/**
 * What each function evaluates at module load — the part of a cold start Lambda waits for before
 * the first event — is only what that first event needs (issue 16, point 3). Derived from the
 * bundle as infra builds it (esbuild, AWS SDK bundled): the modules reached from the handler by
 * static imports alone; a module behind an `await import()` is evaluated when the import runs.
 * The load times themselves are measured by the benchmark (bench/lib/bundles.ts).
 */
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../../../bench/lib/bundles.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Inputs reachable from the entry through static `import` and `require()` edges. */
function loadedAtModuleLoad(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of meta.inputs[file]?.imports ?? []) {
      if (edge.kind === 'dynamic-import' || edge.external) continue;
      todo.push(edge.path);
    }
  }
  return seen;
}

/** A package name, or the repository-relative path of the project's own module. */
const nameOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;

const loaded = new Map<HandlerName, string[]>();

beforeAll(async () => {
  for (const handler of HANDLERS) {
    const entry = `functions/${handler}/handler.ts`;
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      metafile: true,
      logLevel: 'silent',
    });
    loaded.set(handler, [...new Set([...loadedAtModuleLoad(metafile, entry)].map(nameOf))].sort());
  }
}, 60_000);

describe('modules a function evaluates at module load', () => {
  it.each(['ingest-upload', 'run-report'] as const)(
    '%s: only its handler and the lazy loader — use case, readers, renderers, adapters and SDK on the first event',
    (handler) => {
      expect(loaded.get(handler)).toEqual([`functions/${handler}/handler.ts`, 'functions/shared/lazy.ts']);
    },
  );

  it('schedule-report: the SQS client and the job schema its first event needs, no renderer, mail or other AWS client', () => {
    const names = loaded.get('schedule-report') ?? [];
    expect(names).toContain('@aws-sdk/client-sqs');
    expect(names).toContain('functions/shared/report-messages.ts');
    expect(names.filter((n) => n.startsWith('@aws-sdk/client-'))).toEqual(['@aws-sdk/client-sqs']);
    for (const heavy of ['exceljs', 'nodemailer', 'iconv-lite']) expect(names, heavy).not.toContain(heavy);
    expect(names.filter((n) => n.startsWith('shared/report/'))).toEqual([]);
  });

  it('report-link: the S3 presigner for a valid link, but KMS only on first use and no workbook or mail code', () => {
    const names = loaded.get('report-link') ?? [];
    expect(names).toContain('@aws-sdk/s3-request-presigner');
    expect(names).not.toContain('@aws-sdk/client-kms');
    for (const heavy of ['exceljs', 'nodemailer', 'iconv-lite']) expect(names, heavy).not.toContain(heavy);
    // The refusal page and its HTML escaping, nothing of the report renderers.
    expect(names.filter((n) => n.startsWith('shared/report/'))).toEqual([
      'shared/report/render/html.ts',
      'shared/report/render/link-page.ts',
    ]);
  });
});
