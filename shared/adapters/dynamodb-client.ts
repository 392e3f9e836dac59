/** The DynamoDB client and the document client over it (loads only the DynamoDB SDK packages). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type AwsClientOptions, clientConfig, memoisedPerOptions } from './aws-client-options.ts';

export interface DynamoClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client over {@link DynamoClients.dynamodb}: plain JS values in and out. */
  readonly doc: DynamoDBDocumentClient;
}

const memo = memoisedPerOptions(
  (options): DynamoClients => {
    const dynamodb = new DynamoDBClient(clientConfig(options, 'dynamodb'));
    const doc = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    });
    return { dynamodb, doc };
  },
  (clients) => clients.dynamodb.destroy(),
);

/** The DynamoDB clients for these options, created once per distinct option set. */
export function createDynamoClients(options: AwsClientOptions = {}): DynamoClients {
  return memo.get(options);
}

export function destroyDynamoClients(options: AwsClientOptions = {}): void {
  memo.destroy(options);
}
