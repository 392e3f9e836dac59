/**
 * Client CPU and heap of reading monthly roll-up items, before and after the packed layout
 * (issue 16, bench/NOTES.md "Report read path: client CPU per roll-up item"):
 * `node --expose-gc --import tsx bench/standalone/rollup-read.ts [--items 20000] [--runs 3]`.
 *
 * One (KPI, month) partition of `--items` roll-ups (one per combination of 5 dimensions, 30 days
 * each) is served, page by page, as DynamoDB JSON bodies (binary as base64, pages cut at 1 MB of
 * DynamoDB item size) by a stand-in HTTP handler under the real SDK client, so each figure is
 * JSON.parse + the SDK's deserialisation + lib-dynamodb's unmarshall + the fold into columns —
 * everything the run-report Lambda's CPU does per item except TLS. Three states of the month:
 * settled (every day committed), last day pending on an upload (committed by the time of the
 * read: the state every roll-up an upload touched is left in), all days pending. Figures are
 * process CPU time per item (median of `--runs`), and the heap still held when the partition's
 * Query loop ends.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Item, queryAll, queryPages } from '../../shared/adapters/dynamo-batch.ts';
import {
  type Commits,
  foldRollup,
  pendingUploads,
  ROLLUP_READ_ATTRIBUTES,
  rollupItem,
} from '../../shared/adapters/fact-versions.ts';
import { rollupReader } from '../../shared/adapters/rollup-reader.ts';
import { dimsKey, keys } from '../../shared/adapters/table-design.ts';
import {
  type ActualColumnsBuilder,
  actualColumnsBuilder,
} from '../../shared/domain/engine/actual-columns.ts';
import { itemSize, wireItem } from '../lib/dynamo-json.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ITEMS = arg('items', 20_000);
const RUNS = arg('runs', 3);
const PAGE_BYTES = 1024 * 1024;
const KPI = 'gmv';
const MONTH = '2026-11';
const RANGE = { start: '2026-11-01', end: '2026-11-30' };
const UPLOAD = '0000017342#3f0a9c51d2e84b7a9e1c6d5b4a3f2e10';
const COMMITS: Commits = new Map([[UPLOAD, '2026-11-30T06:00:00.000Z']]);
type State = 'settled' | 'last-day-pending' | 'all-pending';
type Layout = 'maps' | 'packed';

/** The combinations of 5 dimensions (channel × category × region × device × customer type). */
function combination(i: number): Record<string, string> {
  return {
    channel: ['app', 'web', 'mini', 'store', 'tv'][i % 5]!,
    category: `cat-${String(Math.floor(i / 5) % 20).padStart(2, '0')}`,
    region: ['north', 'south', 'east', 'west', 'central'][Math.floor(i / 100) % 5]!,
    device: ['ios', 'android', 'desktop', 'tablet'][Math.floor(i / 500) % 4]!,
    customer: `segment-${Math.floor(i / 2000)}`,
  };
}

/** Daily fact items of one bucket, as the store writes them, in the given state. */
function bucketFacts(combo: number, state: State): Item[] {
  const facts: Item[] = [];
  for (let d = 1; d <= 30; d++) {
    const value = ((combo * 7919 + d * 104729) % 10_000_000) / 100;
    const pending = state === 'all-pending' || (state === 'last-day-pending' && d === 30);
    const day = `${MONTH}-${String(d).padStart(2, '0')}`;
    facts.push(
      pending
        ? { period: day, pend: { u: UPLOAD, data: { value } } }
        : { period: day, value, srcOrder: '0000017000' },
    );
  }
  return facts;
}

/** One roll-up in the map layout the store wrote before the packed one (commit 5aec105). */
function mapsItem(dims: Record<string, string>, folded: ReturnType<typeof foldRollup>): Item {
  const dk = dimsKey(dims);
  return {
    ...keys.rollup(KPI, MONTH, dk),
    kpi: KPI,
    month: MONTH,
    dimsKey: dk,
    dims,
    days: folded.days,
    pendDays: folded.pendDays,
    updatedAt: '2026-11-30T05:59:00.000Z',
  };
}

/** The partition as Query response bodies, cut where DynamoDB cuts (1 MB of item size). */
function pages(
  layout: Layout,
  state: State,
  projected: boolean,
): { bodies: string[]; bytes: number; size: number } {
  const bodies: string[] = [];
  let page: string[] = [];
  let pageSize = 0;
  let size = 0;
  let bytes = 0;
  const flush = (last: boolean) => {
    const lastKey = last ? '' : `,"LastEvaluatedKey":${wireItem({ pk: 'p', sk: String(bodies.length) })}`;
    const body = `{"Count":${page.length},"ScannedCount":${page.length},"Items":[${page.join(',')}]${lastKey}}`;
    bytes += body.length;
    bodies.push(body);
    page = [];
    pageSize = 0;
  };
  for (let i = 0; i < ITEMS; i++) {
    const dims = combination(i);
    const folded = foldRollup(bucketFacts(i, state), new Map());
    const item =
      layout === 'maps'
        ? mapsItem(dims, folded)
        : rollupItem(
            { kpi: KPI, month: MONTH, dimsKey: dimsKey(dims), dims },
            folded,
            '2026-11-30T05:59:00.000Z',
          );
    const s = itemSize(item);
    size += s;
    // DynamoDB stops a page at 1 MB of items read, counted before the projection.
    if (pageSize + s > PAGE_BYTES) flush(false);
    pageSize += s;
    const shown: Record<string, unknown> = projected
      ? Object.fromEntries(
          ROLLUP_READ_ATTRIBUTES.filter((a) => a in item).map((a) => [
            a,
            (item as Record<string, unknown>)[a],
          ]),
        )
      : item;
    page.push(wireItem(shown));
  }
  flush(true);
  return { bodies, bytes, size };
}

/** A document client whose HTTP handler answers each Query with the next prepared body. */
function servingClient(bodies: readonly string[]): DynamoDBDocumentClient {
  const encoded = bodies.map((b) => new TextEncoder().encode(b));
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: {
      handle: async (request: { body?: string }) => {
        const input = JSON.parse(String(request.body)) as { ExclusiveStartKey?: { sk: { S: string } } };
        const next = input.ExclusiveStartKey ? Number(input.ExclusiveStartKey.sk.S) + 1 : 0;
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: encoded[next]!,
          },
        };
      },
    } as never,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** The read path before the packed layout (commit 5aec105): a day → value map per item. */
function oldVisibleDays(rollup: Item, commits: Commits): Record<string, number> {
  const out: Record<string, number> = { ...((rollup.days ?? {}) as Record<string, number>) };
  const pendDays = (rollup.pendDays ?? {}) as Record<string, { u: string; v: number | null }>;
  for (const [day, p] of Object.entries(pendDays)) {
    if (!commits.has(p.u)) continue;
    if (p.v === null) delete out[day];
    else out[day] = Number(p.v);
  }
  return out;
}

function oldCollect(item: Item, commits: Commits, columns: ActualColumnsBuilder): void {
  const dims = (item.dims ?? {}) as Record<string, string>;
  const days = oldVisibleDays(item, commits);
  for (const day of Object.keys(days).sort()) {
    if (day < RANGE.start || day > RANGE.end) continue;
    columns.add(String(item.kpi), day, dims, Number(days[day]));
  }
}

/** Before: the partition read whole, settled items folded after its Query loop ends. */
async function readBefore(doc: DynamoDBDocumentClient, onLoopEnd: (held: unknown) => void) {
  const columns = actualColumnsBuilder(RANGE);
  const items = await queryAll(doc, 't', 'p', { requests: 0 });
  onLoopEnd({ items, columns });
  const held: Item[] = [];
  for (const item of items) {
    if (pendingUploads([item]).size > 0) held.push(item);
    else oldCollect(item, new Map(), columns);
  }
  for (const item of held) oldCollect(item, COMMITS, columns);
  return columns.build();
}

/**
 * After: each page folded as it arrives, its pending days resolved by the commits first (the
 * store looks each upload up once per read; here the answer is at hand).
 */
async function readAfter(doc: DynamoDBDocumentClient, onLoopEnd: (held: unknown) => void) {
  const columns = actualColumnsBuilder(RANGE);
  const reader = rollupReader(RANGE, { actuals: [], columns });
  await queryPages(
    doc,
    't',
    'p',
    { requests: 0 },
    (page) => {
      for (const u of pendingUploads(page)) if (!COMMITS.has(u)) throw new Error(`unknown upload ${u}`);
      for (const item of page) reader.add(item, MONTH, COMMITS);
    },
    ROLLUP_READ_ATTRIBUTES,
  );
  onLoopEnd({ columns });
  return columns.build();
}

const rawGc = (globalThis as { gc?: () => void }).gc;
/** Two full collections: the first can leave garbage a finaliser or weak map still reached. */
const gc = rawGc
  ? () => {
      rawGc();
      rawGc();
    }
  : undefined;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function measure(read: typeof readBefore, bodies: string[]) {
  const doc = servingClient(bodies);
  await read(doc, () => {}); // warm-up: JIT and the SDK's lazy set-up
  const cpu: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    gc?.();
    const t0 = process.cpuUsage();
    await read(doc, () => {});
    const t = process.cpuUsage(t0);
    cpu.push((t.user + t.system) / ITEMS);
  }
  // Heap held when the Query loop ends (what waits in memory while other partitions are read).
  gc?.();
  const base = process.memoryUsage();
  let heldHeap = 0;
  let heldBuffers = 0;
  await read(doc, () => {
    gc?.();
    const m = process.memoryUsage();
    heldHeap = m.heapUsed - base.heapUsed;
    heldBuffers = m.arrayBuffers - base.arrayBuffers;
  });
  // Heap of the partition's items as the SDK hands them over, all held (what the old read kept):
  // the growth from holding one copy to holding two, so the baseline holds the same state.
  const first = await queryAll(doc, 't', 'p', { requests: 0 });
  gc?.();
  const one = process.memoryUsage();
  const second = await queryAll(doc, 't', 'p', { requests: 0 });
  gc?.();
  const two = process.memoryUsage();
  const heapPerItem = (two.heapUsed - one.heapUsed) / second.length;
  const externalPerItem = (two.arrayBuffers - one.arrayBuffers) / second.length;
  if (first.length !== second.length) throw new Error('pages differ between reads');
  let parse = 0;
  const t0 = process.cpuUsage();
  for (const b of bodies) parse += (JSON.parse(b) as { Count: number }).Count;
  const t = process.cpuUsage(t0);
  return {
    cpuUsPerItem: median(cpu),
    parseUsPerItem: (t.user + t.system) / parse,
    heldHeapMB: heldHeap / 2 ** 20,
    heapBytesPerItem: heapPerItem,
    bufferBytesPerItem: externalPerItem,
    heldBuffersMB: heldBuffers / 2 ** 20,
  };
}

async function main() {
  if (!gc) console.warn('run with node --expose-gc for the heap figures');
  const loadBefore = (await import('node:os')).loadavg();
  const rows: Record<string, unknown>[] = [];
  for (const state of ['settled', 'last-day-pending', 'all-pending'] as const) {
    const variants = [
      { name: 'before: maps layout, old read', layout: 'maps', projected: false, read: readBefore },
      { name: 'after: maps layout (old items), new read', layout: 'maps', projected: true, read: readAfter },
      { name: 'after: packed layout, new read', layout: 'packed', projected: true, read: readAfter },
    ] as const;
    for (const v of variants) {
      const { bodies, bytes, size } = pages(v.layout, state, v.projected);
      const m = await measure(v.read, bodies);
      rows.push({
        state,
        variant: v.name,
        pages: bodies.length,
        itemBytes: Math.round(size / ITEMS),
        jsonBytes: Math.round(bytes / ITEMS),
        ...Object.fromEntries(Object.entries(m).map(([k, x]) => [k, Math.round(x * 10) / 10])),
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
  }
  const loadAfter = (await import('node:os')).loadavg();
  console.log(
    JSON.stringify({
      items: ITEMS,
      runs: RUNS,
      node: process.version,
      loadavg: { before: loadBefore.map((x) => x.toFixed(2)), after: loadAfter.map((x) => x.toFixed(2)) },
      at: new Date().toISOString(),
    }),
  );
}

await main();
