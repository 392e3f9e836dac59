import type { z } from 'zod';
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

/** zod says only "Invalid key in record" for a bad record key: say what the key should be. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') {
    const key = String(issue.path[issue.path.length - 1] ?? '');
    const inner = issue.issues.map((i) => i.message).join('; ');
    return `key "${key}" ${inner || 'is not allowed here'}`;
  }
  return issue.message;
}

/**
 * Validate a plan configuration and fill in its defaults. Throws {@link PlanConfigError}
 * naming each invalid path and what to write instead.
 */
export function defineConfig(input: PlanConfigInput): PlanConfig {
  const result = PlanConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: describeIssue(issue),
  }));
  const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`);
  throw new PlanConfigError(
    `Invalid plan configuration (${problems.length} problem(s)):\n${lines.join('\n')}`,
    problems,
  );
}
