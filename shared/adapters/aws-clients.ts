/**
 * Memoised AWS SDK v3 clients. Lambda handlers call {@link createAwsClients} at module scope
 * so one set of clients (and their keep-alive sockets) serves every warm invocation; the
 * local runtime and integration tests pass emulator endpoints instead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientOptions {
  /** Defaults to `AWS_REGION`, else `us-east-1` (the emulators ignore it). */
  readonly region?: string;
  /** Override endpoints (emulators). A service left out uses the real AWS endpoint. */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly sesv2?: string;
    readonly sqs?: string;
  };
  /** Static credentials (emulators: s3rver only accepts `S3RVER`/`S3RVER`). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style S3 URLs (`http://host/bucket/key`), needed for s3rver. */
  readonly forcePathStyle?: boolean;
  /** SDK attempts per request including the first (default 5). */
  readonly maxAttempts?: number;
}

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client over {@link AwsClients.dynamodb}: plain JS values in and out. */
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sesv2: SESv2Client;
  readonly sqs: SQSClient;
}

const cache = new Map<string, AwsClients>();

/**
 * Returns the clients for these options, creating them once per distinct option set.
 * Retries use the SDK's `standard` mode (exponential backoff with jitter, throttling-aware);
 * the DynamoDB adapters add their own loop for `UnprocessedItems`, which the SDK never retries.
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cacheKey = JSON.stringify(options);
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const common = {
    region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard' as const,
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
  const endpoints = options.endpoints ?? {};

  const dynamodb = new DynamoDBClient({
    ...common,
    ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
  });
  const doc = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  const s3 = new S3Client({
    ...common,
    ...(endpoints.s3
      ? {
          endpoint: endpoints.s3,
          // s3rver predates the flexible-checksum headers the SDK now sends by default.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    forcePathStyle: options.forcePathStyle ?? false,
  });
  const sesv2 = new SESv2Client({
    ...common,
    ...(endpoints.sesv2 ? { endpoint: endpoints.sesv2 } : {}),
  });
  const sqs = new SQSClient({
    ...common,
    ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}),
  });

  const clients: AwsClients = { dynamodb, doc, s3, sesv2, sqs };
  cache.set(cacheKey, clients);
  return clients;
}

/** Destroys the clients created for these options (closes sockets) and forgets them. */
export function destroyAwsClients(options: AwsClientOptions = {}): void {
  const cacheKey = JSON.stringify(options);
  const clients = cache.get(cacheKey);
  if (!clients) return;
  clients.dynamodb.destroy();
  clients.s3.destroy();
  clients.sesv2.destroy();
  clients.sqs.destroy();
  cache.delete(cacheKey);
}
