/**
 * What every CLI command shares: its streams and working directory (injected so tests can
 * capture them), argument parsing with node:util, and loading the plan configuration.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { PlanConfig } from '../config/schema.ts';
import { daysInMonth, fiscalYearOf, isValidLocalDate, periodRange } from '../domain/calendar.ts';
import { closestMatch } from '../domain/suggest.ts';
import type { LocalDate } from '../domain/types.ts';

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

/** How the user runs the command, for messages: `plan-monitor report`, `npm start --`. */
export interface ParseContext {
  /** False for commands that take no file names or ids (npm start). Default true. */
  readonly positionals?: boolean;
  /** What to write before an option in an example, e.g. `npm start --`. */
  readonly invokedAs?: string;
}

/**
 * Parses a command's arguments; unknown options (with the closest known one: `--as_of` →
 * "did you mean --as-of?"), missing values and stray arguments become a {@link CliUsageError}
 * that says what was wrong.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, how: ParseContext = {}) {
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({ args, options: all, allowPositionals: how.positionals ?? true, strict: true });
  } catch (error) {
    throw new CliUsageError(describeParseError(error as Error & { code?: string }, all, how));
  }
}

function describeParseError(error: Error & { code?: string }, options: Options, how: ParseContext): string {
  const message = error.message.replace(/^TypeError \[[A-Z_]+\]: /, '');
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /^Unknown option '([^']+)'/.exec(message)?.[1] ?? message;
    const known = Object.entries(options).flatMap(([name, option]) => [
      `--${name}`,
      ...('short' in option && option.short ? [`-${option.short}`] : []),
    ]);
    const close = closestMatch(given, known);
    return `unknown option ${given}.${close ? ` Did you mean ${close}?` : ''} Options: ${known
      .filter((o) => o.startsWith('--'))
      .join(', ')}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /^Unexpected argument '([^']*)'/.exec(message)?.[1] ?? message;
    // npm keeps options written before `--` for itself and passes only their values on.
    const npmHint = how.invokedAs?.startsWith('npm ')
      ? ` (npm passes options on only after "--": ${how.invokedAs} --as-of 2026-11-22)`
      : '';
    return `unexpected argument "${given}": this command takes options only${npmHint}`;
  }
  return message;
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

/**
 * The absolute path of a folder option, refused up front when it is missing or a file.
 */
export function requireFolder(ctx: CliContext, given: string, option: string): string {
  const resolved = path.resolve(ctx.cwd, given);
  if (!existsSync(resolved)) {
    throw new CliUsageError(
      `${option} ${given}: no such folder (${resolved}); name the folder that holds your upload files`,
    );
  }
  if (!statSync(resolved).isDirectory()) {
    throw new CliUsageError(
      `${option} ${given} is a file; ${option} takes the folder that holds your upload files (check a single file with plan-monitor validate ${given})`,
    );
  }
  return resolved;
}

/** Checks a `YYYY-MM-DD` option. */
export function requireDate(value: string | undefined, option: string): string {
  if (value === undefined) throw new CliUsageError(`${option} is required, e.g. ${option} 2026-11-22`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new CliUsageError(`${option} "${value}" is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22`);
  }
  const [year, month] = value.split('-').map(Number) as [number, number];
  if (!isValidLocalDate(value)) {
    const why =
      month >= 1 && month <= 12
        ? `${year}-${String(month).padStart(2, '0')} has ${daysInMonth(year, month)} days`
        : 'months run from 01 to 12';
    throw new CliUsageError(`${option} "${value}" is not a date: ${why}`);
  }
  return value;
}

/**
 * Refuses a report date outside `calendar.fiscalYears`: the store holds no data there and the
 * ingest rules refuse it, so a report would only say "no data" everywhere.
 */
export function requireAsOfInPlan(config: PlanConfig, asOf: LocalDate): void {
  const { fiscalYears, fiscalYearStartMonth } = config.calendar;
  const fiscalYear = fiscalYearOf(asOf, fiscalYearStartMonth);
  if (fiscalYears.includes(fiscalYear)) return;
  const latest = [...fiscalYears].sort().at(-1)!;
  throw new CliUsageError(
    `the report date ${asOf} falls in ${fiscalYear}, which the configuration does not list under calendar.fiscalYears (${fiscalYears.join(', ')}): pass a date in one of those years, e.g. --as-of ${periodRange(latest, fiscalYearStartMonth).end}, or add ${fiscalYear} to the configuration`,
  );
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
