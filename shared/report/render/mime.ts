/**
 * The MIME message sent through SESv2 (raw): text + HTML alternatives, inline images
 * (charts, referenced from the HTML as `cid:`), and file attachments. nodemailer's composer
 * does the RFC 5322/2045 work (encodings, folding, boundaries).
 */

import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { XLSX_CONTENT_TYPE } from './excel.ts';

export interface MimeAttachment {
  readonly filename: string;
  readonly content: Buffer;
  /** Defaults to the xlsx MIME type. */
  readonly contentType?: string;
}

export interface MimeInput {
  readonly from: string;
  readonly to: string | readonly string[];
  readonly replyTo?: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments?: readonly MimeAttachment[];
  /** Images the HTML references as `cid:<cid>` (multipart/related). */
  readonly inline?: readonly MimeInlineImage[];
}

export interface MimeInlineImage {
  readonly cid: string;
  readonly filename: string;
  readonly content: Buffer;
  /** Defaults to image/png. */
  readonly contentType?: string;
}

/** The Content-IDs the HTML references (`src="cid:…"`), in order of first use. */
export function cidReferences(html: string): string[] {
  const ids = [...html.matchAll(/\bsrc\s*=\s*["']cid:([^"']+)["']/gi)].map((m) => decodeURIComponent(m[1]!));
  return [...new Set(ids)];
}

/** The HTML references an image the message does not carry: it would show as a broken picture. */
export class UnresolvedCidError extends Error {
  constructor(readonly cids: readonly string[]) {
    super(`the HTML references inline images that are not in the message: ${cids.join(', ')}`);
    this.name = 'UnresolvedCidError';
  }
}

/**
 * Composes a complete RFC 5322 message (multipart: text + HTML, plus attachments) for SESv2 raw
 * sends. Every `cid:` reference of the HTML must resolve to an inline image (else
 * {@link UnresolvedCidError}); inline images the HTML does not reference are left out, since
 * mail clients list those as stray attachments.
 */
export async function composeMime(input: MimeInput): Promise<Buffer> {
  const referenced = new Set(cidReferences(input.html));
  const inline = (input.inline ?? []).filter((image) => referenced.has(image.cid));
  const missing = [...referenced].filter((cid) => !inline.some((image) => image.cid === cid));
  if (missing.length > 0) throw new UnresolvedCidError(missing);
  const composer = new MailComposer({
    from: input.from,
    to: typeof input.to === 'string' ? input.to : [...input.to],
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.subject,
    text: input.text,
    html: input.html,
    attachments: [
      ...inline.map((image) => ({
        filename: image.filename,
        content: image.content,
        contentType: image.contentType ?? 'image/png',
        cid: image.cid,
        contentDisposition: 'inline' as const,
      })),
      ...(input.attachments ?? []).map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType ?? XLSX_CONTENT_TYPE,
      })),
    ],
  });
  return composer.compile().build();
}
