/**
 * Store: daily actuals through DynamoFactStore into the embedded DynamoDB emulator (dynalite,
 * running in a sibling process, see emulator-host.ts),
 * counting what reaches the wire with a middleware on the client: requests per operation,
 * BatchWriteItem sizes, and writes per partition key. With `reads`, then writes the year's
 * targets (untimed) and loads one weekly report's data through the monthly roll-ups.
 */
import { type AwsClientOptions, createAwsClients } from '../../shared/adapters/aws-clients.ts';
import { DynamoFactStore } from '../../shared/adapters/dynamo-fact-store.ts';
import { params, report, timed } from '../lib/child.ts';
import { AS_OF, generateActuals, generateTargets, KPI_COUNT, kpiId } from '../lib/plan.ts';

interface Params {
  readonly kpis?: number;
  readonly combos: number;
  readonly reads: boolean;
  /** From bench/workloads/emulator-host.ts, which runs the emulators in their own process. */
  readonly clientOptions: AwsClientOptions;
  readonly table: string;
}

const { kpis = KPI_COUNT, combos, reads, clientOptions, table } = params<Params>();
const clients = createAwsClients(clientOptions);

/** Partition key of an attribute value, marshalled (`{ S: 'x' }`) or not. */
function pkOf(item: unknown): string {
  const pk = (item as { pk?: unknown } | undefined)?.pk;
  if (typeof pk === 'string') return pk;
  if (pk && typeof pk === 'object' && 'S' in pk) return String((pk as { S: unknown }).S);
  return '?';
}

const wire = {
  byOperation: new Map<string, number>(),
  writesByPartition: new Map<string, number>(),
  batchWriteSizes: [] as number[],
  counting: true,
};
clients.dynamodb.middlewareStack.add(
  (next, context) => async (args) => {
    if (wire.counting) {
      const op = String(context.commandName ?? '?').replace(/Command$/, '');
      wire.byOperation.set(op, (wire.byOperation.get(op) ?? 0) + 1);
      const input = args.input as Record<string, unknown>;
      const hit = (pk: string) => wire.writesByPartition.set(pk, (wire.writesByPartition.get(pk) ?? 0) + 1);
      if (op === 'BatchWriteItem') {
        const requests = Object.values(
          input.RequestItems as Record<string, { PutRequest?: { Item: unknown } }[]>,
        );
        let size = 0;
        for (const list of requests) {
          for (const r of list) {
            size++;
            hit(pkOf(r.PutRequest?.Item));
          }
        }
        wire.batchWriteSizes.push(size);
      } else if (op === 'PutItem') hit(pkOf(input.Item));
      else if (op === 'UpdateItem' || op === 'DeleteItem') hit(pkOf(input.Key));
    }
    return next(args);
  },
  { step: 'build', name: 'benchWireCounter' },
);

const store = new DynamoFactStore({ doc: clients.doc, tableName: table });
const facts = generateActuals(kpis, combos);
const source = {
  bucket: 'bench-uploads',
  key: 'incoming/actuals/bench.csv',
  versionId: null,
  order: '2028-12-31T00:00:00.000Z#0000000001',
  uploadedBy: null,
};
const { ms, value: summary } = await timed(() => store.putActuals(facts, source));

const totalWrites = [...wire.writesByPartition.values()].reduce((a, b) => a + b, 0);
let busiest = { pk: '', writes: 0 };
for (const [pk, writes] of wire.writesByPartition) if (writes > busiest.writes) busiest = { pk, writes };
const batches = wire.batchWriteSizes;
const fullBatches = batches.filter((n) => n === 25).length;
const dailyPartitions = [...wire.writesByPartition.keys()].filter((pk) => pk.startsWith('A#')).length;

const result: Record<string, unknown> = {
  facts: facts.length,
  ms,
  itemsPerSec: facts.length / (ms / 1000),
  written: summary.written,
  skipped: summary.skipped,
  requests: summary.requests,
  wireRequests: Object.fromEntries(wire.byOperation),
  distinctPartitions: wire.writesByPartition.size,
  dailyPartitions,
  totalWrites,
  busiestPartition: busiest.pk,
  busiestWrites: busiest.writes,
  maxPartitionShare: totalWrites > 0 ? busiest.writes / totalWrites : 0,
  batchWrites: batches.length,
  fullBatches,
  // Every batch but the last (the remainder) should hold 25 items.
  batchesFull: batches.length > 0 && batches.slice(0, -1).every((n) => n === 25) ? 1 : 0,
  minBatch: batches.length ? Math.min(...batches) : 0,
};

if (reads) {
  wire.counting = false;
  const targets = generateTargets(kpis, combos);
  await store.putTargets(targets, source);
  // Heap held by the loaded facts (loadPlanData copies dims per fact), for run-report sizing;
  // the runner starts this process with --expose-gc.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const load = await timed(() =>
    store.loadPlanData({
      kpis: Array.from({ length: kpis }, (_, k) => kpiId(k)),
      start: '2028-01-01',
      end: AS_OF,
      targetVersions: ['budget'],
    }),
  );
  gc?.();
  const loadedHeapBytes = process.memoryUsage().heapUsed - heapBefore;
  const actualsBack = load.value.actuals.length;
  if (actualsBack !== facts.length) {
    throw new Error(`loadPlanData returned ${actualsBack} actuals, expected ${facts.length}`);
  }
  Object.assign(result, {
    readMs: load.ms,
    itemsRead: load.value.itemsRead,
    targetItems: targets.length,
    rawDailyFacts: facts.length,
    readShareOfRaw: load.value.itemsRead / facts.length,
    loadedBytesPerFact: gc ? loadedHeapBytes / actualsBack : null,
  });
}

report(result);
// Keep-alive sockets to the emulator would hold the process open.
clients.dynamodb.destroy();
