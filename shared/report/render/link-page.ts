/**
 * The small page the report-link function shows instead of a download: a link that is not
 * valid (cut short or altered), withdrawn (its signing key disabled or deleted), expired, or not
 * a report. Chinese first, then English — the
 * function cannot know the reader's language — with what happened, what to do, and whom to ask.
 * No scripts, images or external styles; the function serves it with a CSP that allows none.
 */

import { escapeHtml as esc } from './html.ts';

export type LinkPageKind = 'invalid' | 'revoked' | 'expired' | 'refused';

export interface LinkPageOptions {
  /** Whom to ask for the report (contacts.operators). */
  readonly operators: string;
  /** An expired link's expiry (ISO instant), shown in UTC: the page does not know the reader's zone. */
  readonly expiredAt?: string;
  /** The archived workbook's file name, so the reader can say which report they need. */
  readonly fileName?: string;
}

export interface LinkPage {
  /** 403 for a link that is not valid, withdrawn or not a report, 410 for an expired one. */
  readonly statusCode: 403 | 410;
  readonly html: string;
}

/** `2026-12-23 01:00 UTC`. */
function utc(instant: string): string {
  return `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC`;
}

interface Words {
  readonly title: string;
  readonly body: readonly string[];
}

function words(kind: LinkPageKind, options: LinkPageOptions): { zh: Words; en: Words } {
  const ask = { zh: `请联系 ${options.operators}`, en: `ask ${options.operators}` };
  const file = options.fileName
    ? { zh: `报表文件：${options.fileName}`, en: `Report file: ${options.fileName}` }
    : null;
  switch (kind) {
    case 'expired': {
      const when = options.expiredAt ? utc(options.expiredAt) : '';
      return {
        zh: {
          title: '链接已过期',
          body: [
            `此报表下载链接已于 ${when} 过期，不能再下载。`,
            `如仍需要这份报表，${ask.zh} 重新发送。`,
            ...(file ? [file.zh] : []),
          ],
        },
        en: {
          title: 'This link has expired',
          body: [
            `This report download link expired on ${when} and no longer gives a download.`,
            `If you still need the report, ${ask.en} to send it again.`,
            ...(file ? [file.en] : []),
          ],
        },
      };
    }
    case 'revoked':
      return {
        zh: {
          title: '链接已失效',
          body: ['此类报表下载链接已全部停用，此链接不能再下载。', `如仍需要这份报表，${ask.zh} 重新发送。`],
        },
        en: {
          title: 'This link no longer works',
          body: [
            'Report download links like this one have been withdrawn, so it gives no download any more.',
            `If you still need the report, ${ask.en} to send it again.`,
          ],
        },
      };
    case 'refused':
      return {
        zh: {
          title: '链接不指向报表',
          body: ['此链接不指向归档的报表，无法下载。', `${ask.zh}。`],
        },
        en: {
          title: 'This link does not point to a report',
          body: [
            'This link does not point to an archived report, so there is nothing to download.',
            `Please ${ask.en}.`,
          ],
        },
      };
    default:
      return {
        zh: {
          title: '链接无效',
          body: [
            '此报表下载链接无效：它可能不完整（部分邮件客户端会截断长链接），或已被改动。',
            `请从原邮件中完整复制链接后重试；仍然不行，${ask.zh} 获取报表。`,
          ],
        },
        en: {
          title: 'This link is not valid',
          body: [
            'This report download link is not valid: it may be incomplete (some mail clients cut long links) or it was altered.',
            `Copy the whole link from the original email and try again; if it still fails, ${ask.en} for the report.`,
          ],
        },
      };
  }
}

/** The page and its HTTP status for a link that gives no download. */
export function renderLinkPage(kind: LinkPageKind, options: LinkPageOptions): LinkPage {
  const { zh, en } = words(kind, options);
  const mailto = `mailto:${encodeURI(options.operators)}`;
  const section = (lang: string, w: Words) =>
    `<section lang="${lang}" style="margin:0 0 24px 0;"><h1 style="font-size:20px;line-height:26px;margin:0 0 8px 0;color:#1f3a5f;">${esc(w.title)}</h1>${w.body
      .map((line) => `<p style="margin:0 0 8px 0;">${esc(line)}</p>`)
      .join('')}</section>`;
  const html = [
    '<!DOCTYPE html>',
    '<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<meta name="robots" content="noindex"><title>${esc(`${zh.title} · ${en.title}`)}</title></head>`,
    `<body style="margin:0;padding:24px 16px;background:#f2f4f7;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif;font-size:15px;line-height:22px;color:#1f2933;">`,
    '<main style="max-width:560px;margin:0 auto;background:#ffffff;padding:20px;border-top:4px solid #1f3a5f;">',
    section('zh-CN', zh),
    section('en', en),
    `<p style="margin:0;font-size:13px;color:#52606d;">Plan Monitor · <a href="${esc(mailto)}" style="color:#0b5cad;">${esc(options.operators)}</a></p>`,
    '</main></body></html>',
  ].join('\n');
  return { statusCode: kind === 'expired' ? 410 : 403, html };
}
