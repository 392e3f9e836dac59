import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesMailer, sesOutcome } from '../../../shared/adapters/ses-mailer.ts';
import { createSesv2Client } from '../../../shared/adapters/sesv2-client.ts';
import { ReportJobEnqueueError, SqsReportJobQueue } from '../../../shared/adapters/sqs-report-job-queue.ts';
import { MailRefusedError, type ReportJob } from '../../../shared/ports/index.ts';

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

describe('SesMailer and what SES answered', () => {
  const sesMock = mockClient(SESv2Client);
  beforeEach(() => {
    sesMock.reset();
  });
  const email = { from: 'a@example.com', to: ['b@example.com'], raw: new Uint8Array([1]) };
  const answer = (name: string, status: number) =>
    Object.assign(new Error(`${name} (simulated)`), { name, $metadata: { httpStatusCode: status } });

  it('reports an address SES refuses as a permanent refusal, without retrying', async () => {
    sesMock.on(SendEmailCommand).rejects(answer('MessageRejected', 400));
    const error = await new SesMailer({ sesv2: new SESv2Client(creds) }).send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailRefusedError);
    expect((error as MailRefusedError).permanent).toBe(true);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('retries throttling itself, then reports a refusal worth retrying later', async () => {
    sesMock.on(SendEmailCommand).rejects(answer('TooManyRequestsException', 429));
    const sleeps: number[] = [];
    const mailer = new SesMailer({
      sesv2: new SESv2Client(creds),
      throttledAttempts: 3,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const error = await mailer.send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailRefusedError);
    expect((error as MailRefusedError).permanent).toBe(false);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(sleeps).toEqual([400, 800]);
  });

  it('passes on an error without an SES answer (the outcome is unknown), and a 5xx too', async () => {
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    sesMock.on(SendEmailCommand).rejectsOnce(answer('InternalFailure', 500));
    const mailer = new SesMailer({ sesv2: new SESv2Client(creds) });
    const lost = await mailer.send(email).catch((e: unknown) => e);
    expect(lost).not.toBeInstanceOf(MailRefusedError);
    expect(sesOutcome(lost)).toEqual({ kind: 'unknown' });
    expect(sesOutcome(answer('InternalFailure', 500))).toEqual({ kind: 'unknown' });
  });

  it('makes one SDK attempt per send: an SDK retry after a lost reply could mail twice', async () => {
    expect(await createSesv2Client({ region: 'us-east-1' }).config.maxAttempts()).toBe(1);
  });
});
