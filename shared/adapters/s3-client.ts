/** The S3 client (loads only the S3 SDK package). */
import { S3Client } from '@aws-sdk/client-s3';
import { type AwsClientOptions, clientConfig, memoisedPerOptions } from './aws-client-options.ts';

const memo = memoisedPerOptions(
  (options) =>
    new S3Client({
      ...clientConfig(options, 's3'),
      ...(options.endpoints?.s3
        ? {
            // s3rver predates the flexible-checksum headers the SDK now sends by default.
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }
        : {}),
      forcePathStyle: options.forcePathStyle ?? false,
    }),
  (client) => client.destroy(),
);

/** The S3 client for these options, created once per distinct option set. */
export function createS3Client(options: AwsClientOptions = {}): S3Client {
  return memo.get(options);
}

export function destroyS3Client(options: AwsClientOptions = {}): void {
  memo.destroy(options);
}
