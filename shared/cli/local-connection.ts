/**
 * Finds the running local stack (`plan-monitor serve` / `npm start -- --serve`) through the
 * `.local/endpoints.json` it writes, and wires the production handlers to it from this
 * process: the CLI talks to the emulators over the wire like any other AWS client.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EndpointsFile, LocalHandlers } from '../../infra/local/stack.ts';
import type { PlanConfig } from '../config/schema.ts';
import { type CliContext, REPO_ROOT } from './context.ts';

/** Where serve writes its endpoints, relative to the working directory (else the repository). */
export const ENDPOINTS_FILE = path.join('.local', 'endpoints.json');

export class LocalStackNotRunningError extends Error {
  constructor(detail: string) {
    super(
      `${detail}: start the local stack first with "npm start -- --serve" (or "plan-monitor serve") in another terminal, or use --from-files <dir> to work without a store`,
    );
    this.name = 'LocalStackNotRunningError';
  }
}

export function findEndpointsFile(ctx: CliContext, given?: string): string | null {
  if (given) return path.resolve(ctx.cwd, given);
  for (const candidate of [path.join(ctx.cwd, ENDPOINTS_FILE), path.join(REPO_ROOT, ENDPOINTS_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function readEndpointsFile(file: string): EndpointsFile {
  if (!existsSync(file)) throw new LocalStackNotRunningError(`${file} does not exist`);
  return JSON.parse(readFileSync(file, 'utf8')) as EndpointsFile;
}

export interface LocalConnection extends LocalHandlers {
  readonly endpoints: EndpointsFile;
  readonly clients: import('../adapters/aws-clients.ts').AwsClients;
  close(): void;
}

/** Connects to the running local stack; fails with a clear message when it is not up. */
export async function connectToLocalStack(
  ctx: CliContext,
  config: PlanConfig,
  endpointsFile?: string,
  extra: { mailDir?: string | undefined } = {},
): Promise<LocalConnection> {
  const file = findEndpointsFile(ctx, endpointsFile);
  if (!file) throw new LocalStackNotRunningError(`no ${ENDPOINTS_FILE} found`);
  const endpoints = readEndpointsFile(file);
  const { createAwsClients, destroyAwsClients } = await import('../adapters/aws-clients.ts');
  const { EMULATOR_CREDENTIALS } = await import('../../infra/local/emulators.ts');
  const { wireLocalHandlers } = await import('../../infra/local/stack.ts');
  const options = {
    region: 'us-east-1',
    endpoints: endpoints.endpoints,
    credentials: EMULATOR_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 2,
  };
  // Fail fast with a friendly message when the emulators are not listening.
  try {
    await fetch(endpoints.endpoints.s3, { signal: AbortSignal.timeout(2000) });
  } catch {
    throw new LocalStackNotRunningError(`the local stack in ${file} (pid ${endpoints.pid}) is not answering`);
  }
  const clients = createAwsClients(options);
  const handlers = wireLocalHandlers(clients, config, {
    tableName: endpoints.tableName,
    uploadsBucket: endpoints.uploadsBucket,
    archiveBucket: endpoints.archiveBucket,
    mailDir: extra.mailDir,
  });
  return { ...handlers, endpoints, clients, close: () => destroyAwsClients(options) };
}
