/**
 * vitest globalSetup of `npm run test:moto`: starts one `moto_server` (moto in server mode, a
 * second AWS emulator stricter than the embedded ones) on a free loopback port, waits until it
 * answers, hands its URL to the test files (`inject('motoEndpoint')`, read by
 * test/support/emulators.ts) and stops it after the run.
 *
 * Set PLAN_MONITOR_MOTO_ENDPOINT to use a moto server that is already running instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const READY_TIMEOUT_MS = 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.PLAN_MONITOR_MOTO_ENDPOINT;
  if (given) {
    await waitUntilAnswering(given, null);
    project.provide('motoEndpoint', given);
    return async () => {};
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error("moto_server is not on the PATH: install it with `pip install 'moto[server]'`")
          : error,
      ),
    );
  });
  await spawned;
  try {
    await waitUntilAnswering(endpoint, child);
  } catch (error) {
    await stop(child);
    throw new Error(`${(error as Error).message}\nmoto_server said:\n${stderr}`);
  }
  project.provide('motoEndpoint', endpoint);
  return () => stop(child);
}

/** Polls moto's own API until it answers; fails early if the process dies. */
async function waitUntilAnswering(endpoint: string, child: ChildProcess | null): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering on ${endpoint}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/config`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
