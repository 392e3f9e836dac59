import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/adapters/aws-clients.ts';
import { DynamoUploadLedger } from '../../../shared/adapters/dynamo-upload-ledger.ts';
import type { UploadRecord } from '../../../shared/ports/index.ts';

const TABLE = 'plan-monitor-test';
const ddbMock = mockClient(DynamoDBDocumentClient);
const doc = createAwsClients({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
}).doc;

/** DynamoDB's key limits (moto enforces them; dynalite does not). */
const PARTITION_KEY_BYTES = 2048;
const SORT_KEY_BYTES = 1024;

/** The longest key S3 allows: 1,024 bytes of UTF-8. */
const LONGEST_KEY = `incoming/actuals/${'数'.repeat(330)}${'x'.repeat(1024 - 17 - 990)}`;

const record: UploadRecord = {
  bucket: 'plan-monitor-uploads-123456789012-ap-east-1-prod', // 48 of S3's 63 bytes
  key: LONGEST_KEY,
  versionId: 'Vx0L8yQ2nGf.EXAMPLE.3sU9bqfdCkgj1lzYvU8p_hv8Kx',
  order: `${'0'.repeat(15)}#${'A'.repeat(32)}`,
  kind: 'actuals',
  status: 'processing',
  rows: 0,
  errors: 0,
  checksum: null,
  uploadedBy: null,
  startedAt: '2026-11-23T01:00:00.000Z',
  finishedAt: null,
  errorKey: null,
};

describe('DynamoUploadLedger with the longest S3 key', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(UpdateCommand).resolves({});
    ddbMock.on(PutCommand).resolves({});
  });

  it('keeps every key it writes within DynamoDB limits and the full key as an attribute', async () => {
    // Act
    await new DynamoUploadLedger({ doc, tableName: TABLE }).begin(record);
    await new DynamoUploadLedger({ doc, tableName: TABLE }).finish({ ...record, status: 'accepted' });

    // Assess
    expect(Buffer.byteLength(LONGEST_KEY)).toBe(1024);
    const keys = [
      ...ddbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key as { pk: string; sk: string }),
      ...ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item as { pk: string; sk: string }),
    ];
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      expect(Buffer.byteLength(key.pk)).toBeLessThanOrEqual(PARTITION_KEY_BYTES);
      expect(Buffer.byteLength(key.sk)).toBeLessThanOrEqual(SORT_KEY_BYTES);
    }
    const history = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(history.every((item) => item?.key === LONGEST_KEY && item?.bucket === record.bucket)).toBe(true);
  });

  it('gives two versions of one object two history items, and reads the names back from attributes', async () => {
    // Prepare
    const ledger = new DynamoUploadLedger({
      doc,
      tableName: TABLE,
      now: () => new Date('2026-11-23T02:00:00Z'),
    });
    await ledger.begin(record);
    await ledger.begin({ ...record, versionId: 'other-version' });
    const [first, second] = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    ddbMock.on(QueryCommand).resolves({ Items: [first!] });

    // Act
    const listed = await ledger.list(1);

    // Assess
    expect(first?.sk).not.toBe(second?.sk);
    expect(listed[0]).toMatchObject({ key: LONGEST_KEY, versionId: record.versionId });
  });
});
