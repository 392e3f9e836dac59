/**
 * Runs the synthetic DynamoDB endpoint (bench/lib/synthetic-dynamo.ts) in a process of its own,
 * so the report-scale workload's process measures the client side alone and the endpoint gets
 * the second core. Prints the client options as one JSON line; stops when stdin closes or on
 * SIGTERM.
 */
import { params } from '../lib/child.ts';
import { startSyntheticDynamo } from '../lib/synthetic-dynamo.ts';

const { combos } = params<{ combos: number }>();
const dynamo = await startSyntheticDynamo({ combos });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await dynamo.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
const clientOptions = {
  region: 'us-east-1',
  endpoints: { dynamodb: dynamo.endpoint },
  credentials: { accessKeyId: 'synthetic', secretAccessKey: 'synthetic' },
};
process.stdout.write(`${JSON.stringify({ clientOptions, rollupItems: dynamo.table.rollupItems })}\n`);
