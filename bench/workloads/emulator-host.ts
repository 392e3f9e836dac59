/**
 * Runs the embedded emulators (infra/local/emulators.ts) in a process of their own, on random
 * ports with a temp data dir, so the store workload's process measures the adapter alone and
 * dynalite gets the second core. Prints the client options as one JSON line, creates the
 * table, and stops (removing the temp dir) when stdin closes or on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable, startEmulators } from '../../infra/local/emulators.ts';
import { params } from '../lib/child.ts';

const { table } = params<{ table: string }>();
const dataDir = mkdtempSync(join(tmpdir(), 'plan-monitor-bench-'));
const emulators = await startEmulators({ dataDir, ports: { dynamodb: 0, s3: 0, ses: 0 } });
await createTable(emulators.clients, table);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await emulators.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ clientOptions: emulators.clientOptions })}\n`);
