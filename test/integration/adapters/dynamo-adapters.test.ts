import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFactStore } from '../../../shared/adapters/dynamo-fact-store.ts';
import { DynamoRunLedger } from '../../../shared/adapters/dynamo-run-ledger.ts';
import { DynamoUploadLedger, UploadInProgressError } from '../../../shared/adapters/dynamo-upload-ledger.ts';
import { keys } from '../../../shared/adapters/table-design.ts';
import type { ActualFact, Milestone, TargetFact } from '../../../shared/domain/types.ts';
import type { UploadRecord, UploadSource } from '../../../shared/ports/index.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

let emu: TestEmulators;

beforeAll(async () => {
  emu = await startTestEmulators();
});

afterAll(async () => {
  await emu?.stop();
});

const source = (order: string, key = 'incoming/actuals/gmv.csv'): UploadSource => ({
  bucket: emu.buckets.uploads,
  key,
  versionId: `v-${order}`,
  order,
  uploadedBy: 'ana@example.com',
});

function dailyFacts(
  kpi: string,
  channels: readonly string[],
  start: string,
  end: string,
  value: (i: number) => number,
) {
  const facts: ActualFact[] = [];
  let i = 0;
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const channel of channels) facts.push({ kpi, period: day, dims: { channel }, value: value(i++) });
  }
  return facts;
}

/**
 * Every item but the commit generation, which a replay raises too (it cannot know it is one
 * before its flip; a moved generation only makes a concurrent reader read again).
 */
async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await emu.clients.doc.send(
      new ScanCommand({ TableName: emu.tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items
    .filter((i) => i.pk !== keys.commitGeneration.pk)
    .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

const byKey = (f: ActualFact) => `${f.kpi}|${f.period}|${JSON.stringify(f.dims)}`;

describe('DynamoFactStore on the DynamoDB emulator', () => {
  const store = () => new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName });
  const facts = dailyFacts('gmv', ['app', 'web', 'mini'], '2026-01-01', '2026-11-22', (i) => 1000 + i);
  const range = { kpis: ['gmv'], start: '2026-01-01', end: '2026-12-31', targetVersions: ['budget'] };

  it('writes daily facts and reads them back through monthly roll-ups, reading a few percent of the raw items', async () => {
    // Act
    const summary = await store().putActuals(facts, source('0000000100'));
    const data = await store().loadPlanData(range);

    // Assess
    expect(summary).toMatchObject({ written: facts.length, skipped: 0 });
    expect(data.actuals.map(byKey).sort()).toEqual(facts.map(byKey).sort());
    const stored = new Map(data.actuals.map((f) => [byKey(f), f.value]));
    expect(facts.every((f) => stored.get(byKey(f)) === f.value)).toBe(true);
    expect(data.itemsRead).toBeLessThanOrEqual(facts.length * 0.05);
  });

  it('changes nothing when the same upload is replayed', async () => {
    // Prepare
    const before = await scanAll();

    // Act
    const summary = await store().putActuals(facts, source('0000000100'));

    // Assess
    expect(summary).toMatchObject({ written: 0, skipped: facts.length });
    expect(await scanAll()).toEqual(before);
  });

  it('ignores an older upload delivered late and lets a newer one win', async () => {
    // Prepare
    const nov = facts.filter((f) => f.period >= '2026-11-01');
    const older = nov.map((f) => ({ ...f, value: -1 }));
    const newer = nov.slice(0, 5).map((f) => ({ ...f, value: f.value + 0.5 }));

    // Act
    const olderSummary = await store().putActuals(older, source('0000000050', 'incoming/actuals/old.csv'));
    const newerSummary = await store().putActuals(newer, source('0000000200', 'incoming/actuals/new.csv'));
    const data = await store().loadPlanData({ ...range, start: '2026-11-01', end: '2026-11-30' });

    // Assess
    expect(olderSummary.written).toBe(0);
    expect(newerSummary.written).toBe(5);
    const expected = new Map(nov.map((f) => [byKey(f), f.value]));
    for (const f of newer) expected.set(byKey(f), f.value);
    expect(new Map(data.actuals.map((f) => [byKey(f), f.value]))).toEqual(expected);
  });

  it('round-trips coarse actuals, targets and milestones, and records the last write time', async () => {
    // Prepare
    const coarse: ActualFact[] = [
      { kpi: 'nps', period: '2026-11', dims: {}, value: 42 },
      { kpi: 'nps', period: '2026-W47', dims: { channel: 'app' }, value: 40 },
    ];
    const targets: TargetFact[] = [
      { version: 'budget', kpi: 'gmv', period: 'FY2026-Q4', dims: {}, value: 9_000_000 },
      { version: 'budget', kpi: 'gmv', period: '2026-11', dims: { channel: 'app' }, value: 1_000_000 },
      { version: 'reforecast', kpi: 'gmv', period: '2026-11', dims: {}, value: 2_000_000 },
    ];
    const milestones: Milestone[] = [
      {
        id: 'M1',
        title: '双11 预热',
        owner: 'ops',
        due: '2026-11-01',
        weight: 2,
        status: 'done',
        completedOn: '2026-10-30',
      },
      {
        id: 'M2',
        title: 'Launch app v5',
        owner: 'app',
        due: '2026-12-01',
        weight: 1,
        status: 'in_progress',
        progress: 0.4,
      },
    ];
    const before = await store().lastWriteAt(['nps']);

    // Act
    await store().putActuals(coarse, source('0000000300', 'incoming/actuals/nps.csv'));
    await store().putTargets(targets, source('0000000300', 'incoming/targets/t.csv'));
    await store().putMilestones(milestones, source('0000000300', 'incoming/milestones/m.csv'));
    const data = await store().loadPlanData({
      kpis: ['nps', 'gmv'],
      start: '2026-11-01',
      end: '2026-11-30',
      targetVersions: ['budget'],
    });

    // Assess
    expect(before).toBeNull();
    expect(data.actuals.filter((f) => f.kpi === 'nps')).toEqual(expect.arrayContaining(coarse));
    expect(data.targets).toEqual(expect.arrayContaining(targets.filter((t) => t.version === 'budget')));
    expect(data.targets.some((t) => t.version === 'reforecast')).toBe(false);
    expect(data.milestones).toEqual(expect.arrayContaining(milestones));
    expect(await store().lastWriteAt(['nps'])).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('DynamoUploadLedger on the DynamoDB emulator', () => {
  const ledger = () => new DynamoUploadLedger({ doc: emu.clients.doc, tableName: emu.tableName });
  const record = (order: string, versionId: string): UploadRecord => ({
    bucket: emu.buckets.uploads,
    key: 'incoming/targets/budget.xlsx',
    versionId,
    order,
    kind: 'targets',
    status: 'processing',
    rows: 10,
    errors: 0,
    checksum: 'abc',
    uploadedBy: 'ana@example.com',
    startedAt: new Date().toISOString(),
    finishedAt: null,
    errorKey: null,
  });

  it('claims a new version once, reports a replay, and skips an older version arriving late', async () => {
    // Prepare
    const v2 = record('0000000200', 'v2');

    // Act
    const first = await ledger().begin(v2);
    const duringProcessing = ledger().begin(v2);
    await expect(duringProcessing).rejects.toBeInstanceOf(UploadInProgressError);
    await ledger().finish({ ...v2, status: 'accepted', finishedAt: new Date().toISOString() });
    const replay = await ledger().begin(v2);
    const older = await ledger().begin(record('0000000100', 'v1'));

    // Assess
    expect(first).toEqual({ claimed: true, reason: 'new' });
    expect(replay).toEqual({ claimed: false, reason: 'replay' });
    expect(older).toEqual({ claimed: false, reason: 'older' });
  });

  it('lets a redelivery re-claim a version whose worker crashed once the lease ran out', async () => {
    // Prepare
    const crashed = { ...record('0000000500', 'v5'), key: 'incoming/actuals/crash.csv' };
    await ledger().begin(crashed);
    const later = new DynamoUploadLedger({
      doc: emu.clients.doc,
      tableName: emu.tableName,
      processingLeaseSeconds: 900,
      now: () => new Date(Date.now() + 901_000),
    });

    // Act
    const retry = await later.begin(crashed);

    // Assess
    expect(retry).toEqual({ claimed: true, reason: 'new' });
  });

  it('keeps the history and lists rejected uploads since a time', async () => {
    // Prepare
    const since = new Date(Date.now() - 1000).toISOString();
    const rejected = {
      ...record('0000000300', 'v3'),
      key: 'incoming/actuals/bad.csv',
      kind: 'actuals' as const,
    };
    await ledger().begin(rejected);

    // Act
    await ledger().finish({
      ...rejected,
      status: 'rejected',
      errors: 3,
      finishedAt: new Date().toISOString(),
      errorKey: 'rejected/x',
    });
    const list = await ledger().rejectedSince(since);
    const all = await ledger().list(10);

    // Assess
    expect(list).toEqual([
      expect.objectContaining({ key: 'incoming/actuals/bad.csv', status: 'rejected', errors: 3 }),
    ]);
    expect(all.length).toBeGreaterThanOrEqual(2);
  });
});

describe('DynamoRunLedger on the DynamoDB emulator', () => {
  const ledger = () => new DynamoRunLedger({ doc: emu.clients.doc, tableName: emu.tableName });
  const run = { reportId: 'weekly', asOf: '2026-11-22', scopeKey: 'all', leaseSeconds: 900, force: false };

  it('lets exactly one of two duplicate deliveries claim a run, and none after it was sent', async () => {
    // Act
    const claim = (now: string) => ledger().claim({ ...run, now });
    // DynamoDB applies conditional writes to one item one at a time. moto_server runs
    // concurrent requests on threads with no isolation, so both duplicates find no item and
    // both "win" there: on moto they arrive one after the other (the condition is what is tested).
    const [a, b] =
      emu.emulator.dynamodb === 'moto'
        ? [await claim('2026-11-23T01:00:00.000Z'), await claim('2026-11-23T01:00:00.500Z')]
        : await Promise.all([claim('2026-11-23T01:00:00.000Z'), claim('2026-11-23T01:00:00.500Z')]);
    const winner = a.claimed ? a : b;
    await ledger().finish({
      ...run,
      attempt: winner.record.attempt,
      status: 'sent',
      now: '2026-11-23T01:01:00.000Z',
      messageId: 'm-1',
    });
    const later = await ledger().claim({ ...run, now: '2026-11-23T09:00:00.000Z' });

    // Assess
    expect([a.claimed, b.claimed].filter(Boolean)).toHaveLength(1);
    expect(later).toEqual({
      claimed: false,
      record: expect.objectContaining({ status: 'sent', messageId: 'm-1' }),
    });
    expect(await ledger().lastSent('weekly', 'all')).toMatchObject({ asOf: '2026-11-22', status: 'sent' });
  });

  it('re-claims a crashed run after its lease, and refuses the crashed attempt a late finish', async () => {
    // Prepare
    const crashed = { ...run, asOf: '2026-11-29' };
    const first = await ledger().claim({ ...crashed, now: '2026-11-30T01:00:00.000Z' });

    // Act
    const tooSoon = await ledger().claim({ ...crashed, now: '2026-11-30T01:05:00.000Z' });
    const retry = await ledger().claim({ ...crashed, now: '2026-11-30T01:20:00.000Z' });
    const lateFinish = ledger().finish({
      ...crashed,
      attempt: first.record.attempt,
      status: 'sent',
      now: '2026-11-30T01:21:00.000Z',
    });

    // Assess
    expect(first.claimed).toBe(true);
    expect(tooSoon.claimed).toBe(false);
    expect(retry).toMatchObject({ claimed: true, record: { attempt: 2, status: 'started' } });
    await expect(lateFinish).rejects.toThrow(/does not hold the claim/);
  });

  it('claims a sent run again only with force', async () => {
    // Act
    const forced = await ledger().claim({ ...run, force: true, now: '2026-11-24T01:00:00.000Z' });
    const runs = await ledger().list();

    // Assess
    expect(forced).toMatchObject({
      claimed: true,
      record: { status: 'started', attempt: 2, messageId: null },
    });
    expect(runs.map((r) => `${r.reportId}/${r.asOf}/${r.scopeKey}`).sort()).toEqual([
      'weekly/2026-11-22/all',
      'weekly/2026-11-29/all',
    ]);
  });
});

describe('DynamoFactStore on the DynamoDB emulator, writing in small slices', () => {
  // Slices of 11 facts cut every (KPI, channel, month) roll-up bucket into several slices.
  const store = () => new DynamoFactStore({ doc: emu.clients.doc, tableName: emu.tableName, sliceSize: 11 });
  const facts = dailyFacts('orders', ['app', 'web', 'mini'], '2026-09-20', '2026-11-10', (i) => 10 + i);
  const range = { kpis: ['orders'], start: '2026-09-01', end: '2026-11-30', targetVersions: [] };
  const values = (actuals: readonly ActualFact[]) => new Map(actuals.map((f) => [byKey(f), f.value]));

  it('keeps roll-ups exact, newest upload winning and replays idempotent across slice boundaries', async () => {
    // Prepare: the newer upload changes every fourth fact.
    const older = facts.map((f) => ({ ...f, value: -1 }));
    const newer = facts.filter((_, i) => i % 4 === 0).map((f) => ({ ...f, value: f.value + 0.5 }));
    const expected = values(facts);
    for (const f of newer) expected.set(byKey(f), f.value);

    // Act
    const first = await store().putActuals(facts, source('0000000100', 'incoming/actuals/orders.csv'));
    const newerSummary = await store().putActuals(newer, source('0000000200', 'incoming/actuals/new.csv'));
    const olderSummary = await store().putActuals(older, source('0000000050', 'incoming/actuals/old.csv'));
    const before = await scanAll();
    const replay = await store().putActuals(newer, source('0000000200', 'incoming/actuals/new.csv'));
    const data = await store().loadPlanData(range);

    // Assess
    expect(first).toMatchObject({ written: facts.length, skipped: 0 });
    expect(newerSummary).toMatchObject({ written: newer.length, skipped: 0 });
    expect(olderSummary).toMatchObject({ written: 0, skipped: facts.length });
    expect(replay).toMatchObject({ written: 0, skipped: newer.length });
    expect(await scanAll()).toEqual(before);
    expect(values(data.actuals)).toEqual(expected);
    // One roll-up per channel and month (and the milestones every query reads), and the commit
    // item of the newest upload, whose days the roll-ups still hold apart (folded at the next write).
    expect(data.itemsRead - data.milestones.length).toBe(3 * 3 + 1);
  });
});
