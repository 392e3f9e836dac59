import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  formatCurrency,
  formatVariancePct,
  labels,
  MINUS,
  statusWord,
} from '../../../../shared/report/i18n.ts';
import { emailSubject, renderEmail } from '../../../../shared/report/render/email.ts';
import {
  renderWorkbook,
  workbookFileName,
  XLSX_CONTENT_TYPE,
} from '../../../../shared/report/render/excel.ts';
import { composeMime } from '../../../../shared/report/render/mime.ts';
import type { ReportModel } from '../../../../shared/report/report-model.ts';
import { reportModelEn, reportModelZh, scopedModel } from '../../../fixtures/report-model.ts';

const FROM = 'Plan Monitor <reports@example.com>';
const TO = ['ops-lead@example.com', 'ceo@example.com'];

async function parsedMail(model: ReportModel, withAttachment: boolean) {
  const workbook = await renderWorkbook(model);
  const filename = workbookFileName(model);
  const rendered = renderEmail(model, withAttachment ? { attachment: { filename, content: workbook } } : {});
  const raw = await composeMime({
    from: FROM,
    to: TO,
    replyTo: 'fpa@example.com',
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    attachments: withAttachment ? [{ filename, content: workbook }] : [],
  });
  return { rendered, workbook, filename, mail: await simpleParser(raw) };
}

describe('renderEmail subject', () => {
  it('names the report, the period and the headline with a real minus sign', () => {
    expect(emailSubject(reportModelZh)).toBe('每周进度偏差分析 · 2026-W47 · GMV MTD −5.0%');
    expect(emailSubject(reportModelEn)).toBe('Weekly progress variance · 2026-W47 · GMV MTD −5.0%');
    expect(emailSubject(reportModelZh)).toContain(MINUS);
  });

  it('names the scope of a scoped report', () => {
    expect(emailSubject(scopedModel('zh'))).toContain('品类 = 宠物');
    expect(emailSubject(scopedModel('en'))).toContain('category = pets');
  });

  it('treats a scope without dimension values as the whole company', () => {
    const all = { ...reportModelZh, scope: { dims: {}, label: { en: 'All', zh: '全部' }, key: 'all' } };
    expect(emailSubject(all)).toBe(emailSubject(reportModelZh));
    expect(renderEmail(all).text).not.toContain(labels('zh').text.scoped);
  });

  it('falls back to the scorecard when the report has no headline', () => {
    const subject = emailSubject({ ...reportModelEn, headline: null });
    expect(subject).toBe('Weekly progress variance · 2026-W47 · Scorecard 92.9%');
  });
});

describe('composeMime + renderEmail', () => {
  it('produces a message with subject, HTML and text parts and the workbook attached', async () => {
    const { mail, workbook, filename, rendered } = await parsedMail(reportModelZh, true);
    expect(mail.subject).toBe(rendered.subject);
    expect(mail.from?.text).toContain('reports@example.com');
    expect(
      (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value ?? []).map((a) => a.address),
    ).toEqual(TO);
    expect(mail.replyTo?.text).toContain('fpa@example.com');
    expect(mail.attachments).toHaveLength(1);
    const attachment = mail.attachments[0]!;
    expect(attachment.filename).toBe(filename);
    expect(attachment.contentType).toBe(XLSX_CONTENT_TYPE);
    expect(attachment.size).toBe(workbook.byteLength);
    expect(attachment.content.equals(workbook)).toBe(true);

    const html = String(mail.html);
    const text = String(mail.text);
    const gmv = reportModelZh.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')!;
    for (const part of [html, text]) {
      expect(part).toContain(reportModelZh.report.name.zh);
      expect(part).toContain(formatCurrency(gmv.actual));
      expect(part).toContain(formatVariancePct(gmv.variancePct));
      expect(part).toContain(statusWord('at_risk', 'zh'));
      expect(part).toContain(statusWord('off_track', 'zh'));
      expect(part).toContain(labels('zh').text.largestUnfavourable);
      expect(part).toContain(labels('zh').text.workbookAttached);
      expect(part).toContain(filename);
    }
  });

  it('lists the overdue milestone, the stale KPI and the rejected upload', () => {
    const { html, text } = renderEmail(reportModelEn, {});
    const overdue = reportModelEn.milestones.items.find((m) => m.state === 'overdue')!;
    const done = reportModelEn.milestones.items.find((m) => m.state === 'done')!;
    const stale = reportModelEn.dataQuality.kpis.find((k) => k.stale)!;
    for (const part of [html, text]) {
      expect(part).toContain(overdue.title);
      expect(part).toContain(`Days overdue ${overdue.daysOverdue}`);
      expect(part).not.toContain(done.title);
      expect(part).toContain(`stale, data only through ${stale.dataThrough}`);
      expect(part).toContain(reportModelEn.dataQuality.notes[0]);
    }
  });

  it('orders the largest unfavourable variances worst first, one line per KPI', () => {
    const { text } = renderEmail(reportModelEn, {});
    const section = text
      .split('Largest unfavourable variances')[1]!
      .split('Overdue and at-risk milestones')[0]!;
    const lines = section.split('\n').filter((l) => l.startsWith('- '));
    const kpiNames = lines.map((l) => l.slice(2).split(' · ')[0]);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines[0]).toContain('Marketing spend');
    // Marketing spend is over budget in total and in every channel: it still takes one line.
    expect(new Set(kpiNames).size).toBe(kpiNames.length);
  });

  it('is self-contained HTML: inline styles, tables, no external CSS, scripts or images', () => {
    const { html } = renderEmail(reportModelZh, {});
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('max-width:640px');
    expect(html).not.toMatch(/<link|<style|<script|<img|url\(/i);
    expect(html).not.toMatch(/class=/);
  });

  it('escapes text from uploads', () => {
    const model: ReportModel = {
      ...reportModelEn,
      milestones: {
        ...reportModelEn.milestones,
        items: reportModelEn.milestones.items.map((m) =>
          m.state === 'overdue' ? { ...m, title: '<script>alert(1)</script> & "x"' } : m,
        ),
      },
    };
    const { html, text } = renderEmail(model, {});
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(text).toContain('<script>alert(1)</script> & "x"');
  });
});

describe('link instead of attachment', () => {
  const reusable = {
    kind: 'reusable' as const,
    url: 'https://abc123.lambda-url.ap-southeast-1.on.aws/?t=eyJ2IjoxLCJrIjoicmVwb3J0cy94In0.bWFj',
    expiresAt: '2026-12-23T01:00:05.000Z',
    contact: 'ops@example.com',
  };
  const presigned = {
    kind: 'presigned' as const,
    url: 'https://reports.s3.amazonaws.com/reports/weekly-progress/2026-W47/all/x.xlsx?X-Amz-Signature=abc&X-Amz-Expires=604800',
    expiresAt: '2026-11-23T13:00:00.000Z',
    command: 'npx plan-monitor report weekly-progress --as-of 2026-11-22 --out out',
  };

  async function mailWith(model: ReportModel, link: typeof reusable | typeof presigned) {
    const rendered = renderEmail(model, { link });
    const raw = await composeMime({ from: FROM, to: TO, ...rendered, attachments: [] });
    return { rendered, mail: await simpleParser(raw) };
  }

  it('says a reusable link gives a fresh download until its expiry, in the report time zone, and whom to ask after', async () => {
    const { rendered, mail } = await mailWith(reportModelEn, reusable);
    expect(mail.subject).toBe('Weekly progress variance · 2026-W47 · GMV MTD −5.0%');
    expect(mail.subject).toBe(rendered.subject);
    expect(mail.attachments).toHaveLength(0);
    const html = String(mail.html);
    const text = String(mail.text);
    expect(html).toContain(`href="${reusable.url}"`);
    expect(text).toContain(reusable.url);
    for (const part of [html, text]) {
      expect(part).toContain(
        'The link gives a fresh download each time you open it, until 2026-12-23 09:00 (Asia/Shanghai).',
      );
      expect(part).toContain('After that, ask ops@example.com for the report.');
      expect(part).not.toContain('plan-monitor');
      expect(part).not.toContain(labels('en').text.workbookAttached);
    }
  });

  it('writes the reusable link in Chinese for a Chinese report', async () => {
    const { mail } = await mailWith(reportModelZh, reusable);
    expect(mail.subject).toBe('每周进度偏差分析 · 2026-W47 · GMV MTD −5.0%');
    for (const part of [String(mail.html), String(mail.text)]) {
      expect(part).toContain('每次打开此链接都会生成新的下载，有效期至 2026-12-23 09:00 (Asia/Shanghai)。');
      expect(part).toContain('过期后请联系 ops@example.com 获取报表。');
    }
  });

  it('states a presigned link’s true expiry and the command that writes the workbook locally', async () => {
    const { mail } = await mailWith(reportModelEn, presigned);
    expect(mail.attachments).toHaveLength(0);
    const html = String(mail.html);
    const text = String(mail.text);
    expect(html).toContain(`href="${presigned.url.replace(/&/g, '&amp;')}"`);
    expect(text).toContain(presigned.url);
    for (const part of [html, text]) {
      expect(part).toContain('Link valid until 2026-11-23 21:00 (Asia/Shanghai).');
      expect(part).toContain('To write this workbook locally, run:');
      expect(part).toContain(presigned.command);
      expect(part).not.toContain('--send');
      expect(part).not.toContain('fresh download');
    }
  });

  it('writes the presigned link’s expiry and command in Chinese for a Chinese report', async () => {
    const { mail } = await mailWith(reportModelZh, presigned);
    const text = String(mail.text);
    expect(text).toContain('链接有效期至 2026-11-23 21:00 (Asia/Shanghai)。');
    expect(text).toContain(`在本地生成此报表，请运行： ${presigned.command}`);
  });
});

describe('scoped email', () => {
  it('says the scope and shows none of the company-wide figures', () => {
    const scoped = scopedModel('zh');
    const { html, text } = renderEmail(scoped, {});
    const companyGmv = reportModelZh.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')!;
    const scopedGmv = scoped.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')!;
    for (const part of [html, text]) {
      expect(part).toContain('品类 = 宠物');
      expect(part).toContain(formatCurrency(scopedGmv.actual));
      expect(part).not.toContain(formatCurrency(companyGmv.actual));
      expect(part).not.toContain(formatCurrency(companyGmv.target));
    }
  });
});

describe('no-new-data note', () => {
  it('sends a short note without the KPI table', () => {
    const { subject, html, text } = renderEmail(reportModelEn, { noNewDataNote: true });
    expect(subject).toBe('Weekly progress variance · 2026-W47 · no new data');
    for (const part of [html, text]) {
      expect(part).toContain(labels('en').text.noNewData);
      expect(part).not.toContain(labels('en').text.topKpis);
    }
  });
});
