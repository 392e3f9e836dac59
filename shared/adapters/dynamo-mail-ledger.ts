/**
 * {@link MailLedger} over the single table: one item per email, keyed by the SHA-256 of the
 * email's id (ids hold S3 keys, which may be longer than a DynamoDB key). Every transition is
 * one conditional write, so two attempts of the same email can never both hand it to SES.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailLedger, MailMark } from '../ports/index.ts';
import { isConditionalCheckFailed } from './dynamo-batch.ts';
import { keys } from './table-design.ts';

export interface DynamoMailLedgerOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoMailLedger implements MailLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: DynamoMailLedgerOptions) {
    this.doc = options.doc;
    this.table = options.tableName;
  }

  private key(id: string) {
    return keys.mail(createHash('sha256').update(id).digest('hex'));
  }

  async reserve(id: string, now: string): Promise<{ claimed: true } | { claimed: false; mark: MailMark }> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(id),
          UpdateExpression:
            'SET #st = :sending, mailId = :id, markedAt = :now, attempts = if_not_exists(attempts, :zero) + :one REMOVE reason',
          // Only a new email, or one whose last attempt SES refused (nothing went out).
          ConditionExpression: 'attribute_not_exists(pk) OR #st = :failed',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':failed': 'failed',
            ':id': id,
            ':now': now,
            ':zero': 0,
            ':one': 1,
          },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: this.key(id), ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return {
      claimed: false,
      mark: {
        state: item.status === 'sent' ? 'sent' : 'sending',
        messageId: typeof item.messageId === 'string' ? item.messageId : null,
        at: String(item.markedAt ?? ''),
      },
    };
  }

  async markSent(id: string, messageId: string, now: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(id),
        UpdateExpression: 'SET #st = :sent, messageId = :mid, markedAt = :now',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':mid': messageId, ':now': now },
      }),
    );
  }

  async release(id: string, reason: string, now: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(id),
          UpdateExpression: 'SET #st = :failed, reason = :why, markedAt = :now',
          // Never undo a `sent`.
          ConditionExpression: '#st = :sending',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':sending': 'sending',
            ':why': reason.slice(0, 2_000),
            ':now': now,
          },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }
}
