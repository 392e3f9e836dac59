/**
 * Spawning workload processes: one fresh `node --import tsx bench/workloads/<name>.ts` per run,
 * its JSON result line parsed from stdout. Optional `--cpu-prof` for profiles.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildOptions {
  readonly root: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export class WorkloadFailedError extends Error {
  constructor(
    readonly workload: string,
    readonly detail: string,
  ) {
    super(`workload ${workload} failed: ${detail}`);
    this.name = 'WorkloadFailedError';
  }
}

/** The last line of a failing child's stderr that says something (the error message). */
function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/Warning|node --trace|a\.co\/|^Node\.js v|\^$/.test(l));
  const error = lines.find((l) => /Error\b|ERR_|Cannot find|not found|does not provide/.test(l));
  return (error ?? lines.pop() ?? 'no output').slice(0, 400);
}

/** Runs one workload process and returns its parsed result line. */
export function runWorkload(
  name: string,
  params: unknown,
  options: ChildOptions,
): Promise<Record<string, unknown>> {
  const script = join(options.root, 'bench', 'workloads', `${name}.ts`);
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', script, JSON.stringify(params)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      env: { ...process.env, ...options.env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new WorkloadFailedError(name, `timed out after ${(options.timeoutMs ?? 0) / 1000} s`));
    }, options.timeoutMs ?? 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } else {
        reject(new WorkloadFailedError(name, lastMeaningfulLine(stderr)));
      }
    });
  });
}

/** A long-running helper process that prints one JSON line when ready (the emulator host). */
export async function startHelper(
  name: string,
  params: unknown,
  options: ChildOptions,
): Promise<{ ready: Record<string, unknown>; stop: () => Promise<void> }> {
  const script = join(options.root, 'bench', 'workloads', `${name}.ts`);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(params)], {
    cwd: options.root,
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout?.off('data', onData);
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      }
    };
    child.stdout?.on('data', onData);
    child.on('close', () => reject(new WorkloadFailedError(name, lastMeaningfulLine(stderr))));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin?.end();
      child.kill('SIGTERM');
    });
  return { ready, stop };
}
