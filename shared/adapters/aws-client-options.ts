/**
 * What every AWS SDK client of this project is built from, and the per-option-set memo each
 * per-service factory (dynamodb-client.ts, s3-client.ts, sesv2-client.ts, sqs-client.ts, kms-client.ts) keeps.
 *
 * The factories live in one module per service on purpose: a Lambda handler imports only the
 * ones it uses, so its cold start loads only those SDK packages (each costs tens of ms).
 */

export interface AwsClientOptions {
  /** Defaults to `AWS_REGION`, else `us-east-1` (the emulators ignore it). */
  readonly region?: string;
  /** Override endpoints (emulators). A service left out uses the real AWS endpoint. */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly sesv2?: string;
    readonly sqs?: string;
    readonly kms?: string;
  };
  /** Static credentials (emulators: s3rver only accepts `S3RVER`/`S3RVER`). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style S3 URLs (`http://host/bucket/key`), needed for s3rver. */
  readonly forcePathStyle?: boolean;
  /** SDK attempts per request including the first (default 5). */
  readonly maxAttempts?: number;
}

/**
 * The settings shared by every client: region, retries in the SDK's `standard` mode
 * (exponential backoff with jitter, throttling-aware; the DynamoDB adapters add their own loop
 * for `UnprocessedItems`, which the SDK never retries), static credentials and the service's
 * endpoint override, if any.
 */
export function clientConfig(
  options: AwsClientOptions,
  service: keyof NonNullable<AwsClientOptions['endpoints']>,
) {
  const endpoint = options.endpoints?.[service];
  return {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard' as const,
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * One client (or client pair) per distinct option set: handlers call the factory at cold start,
 * and every warm invocation reuses the same client and its keep-alive sockets.
 */
export function memoisedPerOptions<T>(make: (options: AwsClientOptions) => T, destroy: (client: T) => void) {
  const cache = new Map<string, T>();
  return {
    get(options: AwsClientOptions = {}): T {
      const key = JSON.stringify(options);
      let client = cache.get(key);
      if (client === undefined) {
        client = make(options);
        cache.set(key, client);
      }
      return client;
    },
    /** Destroys the client created for these options (closes sockets) and forgets it. */
    destroy(options: AwsClientOptions = {}): void {
      const key = JSON.stringify(options);
      const client = cache.get(key);
      if (client === undefined) return;
      destroy(client);
      cache.delete(key);
    },
  };
}
