/**
 * Loading a plan configuration module from disk (CLI, local runtime, tests). Lambda bundles
 * import plan.config.ts statically instead, so nothing here runs in AWS.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineConfig, PlanConfigError } from './define-config.ts';
import type { PlanConfig } from './schema.ts';

/**
 * The repository's plan.config.ts, found relative to this module (not the working
 * directory). A function, so merely importing this module from a bundle never resolves it.
 */
export function defaultConfigPath(): string {
  return fileURLToPath(new URL('../../plan.config.ts', import.meta.url));
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Raised when a configuration file is missing, cannot be imported or has no default export. */
export class ConfigLoadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConfigLoadError';
  }
}

function isPlanConfigError(error: unknown): error is PlanConfigError {
  // By name as well: a config module outside the repository may load its own copy of the class.
  return (
    error instanceof PlanConfigError ||
    (error instanceof Error &&
      error.name === 'PlanConfigError' &&
      Array.isArray((error as PlanConfigError).problems))
  );
}

function inFile(file: string, error: PlanConfigError): PlanConfigError {
  return new PlanConfigError(`${file}: ${error.message}`, error.problems);
}

/**
 * Import a plan configuration module (`.ts` under tsx or vitest, `.js`, `.mjs`) whose default
 * export is the configuration — usually `export default defineConfig({...})` — and validate
 * it. `file` defaults to the repository's plan.config.ts; a relative path is resolved against
 * the working directory.
 *
 * @throws ConfigLoadError when the file is missing, fails to import or has no default export.
 * @throws PlanConfigError when the configuration is invalid (each problem names its path).
 */
export async function loadConfig(file?: string): Promise<PlanConfig> {
  const resolved = path.resolve(file ?? defaultConfigPath());
  if (!existsSync(resolved) || !statSync(resolved).isFile()) {
    throw new ConfigLoadError(
      `plan configuration not found: ${resolved} does not exist. Pass the path of a plan.config.ts (or .js / .mjs) file, or create one at the repository root.`,
      resolved,
    );
  }
  if (!EXTENSIONS.includes(path.extname(resolved))) {
    throw new ConfigLoadError(
      `${resolved} is not a configuration module: use a ${EXTENSIONS.join(' / ')} file whose default export is defineConfig({...})`,
      resolved,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (error) {
    if (isPlanConfigError(error)) throw inFile(resolved, error);
    // The first line: Node appends a require stack that only repeats the file's name.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    const tsHint =
      resolved.endsWith('ts') && /Unknown file extension/i.test(reason)
        ? ' Run TypeScript configurations with tsx (npx tsx …) or compile them to .js first.'
        : /define-config/.test(reason) && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(reason)
          ? // A copy of plan.config.ts moved out of the repository keeps its relative import.
            ` Import defineConfig by its full path: import { defineConfig } from '${fileURLToPath(new URL('./define-config.ts', import.meta.url))}';`
          : ' Fix the error in the file and try again.';
    throw new ConfigLoadError(
      `could not load plan configuration ${resolved}: ${reason}.${tsHint}`,
      resolved,
      {
        cause: error,
      },
    );
  }
  if (module.default === undefined || module.default === null) {
    throw new ConfigLoadError(
      `${resolved} has no default export: end it with \`export default defineConfig({ ... })\``,
      resolved,
    );
  }
  try {
    // Validating again is cheap and also covers modules that export a plain object.
    return defineConfig(module.default as Parameters<typeof defineConfig>[0]);
  } catch (error) {
    if (isPlanConfigError(error)) throw inFile(resolved, error);
    throw error;
  }
}
