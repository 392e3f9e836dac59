import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createRunReportHandler } from '../../../functions/run-report/handler.ts';
import type { ReportDeps } from '../../../shared/app/run-report.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';
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
});
