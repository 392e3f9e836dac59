import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  inProcessJobQueue,
  localReportCommand,
  RecipientNotAllowedError,
  type ReportDeps,
  ReportSentError,
  RunInProgressError,
  runReportJob,
} from '../../../shared/app/run-report.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';
import type { Mailer, ReportJob, UploadRecord } from '../../../shared/ports/index.ts';
import { SPEC_AS_OF, specConfig, specData } from '../../fixtures/spec-example.ts';
import { MemoryMailLedger } from './fakes/memory-ports.ts';
import {
  emptyUploadLedger,
  MemoryObjectStore,
  MemoryRunLedger,
  RecordingMailer,
  RecordingReportLinks,
  staticFactStore,
} from './report-fakes.ts';

const ARCHIVE = 'archive-bucket';

function makeDeps(overrides: Partial<ReportDeps> = {}) {
  const runs = new MemoryRunLedger();
  const objects = new MemoryObjectStore();
  const mailer = new RecordingMailer();
  const mails = new MemoryMailLedger();
  let now = Date.parse('2026-11-23T01:00:05Z');
  const deps: ReportDeps = {
    config: specConfig,
    facts: staticFactStore(specData),
    objects,
    mailer,
    mails,
    runs,
    uploads: emptyUploadLedger,
    clock: { now: () => new Date(now) },
    archiveBucket: ARCHIVE,
    leaseSeconds: 900,
    ...overrides,
  };
  return { deps, runs, objects, mailer, mails, advance: (seconds: number) => (now += seconds * 1000) };
}

const allJob: ReportJob = { reportId: 'weekly-progress', asOf: SPEC_AS_OF, scopeKey: 'all', force: false };
const tmallJob: ReportJob = { ...allJob, scopeKey: 'channel=tmall' };

async function parseSent(mailer: RecordingMailer, index = 0) {
  const email = mailer.sent[index];
  if (!email) throw new Error(`no email #${index} was sent`);
  const mail = await simpleParser(Buffer.from(email.raw), { skipImageLinks: true });
  // Chart images travel as inline parts the HTML cites as cid:; `attachments` here are the files.
  return {
    ...mail,
    attachments: mail.attachments.filter((a) => !a.related),
    inline: mail.attachments.filter((a) => a.related),
  };
}

async function workbookText(buffer: Buffer | Uint8Array): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const texts: string[] = [];
  workbook.eachSheet((sheet) => {
    texts.push(sheet.name);
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        texts.push(String(cell.value));
      });
    });
  });
  return texts.join('\n');
}

describe('runReportJob', () => {
  let world: ReturnType<typeof makeDeps>;
  beforeEach(() => {
    world = makeDeps();
  });

  it('archives the workbook, emails it as an attachment and records the run as sent', async () => {
    const outcome = await runReportJob(world.deps, allJob);

    expect(outcome.status).toBe('sent');
    const record = world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`);
    expect(record).toMatchObject({ status: 'sent', attempt: 1, messageId: 'msg-1' });
    expect(record?.archiveKey).toMatch(/^reports\/weekly-progress\/2026-W47\/all\/.+\.r1\.xlsx$/);
    expect(world.objects.objects.has(`${ARCHIVE}/${record?.archiveKey}`)).toBe(true);

    const mail = await parseSent(world.mailer);
    expect(world.mailer.sent[0]?.to).toEqual(['ceo@example.com']);
    expect(mail.subject).toContain('2026-W47');
    expect(mail.subject).toMatch(/GMV MTD −5\.0%/);
    expect(mail.text).toBeTruthy();
    expect(mail.html).toBeTruthy();
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toMatch(/\.xlsx$/);
    expect(mail.inline.length).toBeGreaterThan(0);
    for (const image of mail.inline) {
      expect(image.contentType).toBe('image/png');
      expect(mail.html).toContain(`cid:${image.cid}`);
    }
  });

  it('sends no second email when the same job is delivered twice', async () => {
    await runReportJob(world.deps, allJob);
    const second = await runReportJob(world.deps, allJob);

    expect(second.status).toBe('duplicate');
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('sends again only when forced, into a new archive object', async () => {
    await runReportJob(world.deps, allJob);
    const resent = await runReportJob(world.deps, { ...allJob, force: true });

    expect(resent.status).toBe('sent');
    expect(world.mailer.sent).toHaveLength(2);
    const keys = [...world.objects.objects.keys()].filter((key) => key.includes('/all/'));
    expect(keys).toHaveLength(2);
  });

  it('records an SES failure as failed with the reason, throws for a retry, and sends once on the retry', async () => {
    world.mailer.failures = 1;

    await expect(runReportJob(world.deps, allJob)).rejects.toThrow(/SES throttled/);
    const failed = world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`);
    expect(failed).toMatchObject({ status: 'failed', messageId: null });
    expect(failed?.reason).toMatch(/SES throttled/);

    const retried = await runReportJob(world.deps, allJob);
    expect(retried.status).toBe('sent');
    expect(world.mailer.sent).toHaveLength(1);
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)).toMatchObject({
      status: 'sent',
      attempt: 2,
    });
  });

  it('records an S3 failure as failed and sends nothing', async () => {
    world.objects.failPuts = true;

    await expect(runReportJob(world.deps, allJob)).rejects.toThrow(/S3 is unavailable/);
    expect(world.mailer.sent).toHaveLength(0);
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)?.status).toBe('failed');
  });

  it('leaves a run another worker is still on alone, and takes over a crashed one after its lease', async () => {
    // A worker claimed the run and crashed before finishing: the record stays `started`.
    await world.runs.claim({
      reportId: 'weekly-progress',
      asOf: SPEC_AS_OF,
      scopeKey: 'all',
      now: new Date(world.deps.clock.now()).toISOString(),
      leaseSeconds: 900,
      force: false,
    });

    // While the lease lasts the delivery fails as retryable (the queue brings it back later)
    // instead of being acknowledged, which would leave a crashed run `started` for good.
    await expect(runReportJob(world.deps, allJob)).rejects.toThrow(RunInProgressError);
    await expect(runReportJob(world.deps, { ...allJob, force: true })).rejects.toThrow(RunInProgressError);
    expect(world.mailer.sent).toHaveLength(0);

    world.advance(901);
    const afterCrash = await runReportJob(world.deps, allJob);
    expect(afterCrash.status).toBe('sent');
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('never sends twice when the ledger cannot record a sent run: retries the write, then reports it as sent', async () => {
    const finish = world.runs.finish.bind(world.runs);
    let failures = 2;
    world.runs.finish = async (input) => {
      if (input.status === 'sent' && failures-- > 0) throw new Error('DynamoDB unavailable');
      return finish(input);
    };
    const outcome = await runReportJob(world.deps, allJob);
    expect(outcome.status).toBe('sent');
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)?.status).toBe('sent');

    // A ledger that never recovers: the mail is out, so the job throws ReportSentError (which
    // the handler does not retry) and nothing records the run as failed.
    const other = makeDeps();
    other.runs.finish = async (input) => {
      if (input.status === 'sent') throw new Error('DynamoDB unavailable');
      return MemoryRunLedger.prototype.finish.call(other.runs, input);
    };
    await expect(runReportJob(other.deps, allJob)).rejects.toThrow(ReportSentError);
    expect(other.mailer.sent).toHaveLength(1);
    expect(other.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)?.status).toBe('started');
  }, 20_000);

  it('computes a scoped run over its scope only: no other channel or total anywhere', async () => {
    const outcome = await runReportJob(world.deps, tmallJob);
    if (outcome.status !== 'sent') throw new Error(`expected sent, got ${outcome.status}`);

    const gmvMtd = outcome.model.table.find((row) => row.kpi === 'gmv' && row.range === 'MTD');
    expect(gmvMtd?.actual).toBeCloseTo(8_360_000, 2);
    expect(gmvMtd?.target).toBeCloseTo(8_800_000, 2);
    expect(JSON.stringify(outcome.model)).not.toMatch(/self_operated|Self-operated|自营/);

    const mail = await parseSent(world.mailer);
    expect(world.mailer.sent[0]?.to).toEqual(['tmall-lead@example.com']);
    const everything = `${mail.subject}\n${mail.text}\n${mail.html}\n${await workbookText(mail.attachments[0]!.content)}`;
    expect(everything).not.toMatch(/Self-operated|自营|12,540,000|12540000|20,900,000|20900000/);
    expect(everything).toMatch(/8,360,000|8360000/);
  });

  it('lists rejected uploads in the unscoped report only: a scoped recipient sees no file names', async () => {
    const rejectedUpload: UploadRecord = {
      bucket: 'uploads',
      key: 'incoming/actuals/self-operated-返利明细.csv',
      versionId: null,
      order: '1',
      kind: 'actuals',
      status: 'rejected',
      rows: 10,
      errors: 3,
      checksum: null,
      uploadedBy: null,
      startedAt: '2026-11-20T01:00:00Z',
      finishedAt: '2026-11-20T01:00:01Z',
      errorKey: null,
    };
    const withRejection = makeDeps({
      uploads: { ...emptyUploadLedger, rejectedSince: async () => [rejectedUpload] },
    });

    const all = await runReportJob(withRejection.deps, allJob);
    const tmall = await runReportJob(withRejection.deps, tmallJob);
    if (all.status !== 'sent' || tmall.status !== 'sent') throw new Error('expected both sent');

    expect(JSON.stringify(all.model)).toContain('self-operated-返利明细.csv');
    expect(JSON.stringify(tmall.model)).not.toContain('返利明细');
    expect(JSON.stringify(tmall.model)).not.toMatch(/items read/);
    const mail = await parseSent(withRejection.mailer, 1);
    const everything = `${mail.text}\n${mail.html}\n${await workbookText(mail.attachments[0]!.content)}`;
    expect(everything).not.toContain('返利明细');
  });

  describe('above the attachment size limit', () => {
    const config: PlanConfig = {
      ...specConfig,
      reports: specConfig.reports.map((report) => ({
        ...report,
        attachment: { maxBytes: 1024, linkDays: 30 },
      })),
    };

    it('links through ReportLinks when wired (AWS), stating the link’s own expiry and whom to ask after it', async () => {
      // Prepare
      const links = new RecordingReportLinks();
      const world = makeDeps({ config, links });

      // Act
      const outcome = await runReportJob(world.deps, allJob);

      // Assess
      const archiveKey = outcome.status === 'sent' ? outcome.record.archiveKey : null;
      expect(archiveKey).toMatch(/^reports\/weekly-progress\/2026-W47\/all\/.+\.r1\.xlsx$/);
      expect(links.linked).toEqual([{ bucket: ARCHIVE, key: archiveKey, seconds: 30 * 24 * 3600 }]);
      expect(world.objects.presigned).toEqual([]);
      const mail = await parseSent(world.mailer);
      expect(mail.attachments).toHaveLength(0);
      expect(mail.subject).toMatch(/^Weekly progress variance · 2026-W47 · /);
      for (const part of [String(mail.text), String(mail.html)]) {
        expect(part).toContain(`https://links.example/?t=${encodeURIComponent(archiveKey!)}`);
        // 2026-11-23T01:00:05Z + 30 days, in the report's zone (Asia/Shanghai)
        expect(part).toContain(
          'a fresh download each time you open it, until 2026-12-23 09:00 (Asia/Shanghai).',
        );
        expect(part).toContain(`After that, ask ${specConfig.contacts.operators} for the report.`);
        expect(part).not.toContain('plan-monitor report');
      }
    });

    it('falls back to a presigned URL without ReportLinks (local runtime), with its real expiry and the local command', async () => {
      // Prepare
      const world = makeDeps({ config });

      // Act
      await runReportJob(world.deps, tmallJob);

      // Assess
      expect(world.objects.presigned).toHaveLength(1);
      expect(world.objects.presigned[0]).toMatchObject({ bucket: ARCHIVE, seconds: 30 * 24 * 3600 });
      const mail = await parseSent(world.mailer);
      expect(mail.attachments).toHaveLength(0);
      const text = String(mail.text);
      expect(text).toContain(
        'https://archive-bucket.s3.example/reports/weekly-progress/2026-W47/channel=tmall/',
      );
      // The fake signs like S3 with static credentials: at most 7 days after 2026-11-23T12:00Z.
      expect(text).toContain('Link valid until 2026-11-30 20:00 (Asia/Shanghai).');
      expect(text).toContain(
        `npx plan-monitor report weekly-progress --as-of ${SPEC_AS_OF} --scope channel=tmall --out out`,
      );
      expect(text).not.toContain('--send');
    });

    it('attaches a workbook under the limit and links nothing', async () => {
      // Prepare
      const links = new RecordingReportLinks();
      const world = makeDeps({ links });

      // Act
      await runReportJob(world.deps, allJob);

      // Assess
      expect(links.linked).toEqual([]);
      expect((await parseSent(world.mailer)).attachments).toHaveLength(1);
    });
  });

  it('spells the local command so a shell reads it back as the same arguments', () => {
    expect(localReportCommand('weekly-progress', '2026-11-22')).toBe(
      'npx plan-monitor report weekly-progress --as-of 2026-11-22 --out out',
    );
    expect(
      localReportCommand('category-weekly', '2026-11-22', { category: 'pets', region: "O'Hare 1" }),
    ).toBe(
      "npx plan-monitor report category-weekly --as-of 2026-11-22 --scope category=pets --scope 'region=O'\\''Hare 1' --out out",
    );
  });

  it('refuses to send to an address outside the allowed domains, checked again just before sending', async () => {
    const config: PlanConfig = {
      ...specConfig,
      reports: specConfig.reports.map((report) => ({
        ...report,
        recipients: [{ email: 'ceo@exampel.com' }],
      })),
    };
    const typo = makeDeps({ config });

    await expect(runReportJob(typo.deps, allJob)).rejects.toBeInstanceOf(RecipientNotAllowedError);
    expect(typo.mailer.sent).toHaveLength(0);
    expect(typo.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)?.status).toBe('failed');
  });

  it('skips a run with no new data since the last sent one when the report says so', async () => {
    const config: PlanConfig = {
      ...specConfig,
      reports: specConfig.reports.map((report) => ({ ...report, whenNoNewData: 'skip' as const })),
    };
    const quiet = makeDeps({ config, facts: staticFactStore(specData, '2026-11-20T00:00:00.000Z') });
    await runReportJob(quiet.deps, allJob);
    quiet.advance(7 * 24 * 3600);

    const nextWeek = await runReportJob(quiet.deps, { ...allJob, asOf: '2026-11-29' });

    expect(nextWeek.status).toBe('skipped');
    expect(quiet.mailer.sent).toHaveLength(1);
    expect(quiet.runs.records.get('weekly-progress|2026-11-29|all')?.status).toBe('skipped');
  });

  it('sends a short note without a workbook when the report asks for one on no new data', async () => {
    const config: PlanConfig = {
      ...specConfig,
      reports: specConfig.reports.map((report) => ({ ...report, whenNoNewData: 'note' as const })),
    };
    const quiet = makeDeps({ config, facts: staticFactStore(specData, '2026-11-20T00:00:00.000Z') });
    await runReportJob(quiet.deps, allJob);
    quiet.advance(7 * 24 * 3600);

    const nextWeek = await runReportJob(quiet.deps, { ...allJob, asOf: '2026-11-29' });

    expect(nextWeek.status).toBe('skipped');
    expect(quiet.mailer.sent).toHaveLength(2);
    const note = await parseSent(quiet.mailer, 1);
    expect(note.subject).toBe('Weekly progress variance · 2026-11-29 · no new data');
    expect(note.text).toContain(`(last sent: ${SPEC_AS_OF})`);
    expect(note.attachments).toHaveLength(0);
    const record = quiet.runs.records.get('weekly-progress|2026-11-29|all');
    expect(record).toMatchObject({ status: 'skipped', archiveKey: null });
    expect(record?.messageId).toBe('msg-2');
    expect([...quiet.objects.objects.keys()].some((key) => key.includes('2026-W48'))).toBe(false);
  });
});

describe('runReportJob and the mail ledger', () => {
  const noteConfig = (whenNoNewData: 'note' | 'skip'): PlanConfig => ({
    ...specConfig,
    reports: specConfig.reports.map((report) => ({ ...report, whenNoNewData })),
  });

  it('re-running an earlier week after a later one was sent sends that week, not a "no new data" note', async () => {
    const world = makeDeps({
      config: noteConfig('note'),
      facts: staticFactStore(specData, '2026-11-20T00:00:00.000Z'),
    });
    await runReportJob(world.deps, allJob);
    world.advance(7 * 24 * 3600);
    await runReportJob(world.deps, { ...allJob, asOf: '2026-11-29' });
    world.advance(3600);

    const backfill = await runReportJob(world.deps, { ...allJob, asOf: '2026-11-15' });

    expect(backfill.status).toBe('sent');
    expect(world.mailer.sent).toHaveLength(3);
    const mail = await parseSent(world.mailer, 2);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.subject).not.toContain('no new data');
  });

  it('compares a backfilled week with the run sent before it, not with a later week', async () => {
    let lastWrite = '2026-11-20T00:00:00.000Z';
    const facts = { ...staticFactStore(specData), lastWriteAt: async () => lastWrite };
    const world = makeDeps({ config: noteConfig('note'), facts });
    await runReportJob(world.deps, { ...allJob, asOf: '2026-11-15' });
    world.advance(3600);
    lastWrite = new Date(world.deps.clock.now()).toISOString();
    world.advance(3600);
    expect((await runReportJob(world.deps, { ...allJob, asOf: '2026-11-29' })).status).toBe('sent');
    world.advance(3600);
    // Nothing arrived since 2026-11-29 was sent, but 2026-11-22 follows 2026-11-15: new to its readers.
    expect((await runReportJob(world.deps, allJob)).status).toBe('sent');
    world.advance(3600);
    // And a week after 2026-11-29 with nothing new still gets the note.
    expect((await runReportJob(world.deps, { ...allJob, asOf: '2026-12-06' })).status).toBe('skipped');
    expect((await parseSent(world.mailer, 3)).text).toContain('(last sent: 2026-11-29)');
    expect(world.mailer.sent).toHaveLength(4);
  });

  it('counts data committed while the last run was reading as new: compared with when it started, not finished', async () => {
    let lastWrite = '2026-11-20T00:00:00.000Z';
    const base = staticFactStore(specData);
    let world: ReturnType<typeof makeDeps> | undefined;
    const facts = {
      ...base,
      lastWriteAt: async () => lastWrite,
      loadPlanData: async (query: Parameters<typeof base.loadPlanData>[0]) => {
        const data = await base.loadPlanData(query);
        // An upload commits after this run read the store, before it finishes sending.
        world!.advance(60);
        lastWrite = new Date(world!.deps.clock.now()).toISOString();
        world!.advance(60);
        return data;
      },
    };
    world = makeDeps({ config: noteConfig('skip'), facts });
    await runReportJob(world.deps, allJob);
    world.advance(7 * 24 * 3600);

    const nextWeek = await runReportJob(world.deps, { ...allJob, asOf: '2026-11-29' });

    expect(nextWeek.status).toBe('sent');
  });

  it('sends the "no new data" note once when recording the skipped run fails and the job is retried', async () => {
    const world = makeDeps({
      config: noteConfig('note'),
      facts: staticFactStore(specData, '2026-11-20T00:00:00.000Z'),
    });
    await runReportJob(world.deps, allJob);
    world.advance(7 * 24 * 3600);
    const finish = world.runs.finish.bind(world.runs);
    let failures = 1;
    world.runs.finish = async (input) => {
      if (input.status === 'skipped' && failures-- > 0) throw new Error('DynamoDB unavailable');
      return finish(input);
    };
    const nextWeek = { ...allJob, asOf: '2026-11-29' };
    await expect(runReportJob(world.deps, nextWeek)).rejects.toThrow();
    world.advance(1000);
    const retried = await runReportJob(world.deps, nextWeek);
    expect(retried.status).toBe('skipped');
    expect(world.mailer.sent).toHaveLength(2);
  });

  it('sends a forced resend once per request, however often its job is delivered', async () => {
    const world = makeDeps();
    await runReportJob(world.deps, allJob);
    const forced: ReportJob = { ...allJob, force: true, requestId: 'req-1' };
    world.advance(60);
    expect((await runReportJob(world.deps, forced)).status).toBe('sent');
    world.advance(60);
    const duplicate = await runReportJob(world.deps, forced);
    expect(duplicate.status).toBe('duplicate');
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)).toMatchObject({
      status: 'sent',
      reason: 'already sent',
    });
    expect(world.mailer.sent).toHaveLength(2);
    world.advance(60);
    expect((await runReportJob(world.deps, { ...forced, requestId: 'req-2' })).status).toBe('sent');
    expect(world.mailer.sent).toHaveLength(3);
  });

  it('records a lost SES reply as sent in doubt and never mails again on a redelivery', async () => {
    const world = makeDeps();
    const lost: Mailer = {
      send: async (email) => {
        await world.mailer.send(email);
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      },
    };
    const deps = { ...world.deps, mailer: lost };
    const first = await runReportJob(deps, allJob);
    expect(first.status).toBe('duplicate');
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)).toMatchObject({ status: 'sent' });
    expect(world.runs.records.get(`weekly-progress|${SPEC_AS_OF}|all`)?.reason).toContain('in doubt');
    expect((await runReportJob(deps, allJob)).status).toBe('duplicate');
    expect(world.mailer.sent).toHaveLength(1);
  });
});

describe('inProcessJobQueue', () => {
  it('runs every job even when one fails, and reports the failure', async () => {
    const ran: string[] = [];
    const queue = inProcessJobQueue(async (job) => {
      ran.push(job.scopeKey);
      if (job.scopeKey === 'all') throw new Error('boom');
    });

    await queue.enqueue([allJob, tmallJob]);

    expect(ran).toEqual(['all', 'channel=tmall']);
    expect(queue.failures.map((failure) => failure.job.scopeKey)).toEqual(['all']);
  });
});
