import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  formatCompact,
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
      // Money in 万/亿 in a Chinese report: ¥2,090.0万.
      expect(part).toContain(formatCompact(gmv.actual, 'zh', '¥'));
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

  it('ranks the largest unfavourable variances by money for money KPIs, one line per KPI', () => {
    const { text } = renderEmail(reportModelEn, {});
    const section = text.split('Largest unfavourable variances\n')[1]!.split('\n\n')[0]!;
    const lines = section.split('\n').filter((l) => l.startsWith('- '));
    const kpiNames = lines.map((l) => l.slice(2).split(' · ')[0]);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(5);
    // This week's misses only (month and year are in the lead): GMV is ahead this week;
    // marketing's overspend is the money KPI, so it leads before the non-money KPIs.
    expect(kpiNames[0]).toBe('Marketing spend');
    expect(kpiNames).not.toContain('GMV');
    expect(lines.every((l) => l.includes('Week to date'))).toBe(true);
    expect(new Set(kpiNames).size).toBe(kpiNames.length);
    // Where the headline GMV's (month's) gap comes from, with owner names rather than ids.
    expect(section).toContain(
      'Pets (Li Wei) −¥682,000, Health food (Wang Fang) −¥363,000 explain 95% of the GMV variance',
    );
    expect(section).not.toContain('pets_team');
  });

  it('leads with the report’s own week against plan, then last week, month to date and the year outlook', () => {
    const { text } = renderEmail(reportModelEn, {});
    const lead = text.split('\n\n')[1]!;
    const wtd = reportModelEn.table.find((r) => r.kpi === 'gmv' && r.range === 'WTD')!;
    expect(lead.split('\n')[0]).toBe('GMV · Week to date 2026-W47');
    expect(lead).toContain(`+¥420,000 (${formatVariancePct(wtd.variancePct)})`);
    expect(lead.indexOf('Previous period 2026-W46')).toBeLessThan(lead.indexOf('Month to date'));
    expect(lead.indexOf('Month to date')).toBeLessThan(lead.indexOf('Year to date'));
    expect(lead).toMatch(/Year to date: .*Forecast ¥.*Gap to annual .*Required pace/);
  });

  it('counts data-quality findings, one line per KPI, and names owners and local time', () => {
    const { text } = renderEmail(reportModelZh, {});
    expect(text).toMatch(/\d+ 个指标数据不完整，1 处目标不一致/);
    const stale = reportModelZh.dataQuality.kpis.find((k) => k.stale)!;
    const name = reportModelZh.kpis.find((k) => k.id === stale.kpi)!.name.zh;
    const dq = text.split(labels('zh').text.dataWarnings)[1]!;
    expect(dq.split('\n').filter((l) => l === `- ${name}  [${labels('zh').columns.stale}]`)).toHaveLength(1);
    expect(text).toContain('2026-11-23 09:00 (Asia/Shanghai)');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).toContain('技术部（周琳）');
    expect(text).not.toContain('负责人 technology');
  });

  it('places the chart images by their CID with alt text and size, and renders without them', () => {
    const charts = [
      {
        cid: 'trend@plan-monitor',
        placement: 'trend' as const,
        alt: 'GMV actual vs target',
        width: 600,
        height: 240,
      },
      {
        cid: 'attribution@plan-monitor',
        placement: 'attribution' as const,
        alt: 'GMV gap by category',
        width: 600,
        height: 200,
      },
    ];
    const { html, text } = renderEmail(reportModelEn, { charts });
    expect(html).toContain(
      '<img src="cid:trend@plan-monitor" alt="GMV actual vs target" width="600" height="240"',
    );
    expect(html).toContain(
      '<img src="cid:attribution@plan-monitor" alt="GMV gap by category" width="600" height="200"',
    );
    expect(html.indexOf('cid:trend@')).toBeLessThan(html.indexOf('cid:attribution@'));
    expect(text).toContain('[GMV actual vs target]');
    // Above the chart a plain "Trend": the image states its own measure and period count.
    expect(html).not.toContain('Trend: variance %');
    expect(renderEmail(reportModelEn, {}).html).not.toContain('<img');
    expect(renderEmail(reportModelEn, {}).html).toContain('Trend: variance %');
  });

  it('leaves out the milestones section when the report has no milestones', () => {
    const none = { ...reportModelEn, milestones: { ...reportModelEn.milestones, items: [] } };
    expect(renderEmail(none, {}).text).not.toContain(labels('en').text.milestonesAttention);
    expect(renderEmail(reportModelEn, {}).text).toContain(labels('en').text.milestonesAttention);
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
      expect(part).toContain(formatCompact(scopedGmv.actual, 'zh', '¥'));
      expect(part).not.toContain(formatCompact(companyGmv.actual, 'zh', '¥'));
      expect(part).not.toContain(formatCompact(companyGmv.target, 'zh', '¥'));
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
