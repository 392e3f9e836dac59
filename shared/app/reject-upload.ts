/**
 * A rejected upload: the error workbook goes to `rejected/…`, one email goes to the uploader
 * (exactly once, see ./send-once.ts) — or, when SES refuses the uploader's address for good, to
 * the configured uploads contact — and the ledger records the upload as rejected. Whatever SES
 * answers, the upload completes: a refused address never loops the message into the
 * dead-letter queue.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { PlanConfig } from '../config/schema.ts';
import { buildErrorWorkbook, ERROR_HELP } from '../files/ingest/error-workbook.ts';
import { SHOWN_VALUE_MAX, shortened, UploadFileError } from '../files/ingest/errors.ts';
import { type IngestResult, readUploadRows } from '../files/ingest/parse-upload.ts';
import type { UploadKind, UploadRecord } from '../ports/index.ts';
import { copyToFiled, removeFromIncoming } from './file-upload.ts';
import type { IngestDeps, IngestLogger, IngestOutcome, UploadedObject } from './ingest-upload.ts';
import { type SendOnceOutcome, sendOnce } from './send-once.ts';

type Rejected = Extract<IngestResult, { ok: false }>;

/** Above this the workbook is not attached (SES takes 40 MB after base64; mailboxes less). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Errors listed in the email itself; the workbook lists the rest. */
export const EMAIL_LISTED_ERRORS = 20;

const quiet: IngestLogger = { info() {}, warn() {}, error() {} };

/** Who was told about a rejection, and how the email fared. */
export type RejectionNotice =
  | 'sent'
  | 'already_sent'
  /** A send whose outcome is unknown (not repeated; logged as an error). */
  | 'in_doubt'
  /** The uploader's address was refused; the uploads contact got the email. */
  | 'fallback'
  /** Both the uploader's and the contact's address were refused (logged as an error). */
  | 'nobody';

/** Metadata can be set by anyone who can upload: only mail addresses in the allowed domains. */
export function recipientFor(config: PlanConfig, kind: UploadKind, uploader: string | null): string {
  if (uploader) {
    const domain = uploader.split('@')[1]!.toLowerCase();
    if (config.email.allowedDomains.some((d) => d.toLowerCase() === domain)) return uploader;
  }
  return config.contacts.uploads[kind];
}

/** The id of an upload's rejection email: one per object version and event. */
export function rejectionMailId(object: UploadedObject, order: string): string {
  return `upload-rejected:${object.bucket}/${object.key}#${object.versionId ?? 'null'}#${order}`;
}

export async function rejectUpload(
  deps: IngestDeps,
  object: UploadedObject,
  record: UploadRecord,
  result: Rejected,
  body: Uint8Array | null,
  uploader: string | null,
): Promise<IngestOutcome> {
  const log = deps.logger ?? quiet;
  const { config } = deps;
  const kind = record.kind;
  const errorKey = `rejected/${object.key}.errors.xlsx`;
  const bucket = deps.uploadsBucket ?? object.bucket;
  let workbook: Uint8Array;
  try {
    workbook = await buildErrorWorkbook({
      fileName: object.key,
      result,
      rows: body ? readUploadRows(body, kind, result.file) : undefined,
    });
  } catch (error) {
    if (!(error instanceof UploadFileError)) throw error;
    workbook = await buildErrorWorkbook({ fileName: object.key, result });
  }
  await deps.objects.put(bucket, errorKey, workbook, {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    metadata: { 'source-key': encodeURIComponent(object.key), 'source-version': object.versionId ?? '' },
  });

  const mailId = rejectionMailId(object, record.order);
  const context = { key: object.key, versionId: object.versionId };
  const send = async (to: string, id: string, undeliverable?: { to: string; reason: string }) => {
    const raw = await composeRejectionEmail({
      config,
      object,
      result,
      workbook,
      errorKey,
      bucket,
      to,
      undeliverable,
    });
    const email = {
      from: config.email.from,
      to: [to],
      ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
      raw,
    };
    return sendOnce({ ...deps, logger: log }, id, email, { ...context, to });
  };
  const to = recipientFor(config, kind, uploader);
  let outcome: SendOnceOutcome = await send(to, mailId);
  let notice: RejectionNotice = outcome.status === 'refused' ? 'nobody' : outcome.status;
  let notified = to;
  const contact = config.contacts.uploads[kind];
  if (outcome.status === 'refused' && contact !== to) {
    // The uploader cannot be reached: the uploads contact gets the same email, saying so.
    outcome = await send(contact, `${mailId}#fallback`, { to, reason: outcome.reason });
    notice = outcome.status === 'refused' ? 'nobody' : 'fallback';
    notified = contact;
  }
  if (notice === 'nobody') {
    notified = '';
    log.error('rejection email refused for every address: nobody was told', { ...context, to, contact });
  }

  await copyToFiled({ objects: deps.objects, logger: log }, object, 'rejected');
  await deps.uploads.finish({
    ...record,
    status: 'rejected',
    rows: result.rows,
    errors: result.errorCount,
    errorKey,
    finishedAt: deps.clock.now().toISOString(),
  });
  await removeFromIncoming(deps, object);
  log.warn('upload rejected', {
    ...context,
    kind,
    rows: result.rows,
    errors: result.errorCount,
    errorCounts: result.errorCounts,
    errorKey,
    to: notified,
    notice,
    ...(outcome.status === 'sent' ? { messageId: outcome.messageId } : {}),
  });
  return {
    status: 'rejected',
    key: object.key,
    kind,
    rows: result.rows,
    errors: result.errorCount,
    errorKey,
    notified,
    notice,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * The rejection email as raw MIME: HTML and text summary (error counts by type, the first
 * {@link EMAIL_LISTED_ERRORS} errors with values cut to {@link SHOWN_VALUE_MAX} characters)
 * plus the error workbook while it fits {@link MAX_ATTACHMENT_BYTES}, else where it lies.
 * Its size is bounded whatever the upload held (far below SES's 40 MB).
 */
export async function composeRejectionEmail(input: {
  config: PlanConfig;
  object: UploadedObject;
  result: Rejected;
  workbook: Uint8Array;
  errorKey: string;
  bucket: string;
  to: string;
  /** Set when this goes to the uploads contact because the uploader's address was refused. */
  undeliverable?: { to: string; reason: string } | undefined;
}): Promise<Uint8Array> {
  const { config, object, result, workbook, errorKey, bucket, to, undeliverable } = input;
  const name = shortened(baseName(object.key), SHOWN_VALUE_MAX);
  const shown = result.errors.slice(0, EMAIL_LISTED_ERRORS).map((e) => ({
    ...e,
    column: shortened(e.column, SHOWN_VALUE_MAX),
    value: shortened(e.value, SHOWN_VALUE_MAX),
  }));
  const attach = workbook.byteLength <= MAX_ATTACHMENT_BYTES;
  const types = Object.entries(result.errorCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => {
      const help = ERROR_HELP[code];
      return { count, label: help ? `${help.zh} / ${help.en}` : code };
    });
  const where = attach
    ? '附件工作簿列出了每个错误（红色单元格带批注）。The attached workbook lists every error (red cells carry a note).'
    : `错误工作簿太大无法附加，位于 / The error workbook is too large to attach; it is at s3://${bucket}/${errorKey}`;
  const forward = undeliverable
    ? [
        `无法投递给上传者 ${undeliverable.to}，请转告。This rejection could not be delivered to the uploader ${undeliverable.to} (${shortened(undeliverable.reason, SHOWN_VALUE_MAX)}): please pass it on.`,
        '',
      ]
    : [];
  const more = result.errorCount - shown.length;
  const text = [
    ...forward,
    `上传被拒绝：${name}`,
    `Upload rejected: ${shortened(object.key, SHOWN_VALUE_MAX)}`,
    '',
    `文件中的数据均未导入（全部或全不）。Nothing from this file was imported (all or nothing).`,
    `数据行 Data rows: ${result.rows}    错误 Errors: ${result.errorCount}`,
    '',
    ...types.map((t) => `  ${t.count} × ${t.label}`),
    '',
    ...shown.map((e) => `行 Row ${e.row || '-'} · ${e.column || '-'} · "${e.value}": ${e.message}`),
    ...(more > 0 ? [`… ${more} more / 还有更多`] : []),
    '',
    where,
    '改正后请把整个文件重新上传到同一文件夹。Fix the file and upload the whole file again to the same folder.',
  ].join('\n');
  const rows = shown
    .map(
      (e) =>
        `<tr><td>${e.row || '-'}</td><td>${escapeHtml(e.column)}</td><td>${escapeHtml(e.value)}</td><td>${escapeHtml(e.message)}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
${forward.length > 0 ? `<p><b>${escapeHtml(forward[0]!)}</b></p>` : ''}
<h2>上传被拒绝 Upload rejected</h2>
<p><b>${escapeHtml(shortened(object.key, SHOWN_VALUE_MAX))}</b></p>
<p>文件中的数据均未导入（全部或全不）。Nothing from this file was imported (all or nothing).</p>
<p>数据行 Data rows: ${result.rows} · 错误 Errors: <b>${result.errorCount}</b></p>
<ul>${types.map((t) => `<li>${t.count} × ${escapeHtml(t.label)}</li>`).join('')}</ul>
<table border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse">
<tr><th>行 Row</th><th>列 Column</th><th>值 Value</th><th>问题与处理 Problem and what to do</th></tr>${rows}</table>
${more > 0 ? `<p>… ${more} more / 还有更多</p>` : ''}
<p>${escapeHtml(where)}</p>
<p>改正后请把整个文件重新上传到同一文件夹。Fix the file and upload the whole file again to the same folder.</p>
</body></html>`;
  const composer = new MailComposer({
    from: config.email.from,
    to,
    ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
    subject: `[Plan Monitor] 上传被拒绝 Upload rejected: ${name} (${result.errorCount} errors)`,
    text,
    html,
    attachments: attach
      ? [
          {
            filename: `${name}.errors.xlsx`,
            content: Buffer.from(workbook),
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          },
        ]
      : [],
  });
  const message = await composer.compile().build();
  return new Uint8Array(message);
}
