import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { Retrier } from '../../../shared/adapters/dynamo-batch.ts';
import { GrainRegistry, grainKey } from '../../../shared/adapters/grain-registry.ts';
import { KpiStamps } from '../../../shared/adapters/kpi-stamps.ts';
import { keys } from '../../../shared/adapters/table-design.ts';
import { UploadCommits, uploadIdOf } from '../../../shared/adapters/upload-commits.ts';
import type { GrainClaim, UploadSource } from '../../../shared/ports/index.ts';

const TABLE = 'plan-monitor-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const doc = createAwsClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
}).doc;
const retrier = new Retrier({ sleep: async () => {} });

const claim: GrainClaim = {
  version: 'budget',
  kpi: 'gmv',
  dims: { channel: 'tmall' },
  fiscalYear: 'FY2026',
  yearStart: '2026-01-01',
  yearEnd: '2026-12-31',
  grain: 'day',
};
const source = (order: string, key = 'incoming/targets/daily.csv'): UploadSource => ({
  bucket: 'uploads',
  key,
  versionId: null,
  order,
  uploadedBy: null,
});

/** Serves `items` (by pk and sk) to every BatchGetItem. */
function stored(items: Record<string, unknown>[]) {
  ddbMock.on(BatchGetCommand).callsFake((input: BatchGetCommand['input']) => {
    const wanted = (input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
    return {
      Responses: { [TABLE]: items.filter((i) => wanted.some((k) => k.pk === i.pk && k.sk === i.sk)) },
    };
  });
}

const committed = (uploadId: string) => ({
  ...keys.commit(uploadId),
  committedAt: '2026-11-20T00:00:00.000Z',
});

describe('GrainRegistry.claim', () => {
  const registry = () => new GrainRegistry(doc, TABLE, retrier, new UploadCommits(doc, TABLE, retrier));
  const holder = (u: string, grain: string, key: string) => ({
    ...grainKey(claim),
    grain,
    u,
    bucket: 'uploads',
    key,
    versionId: 'v1',
  });

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
  });

  it('refuses a series another object holds, committed, in another grain, and writes no claim', async () => {
    const monthly = uploadIdOf(source('0001', 'incoming/targets/plan.csv'));
    stored([holder(monthly, 'month', 'incoming/targets/plan.csv'), committed(monthly)]);

    const out = await registry().claim([claim], source('0002'), uploadIdOf(source('0002')), { requests: 0 });

    expect(out.conflicts).toEqual([
      {
        claim,
        held: { grain: 'month', bucket: 'uploads', key: 'incoming/targets/plan.csv', versionId: 'v1' },
      },
    ]);
    expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('lets a newer version of the holding object switch the grain', async () => {
    const monthly = uploadIdOf(source('0001', 'incoming/targets/plan.csv'));
    stored([holder(monthly, 'month', 'incoming/targets/plan.csv'), committed(monthly)]);
    const newer = source('0002', 'incoming/targets/plan.csv');

    const out = await registry().claim([claim], newer, uploadIdOf(newer), { requests: 0 });

    expect(out).toEqual({ conflicts: [], switches: [{ claim, from: 'month' }] });
    const written = ddbMock.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE];
    expect(written?.[0]?.PutRequest?.Item).toMatchObject({ grain: 'day', switchedFrom: 'month' });
  });

  it('takes over a claim whose upload never committed', async () => {
    stored([holder('crashed-upload', 'month', 'incoming/targets/other.csv')]);

    const out = await registry().claim([claim], source('0002'), uploadIdOf(source('0002')), { requests: 0 });

    expect(out).toEqual({ conflicts: [], switches: [] });
    const written = ddbMock.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE];
    expect(written?.[0]?.PutRequest?.Item).toMatchObject({ grain: 'day', u: uploadIdOf(source('0002')) });
  });
});

describe('KpiStamps.latest', () => {
  beforeEach(() => ddbMock.reset());

  it('counts a committed upload still marked pending by its commit time, and ignores an uncommitted one', async () => {
    stored([
      {
        ...keys.lastWrite('gmv'),
        writtenAt: '2026-11-01T00:00:00.000Z',
        pendingUploads: new Set(['a', 'b']),
      },
      committed('a'),
    ]);
    const commits = new UploadCommits(doc, TABLE, retrier);

    const latest = await new KpiStamps(doc, TABLE, retrier, commits).latest(['gmv']);

    expect(latest).toBe('2026-11-20T00:00:00.000Z');
  });
});
