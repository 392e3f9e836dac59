/**
 * What every CLI command shares: its streams and working directory (injected so tests can
 * capture them), argument parsing with node:util, and loading the plan configuration.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { PlanConfig } from '../config/schema.ts';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
}

export interface CliContext {
  readonly io: CliIo;
  readonly cwd: string;
}

export function defaultIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}

/** Wrong arguments: main prints the message and a pointer to --help and exits 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** The repository root (where plan.config.ts and package.json live). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * Parses a command's arguments; unknown options and missing values become a
 * {@link CliUsageError} that says what was wrong.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliUsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/**
 * Loads and validates the plan configuration: `--config <file>` (relative to the working
 * directory) or the repository's plan.config.ts. Errors name each invalid path.
 */
export async function loadCliConfig(ctx: CliContext, file: string | undefined): Promise<PlanConfig> {
  const resolved = file ? path.resolve(ctx.cwd, file) : path.join(REPO_ROOT, 'plan.config.ts');
  if (!existsSync(resolved)) {
    throw new Error(
      `configuration file ${resolved} does not exist: pass --config <file> or run from the repository`,
    );
  }
  const { loadConfig } = await import('../config/load-config.ts');
  return loadConfig(resolved);
}

/** Checks a `YYYY-MM-DD` option. */
export function requireDate(value: string | undefined, option: string): string {
  if (value === undefined) throw new CliUsageError(`${option} is required, e.g. ${option} 2026-11-22`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new CliUsageError(`${option} "${value}" is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22`);
  }
  return value;
}

/** Parses repeated `--scope dim=value` options into a scope record. */
export function parseScope(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const scope: Record<string, string> = {};
  for (const item of values) {
    const match = /^([a-z][a-z0-9_]*)=([a-z][a-z0-9_]*)$/.exec(item.trim());
    if (!match)
      throw new CliUsageError(`--scope "${item}" must look like dimension=value, e.g. category=pets`);
    scope[match[1]!] = match[2]!;
  }
  return scope;
}
