/**
 * Creates the table and buckets on the local emulators (in AWS the CDK stack does this).
 */
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from './aws-clients.ts';
import { TABLE_SCHEMA } from './table-design.ts';

/** Creates the plan-monitor table (schema from table-design.ts); a no-op if it exists. */
export async function createTable(clients: AwsClients, tableName: string): Promise<void> {
  if (tableName.length < 3)
    throw new Error(`table name "${tableName}" is too short: DynamoDB needs 3–255 characters`);
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE_SCHEMA.partitionKey.name, AttributeType: TABLE_SCHEMA.partitionKey.type },
          { AttributeName: TABLE_SCHEMA.sortKey.name, AttributeType: TABLE_SCHEMA.sortKey.type },
        ],
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: TABLE_SCHEMA.billingMode,
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 50; i++) {
    const out = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** Creates the buckets (3–63 characters each); existing ones are left alone. */
export async function createBuckets(clients: AwsClients, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (name.length < 3 || name.length > 63) {
      throw new Error(`bucket name "${name}" must have 3–63 characters`);
    }
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
      continue;
    } catch {
      // absent: create it below
    }
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  }
}
