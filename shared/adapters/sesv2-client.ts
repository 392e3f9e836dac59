/**
 * The SES v2 client (loads only the SESv2 SDK package). It makes ONE attempt per call:
 * SendEmail has no idempotency token, so an SDK retry after a timeout or a lost reply could
 * send the same email twice. SesMailer retries what SES refused itself (ses-mailer.ts).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type AwsClientOptions, clientConfig, memoisedPerOptions } from './aws-client-options.ts';

const memo = memoisedPerOptions(
  (options) => new SESv2Client({ ...clientConfig(options, 'sesv2'), maxAttempts: 1 }),
  (client) => client.destroy(),
);

/** The SES v2 client for these options, created once per distinct option set. */
export function createSesv2Client(options: AwsClientOptions = {}): SESv2Client {
  return memo.get(options);
}

export function destroySesv2Client(options: AwsClientOptions = {}): void {
  memo.destroy(options);
}
