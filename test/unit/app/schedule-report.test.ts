import { describe, expect, it } from 'vitest';
import { scheduleReport } from '../../../shared/app/schedule-report.ts';
import type { ReportJob } from '../../../shared/ports/index.ts';
import { SPEC_AS_OF, specConfig } from '../../fixtures/spec-example.ts';

describe('scheduleReport', () => {
  it('derives asOf from the scheduled time in the business time zone and queues one job per scope', async () => {
    const queued: ReportJob[] = [];
    // 2026-11-22T17:00Z is Monday 01:00 in Shanghai but still Sunday in UTC: the zone decides.
    const result = await scheduleReport(
      { config: specConfig, jobs: { enqueue: async (jobs) => void queued.push(...jobs) } },
      { reportId: 'weekly-progress', scheduledTime: '2026-11-22T17:00:00Z' },
    );

    expect(result.asOf).toBe('2026-11-22');
    expect(queued.map((job) => job.scopeKey).sort()).toEqual(['all', 'channel=tmall']);
    expect(queued.every((job) => job.asOf === '2026-11-22' && !job.force)).toBe(true);
  });

  it('maps a retried delivery of the same schedule firing to the same asOf', async () => {
    const deps = { config: specConfig, jobs: { enqueue: async () => {} } };
    const first = await scheduleReport(deps, {
      reportId: 'weekly-progress',
      scheduledTime: '2026-11-23T01:00:00Z',
    });
    const retried = await scheduleReport(deps, {
      reportId: 'weekly-progress',
      scheduledTime: '2026-11-23T01:00:00Z',
    });
    expect(retried.asOf).toBe(first.asOf);
  });

  it('queues only the requested scope of a manual resend and rejects an unknown scope by name', async () => {
    const queued: ReportJob[] = [];
    const deps = {
      config: specConfig,
      jobs: { enqueue: async (jobs: readonly ReportJob[]) => void queued.push(...jobs) },
    };
    await scheduleReport(
      deps,
      { reportId: 'weekly-progress', asOf: SPEC_AS_OF, scope: 'channel=tmall', force: true },
      () => 'lambda-request-1',
    );
    // A forced job names its request, so a duplicate delivery of it mails nothing more.
    expect(queued).toEqual([
      {
        reportId: 'weekly-progress',
        asOf: SPEC_AS_OF,
        scopeKey: 'channel=tmall',
        force: true,
        requestId: 'lambda-request-1',
      },
    ]);
    queued.length = 0;
    await scheduleReport(deps, {
      reportId: 'weekly-progress',
      asOf: SPEC_AS_OF,
      force: true,
      requestId: 'ops-42',
    });
    expect(queued.map((job) => job.requestId)).toEqual(['ops-42', 'ops-42']);

    await expect(
      scheduleReport(deps, { reportId: 'weekly-progress', asOf: SPEC_AS_OF, scope: 'channel=jd' }),
    ).rejects.toThrow(/no recipients with scope "channel=jd".*all, channel=tmall/);
  });

  it('rejects a malformed asOf with the format to use', async () => {
    const deps = { config: specConfig, jobs: { enqueue: async () => {} } };
    await expect(scheduleReport(deps, { reportId: 'weekly-progress', asOf: '22/11/2026' })).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });
});
