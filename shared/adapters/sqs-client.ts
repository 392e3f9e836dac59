/** The SQS client (loads only the SQS SDK package). */
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientOptions, clientConfig, memoisedPerOptions } from './aws-client-options.ts';

const memo = memoisedPerOptions(
  (options) => new SQSClient(clientConfig(options, 'sqs')),
  (client) => client.destroy(),
);

/** The SQS client for these options, created once per distinct option set. */
export function createSqsClient(options: AwsClientOptions = {}): SQSClient {
  return memo.get(options);
}

export function destroySqsClient(options: AwsClientOptions = {}): void {
  memo.destroy(options);
}
