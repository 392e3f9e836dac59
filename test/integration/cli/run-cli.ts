/** Runs the CLI in-process with captured output, and writes a generated sample year to a folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { generateSampleYear, type SampleYear } from '../../../infra/local/sample-year.ts';
import { main } from '../../../shared/cli/main.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import type { PlanData } from '../../../shared/domain/types.ts';
import { parseUpload } from '../../../shared/files/ingest/parse-upload.ts';
import type { UploadKind } from '../../../shared/ports/index.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';

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

/**
 * The plan data of the sample files meant to be accepted, parsed with the ingest rules: what
 * a direct call of the domain engine gets, to compare the CLI's output with.
 */
export async function planDataOfFiles(config: PlanConfig, files: SampleYear['files']): Promise<PlanData> {
  const actuals: PlanData['actuals'][number][] = [];
  const targets: PlanData['targets'][number][] = [];
  const milestones: PlanData['milestones'][number][] = [];
  for (const file of files.filter((f) => !f.expectRejected)) {
    const kind = file.key.split('/')[1] as UploadKind;
    const result = await parseUpload({ config, kind, body: file.body });
    if (!result.ok)
      throw new Error(`${file.key} did not parse: ${JSON.stringify(result.errors.slice(0, 3))}`);
    if (result.kind === 'actuals') actuals.push(...result.actuals.toArray());
    if (result.kind === 'targets') targets.push(...result.targets.toArray());
    if (result.kind === 'milestones') milestones.push(...result.milestones);
  }
  return { actuals, targets, milestones };
}

/** The figures of a model, without the fields that name when and from where it was built. */
export function figures(model: ReportModel) {
  const { about, ...rest } = model;
  const { generatedAt: _g, sources: _s, ...aboutRest } = about;
  return { ...rest, about: aboutRest };
}
