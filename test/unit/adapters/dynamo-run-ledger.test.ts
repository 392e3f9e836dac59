import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { DynamoRunLedger, RunNotClaimedError } from '../../../shared/adapters/dynamo-run-ledger.ts';

const TABLE = 'plan-monitor-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const doc = createAwsClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
}).doc;
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

const claimInput = {
  reportId: 'weekly',
  asOf: '2026-11-22',
  scopeKey: 'all',
  now: '2026-11-23T01:00:00.000Z',
  leaseSeconds: 900,
  force: false,
};

describe('DynamoRunLedger.claim', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(PutCommand).resolves({});
  });

  it('claims with a conditional update that admits only absent, failed or lease-expired runs', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).resolves({
      Attributes: { ...claimInput, status: 'started', attempt: 1, startedAt: claimInput.now },
    });

    // Act
    const result = await new DynamoRunLedger({ doc, tableName: TABLE }).claim(claimInput);

    // Assess
    expect(result.claimed).toBe(true);
    expect(result.record).toMatchObject({ status: 'started', attempt: 1, finishedAt: null });
    const input = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR #st = :failed OR (#st = :started AND leaseUntil < :now)',
    );
    expect(input?.ExpressionAttributeValues?.[':lease']).toBe('2026-11-23T01:15:00.000Z');
    expect(input?.UpdateExpression).toContain('attempt = if_not_exists(attempt, :zero) + :one');
  });

  it('maps a lost condition to claimed: false with the stored record', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(conditionFailed());
    ddbMock.on(GetCommand).resolves({
      Item: { ...claimInput, status: 'sent', attempt: 1, startedAt: 'x', finishedAt: 'y', messageId: 'm-1' },
    });

    // Act
    const result = await new DynamoRunLedger({ doc, tableName: TABLE }).claim(claimInput);

    // Assess
    expect(result).toEqual({
      claimed: false,
      record: expect.objectContaining({ status: 'sent', messageId: 'm-1', attempt: 1 }),
    });
    expect(ddbMock.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('with force also admits a sent or skipped run, but not one another worker holds', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).resolves({ Attributes: { ...claimInput, status: 'started', attempt: 2 } });

    // Act
    await new DynamoRunLedger({ doc, tableName: TABLE }).claim({ ...claimInput, force: true });

    // Assess
    expect(ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(pk) OR #st <> :started OR leaseUntil < :now',
    );
  });

  it('propagates errors other than a lost condition', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerError' }));

    // Act
    const result = new DynamoRunLedger({ doc, tableName: TABLE }).claim(claimInput);

    // Assess
    await expect(result).rejects.toThrow('boom');
  });
});

describe('DynamoRunLedger.finish', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(PutCommand).resolves({});
  });

  it('finishes only as the attempt that holds the claim', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).resolves({});

    // Act
    await new DynamoRunLedger({ doc, tableName: TABLE }).finish({
      ...claimInput,
      attempt: 3,
      status: 'sent',
      messageId: 'm-9',
    });

    // Assess
    const input = ddbMock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#st = :started AND attempt = :attempt');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':attempt': 3, ':st': 'sent', ':mid': 'm-9' });
    // A sent run moves the scope's "last sent" pointer.
    // The sent run is indexed by asOf (for lastSent's onOrBefore) and the newest pointer moves.
    expect(ddbMock.commandCalls(PutCommand).map((call) => call.args[0].input.Item)).toEqual([
      expect.objectContaining({ pk: 'RUNSENT#weekly#all', sk: '2026-11-22' }),
      expect.objectContaining({ asOf: '2026-11-22' }),
    ]);
  });

  it('throws RunNotClaimedError when another attempt took the run over', async () => {
    // Prepare
    ddbMock.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const result = new DynamoRunLedger({ doc, tableName: TABLE }).finish({
      ...claimInput,
      attempt: 1,
      status: 'failed',
      reason: 'SES down',
    });

    // Assess
    await expect(result).rejects.toBeInstanceOf(RunNotClaimedError);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
