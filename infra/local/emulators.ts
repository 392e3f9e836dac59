/**
 * The embedded AWS stand-ins for `npm start` and the integration tests, all in-process on
 * loopback and spoken to over their real wire protocols by the ordinary SDK clients:
 * dynalite (DynamoDB on LevelDB), s3rver (S3 on the file system) and aws-ses-v2-local
 * (SES v2; stores sent mail and serves a web page plus a JSON API of it at `sesWebUrl`).
 *
 * Emulator quirks the rest of the code must live with: dynalite has no TransactWriteItems
 * and never throttles; s3rver only accepts the credentials `S3RVER`/`S3RVER`, wants
 * path-style URLs and bucket names of 3–63 characters, ignores `If-None-Match` on PUT, and
 * emits object-created events with the key *unencoded* and a clock-based sequencer; the SES
 * emulator's mail store is per process, shared by every instance started in it.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
} from '../../shared/adapters/aws-clients.ts';
import { TABLE_SCHEMA } from '../../shared/adapters/table-design.ts';

const require = createRequire(import.meta.url);

/** Default ports for `npm start`: clear of LocalStack (4566–4569) and common dev servers. */
export const DEFAULT_EMULATOR_PORTS = { dynamodb: 8700, s3: 8701, ses: 8702 } as const;

/** The only credentials s3rver accepts; the other emulators accept anything. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** One S3 object-created notification, shaped like the S3 event record Lambda receives. */
export interface S3EventRecord {
  readonly eventName: string;
  readonly eventTime: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    /** s3rver puts the key here unencoded (real S3 URL-encodes it, with `+` for spaces). */
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly sequencer: string;
    };
  };
}

export interface S3Event {
  readonly Records: readonly S3EventRecord[];
}

export interface StartEmulatorsOptions {
  /** Where dynalite's LevelDB and s3rver's files live. Default: in-memory DynamoDB, a temp dir for S3. */
  readonly dataDir?: string;
  /** 0 = any free port. Default {@link DEFAULT_EMULATOR_PORTS}. */
  readonly ports?: { readonly dynamodb?: number; readonly s3?: number; readonly ses?: number };
}

export interface Emulators {
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly sesv2: string };
  /** The SES emulator's web page; `GET <sesWebUrl>/store` returns the sent mail as JSON. */
  readonly sesWebUrl: string;
  /** Client options pointing at the emulators (for other processes or fresh clients). */
  readonly clientOptions: AwsClientOptions;
  readonly clients: AwsClients;
  /** Calls `listener` for each object created in s3rver (Put, Post, Copy). Returns an unsubscribe. */
  onObjectCreated(listener: (event: S3Event) => void): () => void;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (e: S3Event) => void): void;
  off(event: 'event', listener: (e: S3Event) => void): void;
}

/** Starts dynalite, s3rver and aws-ses-v2-local on 127.0.0.1. */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const ports = { ...DEFAULT_EMULATOR_PORTS, ...options.ports };
  const s3Dir = options.dataDir
    ? join(options.dataDir, 's3')
    : join(tmpdir(), `plan-monitor-s3-${process.pid}-${Date.now()}`);
  mkdirSync(s3Dir, { recursive: true });
  let dynamoPath: string | undefined;
  if (options.dataDir) {
    dynamoPath = join(options.dataDir, 'dynamodb');
    mkdirSync(dynamoPath, { recursive: true });
  }

  const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
  const dynamoServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dynamoPath ? { path: dynamoPath } : {}),
  });
  await listen(dynamoServer, ports.dynamodb);
  const dynamoPort = (dynamoServer.address() as AddressInfo).port;

  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
  const s3rver = new S3rver({ port: ports.s3, address: '127.0.0.1', silent: true, directory: s3Dir });
  const s3Address = await s3rver.run();

  const sesModule = require('aws-ses-v2-local') as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  };
  const sesServer = await sesModule.default({ host: '127.0.0.1', port: ports.ses });
  const sesPort = (sesServer.address() as AddressInfo).port;

  const endpoints = {
    dynamodb: `http://127.0.0.1:${dynamoPort}`,
    s3: `http://127.0.0.1:${s3Address.port}`,
    sesv2: `http://127.0.0.1:${sesPort}`,
  };
  const clientOptions: AwsClientOptions = {
    region: 'us-east-1',
    endpoints,
    credentials: EMULATOR_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 3,
  };
  const clients = createAwsClients(clientOptions);

  const listeners = new Set<(event: S3Event) => void>();
  const onS3Event = (event: S3Event) => {
    if (!event.Records.some((r) => r.eventName.startsWith('ObjectCreated:'))) return;
    for (const l of listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own business; the emulator keeps serving.
      }
    }
  };
  s3rver.on('event', onS3Event);

  let stopped = false;
  return {
    endpoints,
    sesWebUrl: endpoints.sesv2,
    clientOptions,
    clients,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      s3rver.off('event', onS3Event);
      listeners.clear();
      await Promise.allSettled([close(dynamoServer), s3rver.close(), close(sesServer)]);
    },
  };
}

/** Creates the plan-monitor table (schema from table-design.ts); a no-op if it exists. */
export async function createTable(clients: AwsClients, tableName: string): Promise<void> {
  if (tableName.length < 3)
    throw new Error(`table name "${tableName}" is too short: DynamoDB needs 3–255 characters`);
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey.name, AttributeType: TABLE_SCHEMA.partitionKey.type },
          { AttributeName: TABLE_SCHEMA.sortKey.name, AttributeType: TABLE_SCHEMA.sortKey.type },
        ],
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: TABLE_SCHEMA.billingMode,
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 50; i++) {
    const out = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** Creates the buckets (3–63 characters each); existing ones are left alone. */
export async function createBuckets(clients: AwsClients, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (name.length < 3 || name.length > 63) {
      throw new Error(`bucket name "${name}" must have 3–63 characters`);
    }
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
      continue;
    } catch {
      // absent: create it below
    }
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
