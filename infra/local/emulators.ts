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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
  destroyAwsClients,
} from '../../shared/adapters/aws-clients.ts';

// Provisioning goes through the adapters: they are the only code that speaks @aws-sdk.
export { createBuckets, createTable } from '../../shared/adapters/provision.ts';

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

/**
 * Where the emulators keep their data when the caller names no directory (relative to the
 * working directory). `npm start` passes its own, `.local/data` (see infra/local/start.ts).
 */
export const DEFAULT_DATA_DIR = join('.local', 'emulators');

export interface StartEmulatorsOptions {
  /**
   * Where dynalite's LevelDB, s3rver's files and the SES emulator's sent mail
   * (`ses/sent-mail.json`) live, so all three survive a restart. Default
   * {@link DEFAULT_DATA_DIR}; `null` = in-memory DynamoDB and sent mail, and a fresh temp
   * directory for S3.
   */
  readonly dataDir?: string | null;
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
  const dataDir = options.dataDir === undefined ? resolve(DEFAULT_DATA_DIR) : options.dataDir;
  const s3Dir = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'plan-monitor-s3-'));
  mkdirSync(s3Dir, { recursive: true });
  let dynamoPath: string | undefined;
  if (dataDir) {
    dynamoPath = join(dataDir, 'dynamodb');
    mkdirSync(dynamoPath, { recursive: true });
  }
  // What is already listening, so a failure half-way leaves no port behind.
  const started: (() => Promise<unknown>)[] = [];
  try {
    const dynalite = require('dynalite') as (opts: Record<string, unknown>) => Server;
    const dynamoServer = dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(dynamoPath ? { path: dynamoPath } : {}),
    });
    await listen(dynamoServer, ports.dynamodb, 'DynamoDB (dynalite)');
    started.push(() => close(dynamoServer));
    const dynamoPort = (dynamoServer.address() as AddressInfo).port;

    const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;
    const s3rver = new S3rver({ port: ports.s3, address: '127.0.0.1', silent: true, directory: s3Dir });
    // s3rver's run() never settles when its port is busy (the error is emitted, not passed
    // on), and the SES emulator's listen() neither: probe those ports first.
    await assertPortFree(ports.s3, 'S3 (s3rver)');
    const s3Address = await s3rver.run();
    started.push(() => s3rver.close());

    const sesModule = require('aws-ses-v2-local') as {
      default: (config: { host: string; port: number }) => Promise<Server>;
    };
    await assertPortFree(ports.ses, 'SES (aws-ses-v2-local)');
    const sesServer = await sesModule.default({ host: '127.0.0.1', port: ports.ses });
    started.push(() => close(sesServer));
    const sesPort = (sesServer.address() as AddressInfo).port;
    const sentMail = dataDir ? persistentSesMail(join(dataDir, 'ses', 'sent-mail.json')) : null;

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
        destroyAwsClients(clientOptions);
        sentMail?.save();
        await Promise.allSettled([close(dynamoServer), s3rver.close(), close(sesServer)]);
      },
    };
  } catch (err) {
    await Promise.allSettled(started.map((stop) => stop()));
    throw err;
  }
}

/**
 * aws-ses-v2-local keeps sent mail in memory only. With a data directory, mail sent in an
 * earlier run is loaded back into its store (so `npm start -- --serve` still lists the mail
 * of the last `npm start`) and the store is written back when the emulators stop.
 */
function persistentSesMail(file: string) {
  const { getStoreReadonly } = require('aws-ses-v2-local/dist/store.js') as {
    getStoreReadonly(): { emails: { messageId?: string }[] };
  };
  const emails = getStoreReadonly().emails;
  if (existsSync(file)) {
    const known = new Set(emails.map((email) => email.messageId));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { messageId?: string }[];
    for (const email of saved) if (!known.has(email.messageId)) emails.push(email);
  }
  return {
    save() {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, JSON.stringify(getStoreReadonly().emails));
    },
  };
}

function listen(server: Server, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown) => reject(portError(err, port, what));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function assertPortFree(port: number, what: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, what);
  await close(probe);
}

/** An emulator's port is taken; callers that know how the user chose ports add how to change them. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`${what} cannot listen on 127.0.0.1:${port}: the port is in use`);
    this.name = 'PortInUseError';
  }
}

function portError(err: unknown, port: number, what: string): Error {
  if ((err as { code?: string })?.code === 'EADDRINUSE') return new PortInUseError(port, what);
  return err instanceof Error ? err : new Error(String(err));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
