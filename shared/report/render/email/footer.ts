/**
 * The end of the email: how the workbook comes (attached, or a link with its real expiry in
 * local time) and the footer with the local generation time, its time zone and the versions.
 */
import { formatLocalTime, formatNumber, labels } from '../../i18n.ts';
import type { RenderEmailOptions } from '../email.ts';
import type { Content, Ctx } from './content.ts';

export function deliveryOf({ model, lang }: Ctx, options: RenderEmailOptions): Content['delivery'] {
  const t = labels(lang).text;
  const delivery: Content['delivery'][number][] = [];
  const link = options.link;
  if (link) {
    const expiry = formatLocalTime(link.expiresAt, model.about.timeZone);
    delivery.push({ text: t.linkIntro });
    delivery.push({ text: link.url, href: link.url });
    if (link.kind === 'reusable') {
      delivery.push({ text: t.linkFreshUntil.replace('{expiry}', expiry) });
      delivery.push({ text: t.linkAskAfter.replace('{contact}', link.contact) });
    } else {
      delivery.push({ text: `${t.linkValidUntil} ${expiry}${lang === 'zh' ? '。' : '.'}` });
      delivery.push({ text: t.linkLocalCommand, code: link.command });
    }
  } else if (options.attachment) {
    const kb = Math.max(1, Math.round(options.attachment.content.byteLength / 1024));
    delivery.push({ text: `${t.workbookAttached} ${options.attachment.filename} (${formatNumber(kb)} KB)` });
  }
  return delivery;
}

export function footerOf({ model, lang }: Ctx): string {
  const t = labels(lang).text;
  const a = model.about;
  return `${t.generatedFooter} · ${t.generatedAt} ${formatLocalTime(a.generatedAt, a.timeZone)} · ${t.targetVersion} ${a.targetVersion} · ${t.configVersion} ${a.configVersion}`;
}
