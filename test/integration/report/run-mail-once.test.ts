/**
 * Issue 11 point 6 and issue 14's skip rule for reports, on the emulators: a "no new data" note,
 * a forced resend and a report whose SES reply was lost are each mailed once however often the
 * job is delivered; a backfilled week is compared with the run sent before it, not a later one.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunReportHandler } from '../../../functions/run-report/handler.ts';
import { reportDeps } from '../../../functions/shared/report-deps.ts';
import { SesMailer } from '../../../shared/adapters/index.ts';
import { type ReportDeps, runReportJob } from '../../../shared/app/run-report.ts';
import { silentLogger } from '../../../shared/app/schedule-report.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import type { ReportJob, UploadSource } from '../../../shared/ports/index.ts';
import { specConfig, specData } from '../../fixtures/spec-example.ts';
import { startTestEmulators, type TestEmulators } from '../../support/emulators.ts';
import { faultySes } from '../../support/faulty-ses.ts';

const config: PlanConfig = {
  ...specConfig,
  reports: specConfig.reports.map((report) => ({ ...report, whenNoNewData: 'note' as const })),
};
const job = (asOf: string, extra: Partial<ReportJob> = {}): ReportJob => ({
  reportId: 'weekly-progress',
  asOf,
  scopeKey: 'all',
  force: false,
  ...extra,
});
const sqs = (...jobs: ReportJob[]): SQSEvent => ({
  Records: jobs.map(
    (j, i) => ({ messageId: `m-${i}`, body: JSON.stringify(j) }) as SQSEvent['Records'][number],
  ),
});

describe('report emails once, on the emulators', () => {
  let emulators: TestEmulators;
  let deps: ReportDeps;
  let now = Date.now() + 3_600_000;
  const clock = { now: () => new Date(now) };
  const advance = (seconds: number) => {
    now += seconds * 1000;
  };

  beforeAll(async () => {
    emulators = await startTestEmulators();
    deps = reportDeps({
      clients: emulators.clients,
      tableName: emulators.tableName,
      archiveBucket: emulators.buckets.archive,
      config,
      logger: silentLogger,
      clock,
      leaseSeconds: 1,
    });
    const source: UploadSource = {
      bucket: emulators.buckets.uploads,
      key: 'incoming/actuals/spec.csv',
      versionId: null,
      order: '00000001795000000000#0001',
      uploadedBy: null,
    };
    await deps.facts.putTargets(specData.targets, { ...source, key: 'incoming/targets/spec.csv' });
    await deps.facts.putActuals(specData.actuals, source);
    await deps.facts.putMilestones(specData.milestones, { ...source, key: 'incoming/milestones/spec.csv' });
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  const mailsFor = async (asOf: string) =>
    (await emulators.sentEmails()).filter(
      (email) => email.destination.to.includes('ceo@example.com') && email.subject.includes(asOf),
    );
  const all = async () =>
    (await emulators.sentEmails()).filter((email) => email.destination.to.includes('ceo@example.com'));

  it('sends a backfilled earlier week in full, though a later week was sent since and nothing arrived', async () => {
    expect((await runReportJob(deps, job('2026-11-22'))).status).toBe('sent');
    advance(3600);
    const later = await runReportJob(deps, job('2026-11-29'));
    expect(later.status).toBe('skipped');
    advance(3600);
    const backfill = await runReportJob(deps, job('2026-11-15'));
    expect(backfill.status).toBe('sent');
    const mails = await all();
    const last = mails.at(-1)!;
    expect(last.subject).not.toContain('no new data');
    // The workbook is the one file; the chart images travel as inline parts beside it.
    expect(last.attachments.filter((a) => a.contentType !== 'image/png')).toHaveLength(1);
  });

  it('mails the "no new data" note once when the ledger fails after SES accepted it', async () => {
    advance(3600);
    const finish = deps.runs.finish.bind(deps.runs);
    let failures = 1;
    const runs = Object.create(deps.runs) as ReportDeps['runs'];
    runs.finish = async (input) => {
      if (input.status === 'skipped' && failures-- > 0) throw new Error('DynamoDB unavailable (injected)');
      return finish(input);
    };
    const before = (await all()).length;
    const handler = createRunReportHandler({ ...deps, runs });
    const first = await handler(sqs(job('2026-12-06')));
    // The note went out: the message is not retried (the alarm counts it instead)...
    expect(first.batchItemFailures).toEqual([]);
    advance(5);
    // ...and a redelivery anyway (at-least-once SQS) mails nothing more.
    const again = await runReportJob({ ...deps, runs }, job('2026-12-06'));
    expect(again.status).toBe('skipped');
    expect((await all()).length).toBe(before + 1);
    expect((await all()).at(-1)!.subject).toContain('no new data');
  });

  it('sends a forced resend once per request id, however often its job arrives', async () => {
    advance(3600);
    const handler = createRunReportHandler(deps);
    const before = (await mailsFor('2026-W47')).length;
    const forced = job('2026-11-22', { force: true, requestId: 'resend-1' });
    expect((await handler(sqs(forced))).batchItemFailures).toEqual([]);
    advance(5);
    expect((await handler(sqs(forced))).batchItemFailures).toEqual([]);
    expect((await mailsFor('2026-W47')).length).toBe(before + 1);
    advance(5);
    await handler(sqs({ ...forced, requestId: 'resend-2' }));
    expect((await mailsFor('2026-W47')).length).toBe(before + 2);
  });

  it('records a report whose SES reply was lost as sent in doubt, and never mails it again', async () => {
    advance(3600);
    const ses = faultySes(emulators.clients.sesv2, new Map([[1, 'lose-reply']]));
    const lossy = { ...deps, mailer: new SesMailer({ sesv2: ses.client }) };
    const forced = job('2026-11-22', { force: true, requestId: 'resend-lost' });
    const before = (await mailsFor('2026-W47')).length;
    const first = await runReportJob(lossy, forced);
    expect(first.status).toBe('duplicate');
    expect(first.record.reason).toContain('in doubt');
    advance(5);
    expect((await runReportJob(lossy, forced)).status).toBe('duplicate');
    expect(ses.calls()).toBe(1);
    expect((await mailsFor('2026-W47')).length).toBe(before + 1);
  });
});
