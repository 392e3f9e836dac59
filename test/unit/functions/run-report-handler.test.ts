import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createRunReportHandler } from '../../../functions/run-report/handler.ts';
import type { ReportDeps } from '../../../shared/app/run-report.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';
import { MemoryMailLedger } from '../app/fakes/memory-ports.ts';
import {
  emptyUploadLedger,
  MemoryObjectStore,
  MemoryRunLedger,
  RecordingMailer,
  staticFactStore,
} from '../app/report-fakes.ts';

function deps(mailer: RecordingMailer): ReportDeps {
  return {
    config: specConfig,
    facts: staticFactStore(specData),
    objects: new MemoryObjectStore(),
    mailer,
    mails: new MemoryMailLedger(),
    runs: new MemoryRunLedger(),
    uploads: emptyUploadLedger,
    clock: { now: () => new Date('2026-11-23T01:00:05Z') },
    archiveBucket: 'archive',
  };
}

function eventOf(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({ messageId: `m${i}`, body }) as SQSEvent['Records'][number]),
  };
}

describe('run-report handler', () => {
  it('fails only the message whose job failed, and reports each failure for the alarm metric', async () => {
    const mailer = new RecordingMailer();
    mailer.failures = 1; // the first send fails, the second succeeds
    const failed: string[] = [];
    const handle = createRunReportHandler(deps(mailer), { onRunFailed: (body) => failed.push(body) });
    const all = JSON.stringify({ reportId: 'weekly-progress', asOf: SPEC_AS_OF, scopeKey: 'all' });
    const tmall = JSON.stringify({
      reportId: 'weekly-progress',
      asOf: SPEC_AS_OF,
      scopeKey: 'channel=tmall',
    });

    const result = await handle(eventOf(all, tmall));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(failed).toEqual([all]);
    expect(mailer.sent.map((email) => email.to)).toEqual([['tmall-lead@example.com']]);
  });

  it('fails a malformed message instead of dropping it silently', async () => {
    const handle = createRunReportHandler(deps(new RecordingMailer()));

    const result = await handle(eventOf('{"reportId":"weekly-progress"}', 'not json'));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
  });

  it('puts a job back on the queue, without an alarm, while another delivery holds the run', async () => {
    const mailer = new RecordingMailer();
    const d = deps(mailer);
    const job = { reportId: 'weekly-progress', asOf: SPEC_AS_OF, scopeKey: 'all' };
    await d.runs.claim({ ...job, now: '2026-11-23T01:00:00Z', leaseSeconds: 900, force: false });
    const failed: string[] = [];
    const handle = createRunReportHandler(d, { onRunFailed: (body) => failed.push(body) });

    const result = await handle(eventOf(JSON.stringify(job)));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(failed).toEqual([]);
    expect(mailer.sent).toHaveLength(0);
  });

  it('does not retry a job whose email went out but could not be recorded, and raises the alarm', async () => {
    const mailer = new RecordingMailer();
    const d = deps(mailer);
    const runs = d.runs as MemoryRunLedger;
    const finish = runs.finish.bind(runs);
    runs.finish = async (input) => {
      if (input.status === 'sent') throw new Error('DynamoDB unavailable');
      return finish(input);
    };
    const failed: string[] = [];
    const handle = createRunReportHandler(d, { onRunFailed: (body) => failed.push(body) });
    const body = JSON.stringify({ reportId: 'weekly-progress', asOf: SPEC_AS_OF, scopeKey: 'all' });

    const result = await handle(eventOf(body));

    expect(result.batchItemFailures).toEqual([]);
    expect(failed).toEqual([body]);
    expect(mailer.sent).toHaveLength(1);
  }, 20_000);
});
