import type * as z from 'zod';
import { closestMatch } from '../domain/suggest.ts';
import { type PlanConfig, type PlanConfigInput, PlanConfigSchema } from './schema.ts';

/** Raised when a plan configuration is invalid; the message lists every problem with its path. */
export class PlanConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'PlanConfigError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

/** The parts of a zod definition needed to walk the configuration schema by path. */
interface SchemaDef {
  readonly type: string;
  /** optional / default / nullable wrappers. */
  readonly innerType?: z.core.$ZodType;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
}

function defOf(schema: z.core.$ZodType | undefined): SchemaDef | undefined {
  let def = schema?._zod.def as SchemaDef | undefined;
  while (def?.innerType) def = def.innerType._zod.def as SchemaDef;
  return def;
}

/** The field names the schema allows at `path` (an object inside the configuration). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let def = defOf(PlanConfigSchema);
  for (const part of path) {
    const next = def?.shape?.[String(part)] ?? def?.element ?? def?.valueType;
    def = defOf(next);
  }
  return Object.keys(def?.shape ?? {});
}

/** An unknown field, with the field the admin probably meant. */
function unknownField(objectPath: readonly PropertyKey[], key: string): string {
  const known = knownKeysAt(objectPath);
  // A cut-short name (fiscalYearStart) is likelier than a near miss of another field.
  const close = known.find((k) => k.toLowerCase().startsWith(key.toLowerCase())) ?? closestMatch(key, known);
  const allowed = known.length ? ` (allowed: ${known.join(', ')})` : '';
  const fix = close ? `did you mean "${close}"?` : `fix its spelling or remove it${allowed}`;
  return `unknown field "${key}": ${fix}`;
}

/** One problem per zod issue; zod's terse messages rewritten to say what to write instead. */
function problemsOf(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    // One problem per field, at the field's own path, so an admin can jump straight to it.
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: unknownField(issue.path, key),
    }));
  }
  if (issue.code === 'invalid_key') {
    const key = String(issue.path[issue.path.length - 1] ?? '');
    const inner = issue.issues.map((i) => i.message).join('; ');
    return [{ path: formatPath(issue.path), message: `key "${key}" ${inner || 'is not allowed here'}` }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/**
 * Adds the report's id to a problem inside `reports[N]`: an admin looking at a failed deploy
 * knows reports by id, not by position in the list.
 */
function namingReport(problem: { path: string; message: string }, input: unknown) {
  const index = /^reports\[(\d+)\]/.exec(problem.path)?.[1];
  if (index === undefined) return problem;
  const reports = (input as { reports?: unknown } | null)?.reports;
  const id = Array.isArray(reports)
    ? (reports[Number(index)] as { id?: unknown } | undefined)?.id
    : undefined;
  if (typeof id !== 'string' || problem.message.includes(`"${id}"`)) return problem;
  return { ...problem, message: `report "${id}": ${problem.message}` };
}

/**
 * Validate a plan configuration and fill in its defaults. Throws {@link PlanConfigError}
 * naming each invalid path and what to write instead.
 */
export function defineConfig(input: PlanConfigInput): PlanConfig {
  const result = PlanConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(problemsOf).map((problem) => namingReport(problem, input));
  const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`);
  throw new PlanConfigError(
    `Invalid plan configuration (${problems.length} problem(s)):\n${lines.join('\n')}`,
    problems,
  );
}
