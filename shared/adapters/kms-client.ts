/**
 * The KMS client. The SDK package is imported on first use, not at module load: run-report
 * needs KMS only for a workbook too large to attach, so its cold start does not pay for it
 * (about 100 ms on top of the S3 client), while report-link loads it on its first request.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import { type AwsClientOptions, clientConfig, memoisedPerOptions } from './aws-client-options.ts';

const memo = memoisedPerOptions(
  async (options) => {
    const { KMSClient } = await import('@aws-sdk/client-kms');
    return new KMSClient(clientConfig(options, 'kms'));
  },
  (client) => {
    void client.then((c) => c.destroy());
  },
);

/** The KMS client for these options, created once per distinct option set. */
export function createKmsClient(options: AwsClientOptions = {}): Promise<KMSClient> {
  return memo.get(options);
}

export function destroyKmsClient(options: AwsClientOptions = {}): void {
  memo.destroy(options);
}
