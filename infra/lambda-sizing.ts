/**
 * Memory, timeout and heap cap of each Lambda, as the benchmark derived them.
 *
 * `npm run bench` writes infra/lambda-sizing.json from its measurements (rules in
 * bench/lib/sizing.ts, reasoning in bench/sizing.md); the stack reads it here, so the deployed
 * sizes change only when a benchmark run changes them. The file is committed: synth needs no
 * benchmark run.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const SIZING_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lambda-sizing.json');

const FunctionSizeSchema = z
  .object({
    /** Lambda accepts 128–10,240 MB. */
    memoryMb: z.number().int().min(128).max(10_240),
    /** Lambda allows at most 15 minutes. */
    timeoutS: z.number().int().min(1).max(900),
    /** V8 old-space cap, below memoryMb so V8 collects before the sandbox kills the process. */
    heapMb: z.number().int().min(64),
  })
  .strict()
  .refine((f) => f.heapMb < f.memoryMb, { message: 'heapMb must be below memoryMb', path: ['heapMb'] });

const LambdaSizingSchema = z.object({
  source: z.string(),
  rules: z.string(),
  functions: z.object({
    'ingest-upload': FunctionSizeSchema,
    'schedule-report': FunctionSizeSchema,
    'run-report': FunctionSizeSchema,
    'report-link': FunctionSizeSchema,
  }),
});

export type FunctionSize = z.infer<typeof FunctionSizeSchema>;
export type FunctionName = keyof z.infer<typeof LambdaSizingSchema>['functions'];

/** Reads and checks infra/lambda-sizing.json; a broken file fails synth with the path to fix. */
export function loadLambdaSizing(file: string = SIZING_FILE): Record<FunctionName, FunctionSize> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file}: cannot read the Lambda sizing (${(error as Error).message}). Restore it from git or run \`npm run bench\`.`,
    );
  }
  const parsed = LambdaSizingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${file}: invalid Lambda sizing — ${problems}. Run \`npm run bench\` to regenerate it.`);
  }
  return parsed.data.functions;
}

/**
 * A benchmark size within an account's memory limit: memory cut to `maxMb`, the heap cap cut in
 * the same proportion (so V8 still collects before the sandbox's limit). `capped` says whether
 * anything was cut, so the stack can warn that the largest uploads may no longer fit.
 */
export function capSize(size: FunctionSize, maxMb: number): { size: FunctionSize; capped: boolean } {
  if (size.memoryMb <= maxMb) return { size, capped: false };
  const heapMb = Math.floor((size.heapMb * maxMb) / size.memoryMb);
  return { size: { ...size, memoryMb: maxMb, heapMb }, capped: true };
}
