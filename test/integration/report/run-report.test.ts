import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunReportHandler } from '../../../functions/run-report/handler.ts';
import { createScheduleReportHandler } from '../../../functions/schedule-report/handler.ts';
import { reportDeps } from '../../../functions/shared/report-deps.ts';
import { inProcessJobQueue, type ReportDeps } from '../../../shared/app/run-report.ts';
import { silentLogger } from '../../../shared/app/schedule-report.ts';
import type { ReportJob, UploadSource } from '../../../shared/ports/index.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';

/** Delivers jobs to the run-report handler as SQS would: one message per job. */
function sqsEventOf(jobs: readonly ReportJob[]): SQSEvent {
  return {
    Records: jobs.map((job, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify(job),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:report-jobs',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('scheduled report on the emulators', () => {
  let emulators: TestEmulators;
  let deps: ReportDeps;
  const failures: { batchItemFailures: { itemIdentifier: string }[] }[] = [];

  async function fire(scheduledTime: string) {
    const runReport = createRunReportHandler(deps);
    const queue = inProcessJobQueue(async (job) => {
      const result = await runReport(sqsEventOf([job]));
      failures.push(result);
    });
    const schedule = createScheduleReportHandler({ config: specConfig, jobs: queue, logger: silentLogger });
    return schedule({ reportId: 'weekly-progress', scheduledTime });
  }

  beforeAll(async () => {
    emulators = await startTestEmulators();
    deps = reportDeps({
      clients: emulators.clients,
      tableName: emulators.tableName,
      archiveBucket: emulators.buckets.archive,
      config: specConfig,
      logger: silentLogger,
    });
    const source: UploadSource = {
      bucket: emulators.buckets.uploads,
      key: 'incoming/actuals/spec.csv',
      versionId: null,
      order: '00000001795000000000#0001',
      uploadedBy: 'analyst@example.com',
    };
    await deps.facts.putTargets(specData.targets, { ...source, key: 'incoming/targets/spec.csv' });
    await deps.facts.putActuals(specData.actuals, source);
    await deps.facts.putMilestones(specData.milestones, { ...source, key: 'incoming/milestones/spec.csv' });
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('archives a workbook per scope in S3, emails it through SES and records the runs as sent', async () => {
    // Monday 09:00 in Shanghai: the run reports on the week that ended on Sunday 22 Nov.
    const result = await fire('2026-11-23T01:00:00Z');

    expect(result).toEqual({
      reportId: 'weekly-progress',
      asOf: SPEC_AS_OF,
      scopes: ['all', 'channel=tmall'],
    });
    expect(failures.flatMap((f) => f.batchItemFailures)).toEqual([]);

    const listed = await emulators.clients.s3.send(
      new ListObjectsV2Command({
        Bucket: emulators.buckets.archive,
        Prefix: 'reports/weekly-progress/2026-W47/',
      }),
    );
    const keys = (listed.Contents ?? []).map((object) => object.Key).sort();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^reports\/weekly-progress\/2026-W47\/all\/.+\.xlsx$/);
    expect(keys[1]).toMatch(/^reports\/weekly-progress\/2026-W47\/channel=tmall\/.+\.xlsx$/);

    const emails = await emulators.sentEmails();
    expect(emails).toHaveLength(2);
    const toCeo = emails.find((email) => email.destination.to.includes('ceo@example.com'));
    expect(toCeo?.subject).toMatch(/2026-W47.*GMV MTD −5\.0%/);
    const files = toCeo?.attachments.filter((a) => a.contentType !== 'image/png') ?? [];
    expect(files.map((a) => a.filename)).toEqual([expect.stringMatching(/\.xlsx$/)]);
    // The charts arrive as PNG parts (inline, cited by the HTML as cid:).
    const images = toCeo?.attachments.filter((a) => a.contentType === 'image/png') ?? [];
    expect(images.map((a) => a.filename).sort()).toEqual(['attribution.png', 'trend.png']);

    const runs = await deps.runs.list('weekly-progress');
    expect(runs.map((run) => [run.scopeKey, run.status]).sort()).toEqual([
      ['all', 'sent'],
      ['channel=tmall', 'sent'],
    ]);
    expect(runs.every((run) => run.messageId && run.archiveKey)).toBe(true);
  });

  it('sends no second email when the scheduler delivers the same firing again', async () => {
    const before = (await emulators.sentEmails()).length;

    await fire('2026-11-23T01:00:00Z');

    expect((await emulators.sentEmails()).length).toBe(before);
    expect(failures.flatMap((f) => f.batchItemFailures)).toEqual([]);
  });
});
