/**
 * A synthetic DynamoDB endpoint for the benchmark: an HTTP server that answers the DynamoDB
 * JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`) for the reads a report run
 * issues — Query (paged at 1 MB, with LastEvaluatedKey), GetItem and BatchGetItem — from a
 * {@link SyntheticTable} that generates its items on demand. So the real SDK client and the
 * real store read a year of 100M daily facts without the table ever being written (why:
 * synthetic-dynamo-table.ts). Writes are refused: the table is read-only.
 *
 * Run it in a process of its own (bench/workloads/synthetic-dynamo-host.ts) so its CPU is not
 * counted in the measured process.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireItem, wireString } from './dynamo-json.ts';
import { SyntheticTable, type SyntheticTableOptions } from './synthetic-dynamo-table.ts';

const TARGET_PREFIX = 'DynamoDB_20120810.';

/** What the endpoint served, for the workload's figures and the tests. */
export interface SyntheticStats {
  readonly requests: Map<string, number>;
  itemsServed: number;
}

export interface SyntheticDynamo {
  readonly endpoint: string;
  readonly table: SyntheticTable;
  readonly stats: SyntheticStats;
  close(): Promise<void>;
}

class ClientError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Input = Record<string, unknown>;

/** Starts the endpoint on `port` (0: any free port) of 127.0.0.1. */
export async function startSyntheticDynamo(
  options: SyntheticTableOptions & { readonly port?: number },
): Promise<SyntheticDynamo> {
  const table = new SyntheticTable(options);
  const stats: SyntheticStats = { requests: new Map(), itemsServed: 0 };
  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    stats.requests.set(op, (stats.requests.get(op) ?? 0) + 1);
    let status = 200;
    let body: string;
    try {
      const input = JSON.parse((await readBody(req)) || '{}') as Input;
      body = answer(table, stats, op, input);
    } catch (err) {
      status = 400;
      const type = err instanceof ClientError ? err.type : 'ValidationException';
      body = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${type}`,
        message: (err as Error).message,
      });
    }
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': `synthetic-${stats.itemsServed}`,
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    table,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The response body (wire JSON) of one request. */
function answer(table: SyntheticTable, stats: SyntheticStats, op: string, input: Input): string {
  if (op === 'Query') {
    const pk = queriedPartition(input);
    const start = input.ExclusiveStartKey as Input | undefined;
    const limit = typeof input.Limit === 'number' ? input.Limit : undefined;
    const page = table.query(pk, start ? wireString(start.sk, 'ExclusiveStartKey.sk') : undefined, limit);
    stats.itemsServed += page.items.length;
    const items = page.items.map((item) => wireItem(item)).join(',');
    const last = page.lastSk === undefined ? '' : `,"LastEvaluatedKey":${wireItem({ pk, sk: page.lastSk })}`;
    return `{"Count":${page.items.length},"ScannedCount":${page.items.length},"Items":[${items}]${last}}`;
  }
  if (op === 'GetItem') {
    const key = input.Key as Input;
    const item = table.get(wireString(key.pk, 'Key.pk'), wireString(key.sk, 'Key.sk'));
    if (item) stats.itemsServed += 1;
    const projected = item && project(item, input);
    return projected ? `{"Item":${wireItem(projected)}}` : '{}';
  }
  if (op === 'BatchGetItem') {
    const requests = input.RequestItems as Record<string, Input>;
    const parts: string[] = [];
    for (const [name, request] of Object.entries(requests)) {
      const found: string[] = [];
      for (const key of request.Keys as Input[]) {
        const item = table.get(wireString(key.pk, 'Keys.pk'), wireString(key.sk, 'Keys.sk'));
        if (item) found.push(wireItem(project(item, request)));
      }
      stats.itemsServed += found.length;
      parts.push(`${JSON.stringify(name)}:[${found.join(',')}]`);
    }
    return `{"Responses":{${parts.join(',')}},"UnprocessedKeys":{}}`;
  }
  if (op === 'DescribeTable' || op === 'ListTables') {
    throw new ClientError('ResourceNotFoundException', 'the synthetic table answers reads only');
  }
  throw new ClientError('UnknownOperationException', `${op}: the synthetic table is read-only`);
}

/** The partition of a `pk = :value` key condition (the only one the store issues). */
function queriedPartition(input: Input): string {
  const condition = String(input.KeyConditionExpression ?? '');
  const match = /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(condition);
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  if (!match || (names[match[1]!] ?? match[1]) !== 'pk') {
    throw new ClientError('ValidationException', `unsupported key condition: ${condition}`);
  }
  const values = (input.ExpressionAttributeValues ?? {}) as Input;
  return wireString(values[match[2]!], `ExpressionAttributeValues.${match[2]}`);
}

/** The item cut to a top-level ProjectionExpression, when the request has one. */
function project(item: Record<string, unknown>, request: Input): Record<string, unknown> {
  const expression = request.ProjectionExpression;
  if (typeof expression !== 'string') return item;
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const out: Record<string, unknown> = {};
  for (const raw of expression.split(',')) {
    const name = names[raw.trim()] ?? raw.trim();
    if (item[name] !== undefined) out[name] = item[name];
  }
  return out;
}
