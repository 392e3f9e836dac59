/**
 * Issue 11, points 1 and 7 on the emulators: an upload is visible whole or not at all, also
 * when any DynamoDB call of its write fails (before or after DynamoDB applied it); and the
 * last-write stamp never trails what a reader sees. Two writers racing: racing.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import { keys } from '../../../shared/adapters/table-design.ts';
import { grainClaims } from '../../../shared/app/grain-claims.ts';
import type { UploadSource } from '../../../shared/ports/index.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { asMap, CHANNELS, daily, monthly, same, source } from './fact-series.ts';
import { faultyDoc, InjectedFault } from './faults.ts';

let emu: TestEmulators;
const sourceIn = (order: number, key: string) => source(emu.buckets.uploads, order, key);

beforeAll(async () => {
  emu = await startTestEmulators();
});

afterAll(async () => {
  await emu?.stop();
});

describe('all or nothing: a DynamoDB call failing anywhere in a write', () => {
  // One clock for stores and stamps, a second per tick, so "after" is always later.
  let tick = Date.parse('2026-11-23T00:00:00Z');
  const now = () => {
    tick += 1000;
    return new Date(tick);
  };
  const store = (doc = emu.clients.doc) =>
    new DynamoFactStore({ doc, tableName: emu.tableName, now, sleep: async () => {} });
  const actualsRange = { kpis: ['visits'], start: '2026-11-01', end: '2026-11-30', targetVersions: [] };
  const targetsRange = {
    kpis: ['leads', 'signups'],
    start: '2026-01-01',
    end: '2026-12-31',
    targetVersions: ['budget'],
  };

  for (const [kind, mode, base] of [
    ['actuals', 'before', 100_000],
    ['actuals', 'after', 200_000],
    ['targets', 'before', 300_000],
  ] as const) {
    it(`${kind}, failing ${mode} the call: every N from the first call to the last shows the old figures or the new, whole, and a retry completes`, async () => {
      const write = (s: DynamoFactStore, n: number, src: UploadSource) => {
        if (kind === 'actuals') {
          const facts = daily('visits', (c, d) => n * 10_000 + c * 100 + d);
          return { put: s.putActuals(facts, src, grainClaims(facts, 1).claims), facts };
        }
        const facts = ['leads', 'signups'].flatMap((k) => monthly(k, (c, m) => n * 10_000 + c * 100 + m));
        return { put: s.putTargets(facts, src, grainClaims(facts, 1).claims), facts };
      };
      const read = async () => {
        const data = await store().loadPlanData(kind === 'actuals' ? actualsRange : targetsRange);
        return asMap(kind === 'actuals' ? data.actuals : data.targets);
      };
      const kpi = kind === 'actuals' ? 'visits' : 'leads';
      // Upload 1 stands; count the calls upload 2 makes when nothing fails.
      await write(store(), base, sourceIn(base, `incoming/${kind}/${mode}-base.csv`)).put;
      const counting = faultyDoc(emu.clients.doc, 0, mode);
      const first = write(
        store(counting.client),
        base + 1,
        sourceIn(base + 1, `incoming/${kind}/${mode}-0.csv`),
      );
      await first.put;
      const calls = counting.calls();
      expect(calls).toBeGreaterThan(15);
      let previous = asMap(first.facts);
      expect(await read()).toEqual(previous);

      const outcomes = { old: 0, new: 0 };
      for (let n = 1; n <= calls; n++) {
        const src = sourceIn(base + 1 + n, `incoming/${kind}/${mode}-${n}.csv`);
        const fault = faultyDoc(emu.clients.doc, n, mode);
        const startedAt = now().toISOString();
        const attempt = write(store(fault.client), base + 1 + n, src);
        await expect(attempt.put, `call ${n}`).rejects.toBeInstanceOf(InjectedFault);
        const expected = asMap(attempt.facts);

        const seen = await read();
        const isOld = same(seen, previous);
        const isNew = same(seen, expected);
        expect(isOld || isNew, `call ${n} ${mode}: half-visible`).toBe(true);
        outcomes[isNew ? 'new' : 'old'] += 1;
        if (isNew) {
          // Point 7: data a reader can see is never older than the stamp says.
          expect(await store().lastWriteAt([kpi]), `call ${n}: stamp trails the data`).not.toBeNull();
          expect((await store().lastWriteAt([kpi]))! > startedAt, `call ${n}: stamp trails the data`).toBe(
            true,
          );
        }

        // Redelivery: the same upload again, nothing failing.
        await write(store(), base + 1 + n, src).put;
        expect(await read(), `call ${n}: retry`).toEqual(expected);
        expect((await store().lastWriteAt([kpi]))! > startedAt).toBe(true);
        previous = expected;
      }
      // Both sides of the commit flip were exercised.
      expect(outcomes.old).toBeGreaterThan(0);
      if (mode === 'after') expect(outcomes.new).toBeGreaterThan(0);
      // Writes the upload twice and reads it twice for every call of the upload: on moto, with
      // the cores shared, that outgrows the suites' 120 s.
    }, 600_000);
  }
});

describe('last-write stamp', () => {
  it('still shows new data when the stamp write after the commit fails, before any retry', async () => {
    let tick = Date.parse('2026-12-01T00:00:00Z');
    const now = () => {
      tick += 1000;
      return new Date(tick);
    };
    const facts = daily('refunds', (c, d) => c + d, 3);
    await new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName, now }).putActuals(
      facts,
      sourceIn(7_000, 'incoming/actuals/refunds-1.csv'),
    );
    const lastReportAt = now().toISOString();
    // Fails the one call that raises the stamp after the commit (UpdateItem SET writtenAt).
    const failing = new Proxy(emu.clients.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { input: { UpdateExpression?: string } }) => {
          if (command.input.UpdateExpression?.startsWith('SET writtenAt'))
            throw new Error('stamp write failed');
          return target.send(command as never);
        };
      },
    });

    const put = new DynamoFactStore({ doc: failing, tableName: emu.tableName, now }).putActuals(
      facts.map((f) => ({ ...f, value: f.value + 1 })),
      sourceIn(7_001, 'incoming/actuals/refunds-2.csv'),
    );

    await expect(put).rejects.toThrow('stamp write failed');
    const reader = new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName });
    const data = await reader.loadPlanData({
      kpis: ['refunds'],
      start: '2026-11-01',
      end: '2026-11-30',
      targetVersions: [],
    });
    expect(asMap(data.actuals)).toEqual(asMap(facts.map((f) => ({ ...f, value: f.value + 1 }))));
    // The "no new data" rule compares this with the last report: it must say "new".
    expect((await reader.lastWriteAt(['refunds']))! > lastReportAt).toBe(true);
  });
});

describe('a reader whose reads straddle a commit', () => {
  it('never mixes two uploads: a commit between its Query of one month and of the next makes it read again', async () => {
    // Daily facts in two months: a report reads them with two Queries (one roll-up partition
    // per month), which DynamoDB does not isolate from writes between them.
    const facts = (n: number) =>
      ['2026-11-30', '2026-12-01'].flatMap((period) =>
        CHANNELS.map((channel, c) => ({ kpi: 'straddle', period, dims: { channel }, value: n * 100 + c })),
      );
    const put = (n: number) =>
      new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName }).putActuals(
        facts(n),
        sourceIn(8_000 + n, `incoming/actuals/straddle-${n}.csv`),
        grainClaims(facts(n), 1).claims,
      );
    await put(1);

    // The reader's November Query answers first; then upload 2 is written and committed
    // whole; only then does its December Query go out.
    const december = keys.rollupPartition('straddle', '2026-12');
    let novemberRead!: () => void;
    const novemberDone = new Promise<void>((resolve) => {
      novemberRead = resolve;
    });
    let interleaved = false;
    const reader = new Proxy(emu.clients.doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: { input: { ExpressionAttributeValues?: Record<string, unknown> } }) => {
          const pk = command.input.ExpressionAttributeValues?.[':pk'];
          if (pk === december && !interleaved) {
            interleaved = true;
            await novemberDone;
            await put(2);
          }
          const out = await target.send(command as never);
          if (pk === keys.rollupPartition('straddle', '2026-11')) novemberRead();
          return out;
        };
      },
    });

    const data = await new DynamoFactStore({ doc: reader, tableName: emu.tableName }).loadPlanData({
      kpis: ['straddle'],
      start: '2026-11-01',
      end: '2026-12-31',
      targetVersions: [],
    });
    expect(interleaved).toBe(true);
    expect(asMap(data.actuals)).toEqual(asMap(facts(2)));
  });
});
