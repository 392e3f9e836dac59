/** Runs the CLI in-process with captured output, and writes a generated sample year to a folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { generateSampleYear, type SampleYear } from '../../../infra/local/sample-year.ts';
import { main } from '../../../shared/cli/main.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(args: string[], cwd: string): Promise<CliRun> {
  const out = capture();
  const err = capture();
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Writes the sample year's files under `dir` (keys become paths); returns the year. */
export async function writeSampleYear(
  config: PlanConfig,
  dir: string,
  options: { asOf: string; maxActualRows?: number; withBadFile: boolean },
): Promise<SampleYear> {
  const year = await generateSampleYear(config, {
    seed: 7,
    fiscalYear: 'FY2026',
    asOf: options.asOf,
    ...(options.maxActualRows ? { maxActualRows: options.maxActualRows } : {}),
  });
  for (const file of year.files) {
    if (file.expectRejected && !options.withBadFile) continue;
    const target = path.join(dir, file.key);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.body);
  }
  return year;
}
