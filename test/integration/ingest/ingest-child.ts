/**
 * Runs one ingest in a child process so a test can SIGKILL it at any point, as Lambda's
 * runtime may be killed: `tsx ingest-child.ts '<json>'` with the emulators' client options,
 * table, bucket and the event's object. Prints `ingesting` when it starts and `done` at the end.
 */

import type { AwsClientOptions } from '../../../shared/adapters/aws-client-options.ts';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import {
  DynamoFactStore,
  DynamoMailLedger,
  DynamoUploadLedger,
  S3ObjectStore,
  SesMailer,
} from '../../../shared/adapters/index.ts';
import { ingestUpload, type UploadedObject } from '../../../shared/app/ingest-upload.ts';
import { uploadTestConfig } from '../../fixtures/uploads/config.ts';

const input = JSON.parse(process.argv[2] ?? '{}') as {
  clientOptions: AwsClientOptions;
  tableName: string;
  object: UploadedObject;
};
const { doc, s3, sesv2 } = createAwsClients(input.clientOptions);
const deps = {
  config: uploadTestConfig,
  facts: new DynamoFactStore({ doc, tableName: input.tableName, concurrency: 2 }),
  uploads: new DynamoUploadLedger({ doc, tableName: input.tableName }),
  objects: new S3ObjectStore({ s3 }),
  mailer: new SesMailer({ sesv2 }),
  mails: new DynamoMailLedger({ doc, tableName: input.tableName }),
  clock: { now: () => new Date() },
};
process.stdout.write('ingesting\n');
const outcome = await ingestUpload(deps, input.object);
process.stdout.write(`done ${outcome.status}\n`);
