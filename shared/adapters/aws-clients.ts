/**
 * All of this project's AWS SDK v3 clients at once, for the local runtime, the CLI, provisioning
 * and tests. Lambda handlers do not use this module: each builds only the clients it needs with
 * the per-service factories (dynamodb-client.ts, s3-client.ts, sesv2-client.ts, sqs-client.ts),
 * so its cold start does not load SDK packages it never calls. Both ways share the same memoised
 * clients per option set.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClientOptions } from './aws-client-options.ts';
import { createDynamoClients, destroyDynamoClients } from './dynamodb-client.ts';
import { createS3Client, destroyS3Client } from './s3-client.ts';
import { createSesv2Client, destroySesv2Client } from './sesv2-client.ts';
import { createSqsClient, destroySqsClient } from './sqs-client.ts';

export type { AwsClientOptions } from './aws-client-options.ts';

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client over {@link AwsClients.dynamodb}: plain JS values in and out. */
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sesv2: SESv2Client;
  readonly sqs: SQSClient;
}

/**
 * Returns the clients for these options; each is created once per distinct option set.
 * Retries use the SDK's `standard` mode (exponential backoff with jitter, throttling-aware);
 * the DynamoDB adapters add their own loop for `UnprocessedItems`, which the SDK never retries.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const { dynamodb, doc } = createDynamoClients(options);
  return {
    dynamodb,
    doc,
    s3: createS3Client(options),
    sesv2: createSesv2Client(options),
    sqs: createSqsClient(options),
  };
}

/** Destroys the clients created for these options (closes sockets) and forgets them. */
export function destroyAwsClients(options: AwsClientOptions = {}): void {
  destroyDynamoClients(options);
  destroyS3Client(options);
  destroySesv2Client(options);
  destroySqsClient(options);
}
