/**
 * Roll-ups written before the packed layout (`days`/`pendDays` maps) and after it
 * (`packedDays`, `pendPacked` + `pendUploads`, rollup-days.ts) read as the same plan data, alone
 * and mixed in one partition — with a newer upload replacing values, an upload committed after its
 * roll-ups were written, and one that never committed.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '../../../shared/adapters/dynamo-batch.ts';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import {
  dayAt,
  decodeDaysInto,
  decodePending,
  encodeDays,
  encodePending,
  MONTH_DAYS,
} from '../../../shared/adapters/rollup-days.ts';
import { keys } from '../../../shared/adapters/table-design.ts';
import type { ActualFact, PlanData } from '../../../shared/domain/types.ts';
import type { PlanDataQuery, UploadSource } from '../../../shared/ports/index.ts';
import { columnFacts } from '../../support/column-facts.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emu: TestEmulators;

beforeAll(async () => {
  emu = await startTestEmulators();
});

afterAll(async () => {
  await emu?.stop();
});

const source = (order: string): UploadSource => ({
  bucket: emu.buckets.uploads,
  key: `incoming/actuals/${order}.csv`,
  versionId: `v-${order}`,
  order,
  uploadedBy: 'ana@example.com',
});

const KPI = 'layouts';
const MONTHS = ['2026-10', '2026-11'];
const QUERY: PlanDataQuery = { kpis: [KPI], start: '2026-10-05', end: '2026-11-30', targetVersions: [] };

/** The daily facts a result holds, from its columns and its objects, in a stable order. */
function dailyFacts(data: PlanData): string[] {
  return [...data.actuals, ...columnFacts(data)]
    .map((f) => `${f.kpi}|${f.period}|${JSON.stringify(f.dims)}|${f.value}`)
    .sort();
}

/** The roll-up rewritten in the map layout a store wrote before the packed one. */
function asMaps(item: Record<string, unknown>): Record<string, unknown> {
  const { packedDays, pendPacked, pendUploads, ...rest } = item;
  const values = new Float64Array(MONTH_DAYS);
  const mask = decodeDaysInto(packedDays as Uint8Array, values);
  const days: Record<string, number> = {};
  for (let i = 0; i < MONTH_DAYS; i++) {
    if (mask & (1 << i)) days[dayAt(String(item.month), i)] = values[i]!;
  }
  const pendDays = pendPacked
    ? decodePending(pendPacked as Uint8Array, pendUploads as string[], String(item.month))
    : {};
  return { ...rest, days, pendDays };
}

/** The roll-up rewritten packed again, from its maps. */
function asPacked(item: Record<string, unknown>): Record<string, unknown> {
  const { days, pendDays, ...rest } = item;
  return {
    ...rest,
    packedDays: encodeDays(days as Record<string, number>),
    ...encodePending(pendDays as Record<string, { u: string; v: number | null }>),
  };
}

async function rollups(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const month of MONTHS) {
    out.push(
      ...(await queryAll(emu.clients.doc, emu.tableName, keys.rollupPartition(KPI, month), { requests: 0 })),
    );
  }
  return out;
}

async function rewrite(
  items: readonly Record<string, unknown>[],
  as: (i: Record<string, unknown>) => Record<string, unknown>,
) {
  for (const item of items) {
    await emu.clients.doc.send(new PutCommand({ TableName: emu.tableName, Item: as(item) }));
  }
}

type Loaded = PlanData & { readonly itemsRead: number };

async function load(): Promise<{ columns: Loaded; objects: Loaded }> {
  const options = { doc: emu.clients.doc, tableName: emu.tableName };
  return {
    columns: await new DynamoFactStore({ ...options, dailyActualsAsColumns: true }).loadPlanData(QUERY),
    objects: await new DynamoFactStore(options).loadPlanData(QUERY),
  };
}

describe('roll-up layouts', () => {
  it('reads the map layout, the packed layout and both mixed as the same daily actuals, pending states included', async () => {
    // Arrange: five combinations over two months, then a newer upload replacing some days,
    // then an upload whose commit write fails (its days stay pending on it for ever).
    const facts: ActualFact[] = [];
    for (let d = 0; d < 45; d++) {
      const day = new Date(Date.UTC(2026, 9, 1 + d)).toISOString().slice(0, 10);
      for (const channel of ['app', 'web', 'mini', 'store', 'tv']) {
        facts.push({
          kpi: KPI,
          period: day,
          dims: { channel, region: 'north' },
          value: d * 10.25 + channel.length,
        });
      }
    }
    const store = new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName });
    await store.putActuals(facts, source('0000001000'));
    await store.putActuals(
      facts.filter((_, i) => i % 7 === 0).map((f) => ({ ...f, value: -f.value - 0.5 })),
      source('0000002000'),
    );
    const failing = new Proxy(emu.clients.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { input: { Item?: Record<string, unknown> } }) => {
          if (command.input.Item?.committedAt !== undefined) throw new Error('commit write failed');
          return target.send(command as never);
        };
      },
    });
    await expect(
      new DynamoFactStore({ doc: failing, tableName: emu.tableName }).putActuals(
        facts.filter((_, i) => i % 5 === 0).map((f) => ({ ...f, value: 1e6 })),
        source('0000003000'),
      ),
    ).rejects.toThrow('commit write failed');
    const written = await rollups();
    // The table hands the packed days back as binary, and the failed upload's days as pending.
    expect(written).toHaveLength(10);
    for (const item of written) {
      expect(item.packedDays).toBeInstanceOf(Uint8Array);
      expect(item).not.toHaveProperty('days');
    }
    expect(written.filter((i) => i.pendUploads !== undefined).length).toBeGreaterThan(0);

    // Act
    const packed = await load();
    await rewrite(written, asMaps);
    const maps = await load();
    const stored = await rollups();
    await rewrite(
      stored.filter((_, i) => i % 2 === 0),
      asPacked,
    );
    const mixed = await load();

    // Assess: every fact visible once, newest committed value winning, the failed upload unseen.
    const expected = new Map<string, number>();
    for (const [i, f] of facts.entries()) {
      if (f.period < QUERY.start) continue;
      expected.set(`${f.kpi}|${f.period}|${JSON.stringify(f.dims)}`, i % 7 === 0 ? -f.value - 0.5 : f.value);
    }
    const want = [...expected].map(([k, v]) => `${k}|${v}`).sort();
    expect(dailyFacts(packed.columns)).toEqual(want);
    expect(dailyFacts(packed.objects)).toEqual(want);
    expect(stored.every((i) => i.days !== undefined && i.packedDays === undefined)).toBe(true);
    for (const data of [maps, mixed]) {
      expect(dailyFacts(data.columns)).toEqual(want);
      expect(dailyFacts(data.objects)).toEqual(want);
      expect(data.columns.itemsRead).toBe(packed.columns.itemsRead);
      expect(data.objects.itemsRead).toBe(packed.objects.itemsRead);
    }
  });
});
