/**
 * A report with hundreds of recipient scopes: the configuration accepts them, the dispatcher
 * queues one job per scope through SQS in full batches of 10 with a handful of calls, and
 * each job is then its own run-report invocation (the stack caps how many run at once).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { SqsReportJobQueue } from '../../../shared/adapters/sqs-report-job-queue.ts';
import { scheduleReport } from '../../../shared/app/schedule-report.ts';
import { defineConfig } from '../../../shared/config/define-config.ts';
import { specConfig } from '../../fixtures/spec-example.ts';

const SCOPES = 500;

function configWithScopes(count: number) {
  const stores = Array.from({ length: count }, (_, i) => ({
    id: `store_${String(i).padStart(3, '0')}`,
    name: { en: `Store ${i}`, zh: `门店${i}` },
  }));
  return defineConfig({
    ...specConfig,
    dimensions: [
      ...specConfig.dimensions,
      { id: 'store', name: { en: 'Store', zh: '门店' }, values: stores },
    ],
    reports: specConfig.reports.map((report) => ({
      ...report,
      recipients: [
        ...report.recipients,
        ...stores.map((store) => ({ email: `${store.id}@example.com`, scope: { store: store.id } })),
      ],
    })),
  } as Parameters<typeof defineConfig>[0]);
}

describe(`a report with ${SCOPES} recipient scopes`, () => {
  it('validates, and queues one job per scope in full SQS batches', async () => {
    const config = configWithScopes(SCOPES);
    const sqsMock = mockClient(SQSClient);
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const jobs = new SqsReportJobQueue({
      sqs: new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/jobs',
    });

    const result = await scheduleReport(
      { config, jobs },
      { reportId: 'weekly-progress', scheduledTime: '2026-11-23T01:00:00Z' },
    );

    // all + channel=tmall + 500 stores
    expect(result.jobs).toHaveLength(SCOPES + 2);
    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(Math.ceil((SCOPES + 2) / 10));
    const bodies = calls.flatMap((call) =>
      (call.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody!)),
    );
    expect(new Set(bodies.map((job) => job.scopeKey)).size).toBe(SCOPES + 2);
    expect(bodies.every((job) => job.asOf === result.asOf)).toBe(true);
    sqsMock.restore();
  });
});
