import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../shared/adapters/ses-mailer.ts';
import { ReportJobEnqueueError, SqsReportJobQueue } from '../../../shared/adapters/sqs-report-job-queue.ts';
import type { ReportJob } from '../../../shared/ports/index.ts';

const creds = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };

describe('SesMailer', () => {
  const sesMock = mockClient(SESv2Client);
  beforeEach(() => {
    sesMock.reset();
  });

  it('sends the raw MIME message with the configuration set and returns the message id', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-1' });
    const raw = new TextEncoder().encode('From: a@example.com\r\n\r\nhi');

    // Act
    const result = await new SesMailer({
      sesv2: new SESv2Client(creds),
      configurationSetName: 'tracking',
    }).send({
      from: 'a@example.com',
      to: ['b@example.com'],
      raw,
    });

    // Assess
    expect(result.messageId).toBe('msg-1');
    const input = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Content?.Raw?.Data).toEqual(raw);
    expect(input?.ConfigurationSetName).toBe('tracking');
    expect(input?.Destination?.ToAddresses).toEqual(['b@example.com']);
  });
});

describe('SqsReportJobQueue', () => {
  const sqsMock = mockClient(SQSClient);
  beforeEach(() => {
    sqsMock.reset();
  });
  const jobs: ReportJob[] = Array.from({ length: 23 }, (_, i) => ({
    reportId: 'weekly',
    asOf: '2026-11-22',
    scopeKey: `category=c${i}`,
    force: false,
  }));

  it('sends batches of at most 10 and retries the entries SQS failed', async () => {
    // Prepare
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Successful: [], Failed: [] });

    // Act
    await new SqsReportJobQueue({
      sqs: new SQSClient(creds),
      queueUrl: 'q',
      sleep: async () => {},
      concurrency: 1,
    }).enqueue(jobs);

    // Assess
    const entries = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.length)).toEqual([10, 1, 10, 3]);
    expect(JSON.parse(entries[1]?.[0]?.MessageBody ?? '{}')).toEqual(jobs[3]);
  });

  it('throws with the jobs it could not queue after the last attempt', async () => {
    // Prepare
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });

    // Act
    const result = new SqsReportJobQueue({
      sqs: new SQSClient(creds),
      queueUrl: 'q',
      sleep: async () => {},
      maxAttempts: 2,
    }).enqueue(jobs.slice(0, 1));

    // Assess
    await expect(result).rejects.toBeInstanceOf(ReportJobEnqueueError);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});
