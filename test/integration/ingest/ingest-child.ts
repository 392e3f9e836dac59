/**
 * Runs one ingest in a child process so a test can SIGKILL it at any point, as Lambda's
 * runtime may be killed: `node --import tsx ingest-child.ts '<json>'` with the emulators'
 * client options, table and the event's object. Prints `ingesting` when it starts and `done`
 * at the end.
 */
import type { AwsClientOptions } from '../../../shared/adapters/aws-client-options.ts';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { DynamoFactStore } from '../../../shared/adapters/index.ts';
import { ingestUpload, type UploadedObject } from '../../../shared/app/ingest-upload.ts';
import { ingestDepsOver } from './support.ts';

const input = JSON.parse(process.argv[2] ?? '{}') as {
  clientOptions: AwsClientOptions;
  tableName: string;
  object: UploadedObject;
};
const clients = createAwsClients(input.clientOptions);
// Two writers at a time, so a kill lands among several in-flight batches.
const deps = ingestDepsOver(clients, input.tableName, {
  facts: new DynamoFactStore({ doc: clients.doc, tableName: input.tableName, concurrency: 2 }),
});
process.stdout.write('ingesting\n');
const outcome = await ingestUpload(deps, input.object);
process.stdout.write(`done ${outcome.status}\n`);
