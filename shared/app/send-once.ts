/**
 * One email, handed to the provider at most once whatever is redelivered, retried or lost.
 *
 * Before the send, an intent mark is written with a conditional write ({@link MailLedger}).
 * An attempt that finds a mark does not send: `sent` means it went out; `sending` means an
 * earlier attempt handed it over and never learned the outcome (its process died, the reply
 * was lost, or recording `sent` failed) — that email is treated as sent ("in doubt"), and an
 * error is logged for the alarm instead of risking a second copy. Only a refusal the provider
 * answered (nothing went out) clears the mark so a later attempt may send.
 */
import {
  type Clock,
  type Mailer,
  type MailLedger,
  MailRefusedError,
  type OutgoingEmail,
} from '../ports/index.ts';
import type { AppLogger } from './schedule-report.ts';

export interface SendOnceDeps {
  readonly mailer: Mailer;
  readonly mails: MailLedger;
  readonly clock: Clock;
  readonly logger: AppLogger;
}

export type SendOnceOutcome =
  /** Handed over now, and accepted. */
  | { readonly status: 'sent'; readonly messageId: string }
  /** An earlier attempt sent it. */
  | { readonly status: 'already_sent'; readonly messageId: string | null }
  /** An earlier attempt (or this one) may have sent it; not sent again. */
  | { readonly status: 'in_doubt'; readonly since: string }
  /** The provider refused it for good (e.g. the address): nothing was sent. */
  | { readonly status: 'refused'; readonly reason: string };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Sends `email` under `id` at most once. Throws when the provider refused it for now
 * (throttling; the mark is cleared, so the caller's retry sends it) or when the ledger could not
 * record the intent (nothing was sent).
 */
export async function sendOnce(
  deps: SendOnceDeps,
  id: string,
  email: OutgoingEmail,
  context: Record<string, unknown> = {},
): Promise<SendOnceOutcome> {
  const now = () => deps.clock.now().toISOString();
  const claim = await deps.mails.reserve(id, now());
  if (!claim.claimed) {
    if (claim.mark.state === 'sent') {
      deps.logger.info('email already sent: not sent again', {
        ...context,
        mailId: id,
        messageId: claim.mark.messageId,
      });
      return { status: 'already_sent', messageId: claim.mark.messageId };
    }
    deps.logger.error(
      'email in doubt: an earlier attempt handed it to SES without learning the outcome; not sent again',
      {
        ...context,
        mailId: id,
        since: claim.mark.at,
      },
    );
    return { status: 'in_doubt', since: claim.mark.at };
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(email));
  } catch (error) {
    if (!(error instanceof MailRefusedError)) {
      // The request may have reached SES: keep the mark, never send this email again.
      deps.logger.error('email in doubt: SES gave no answer; not sent again', {
        ...context,
        mailId: id,
        error: describe(error),
      });
      return { status: 'in_doubt', since: now() };
    }
    await deps.mails.release(id, error.message, now());
    if (!error.permanent) throw error;
    deps.logger.warn('SES refused the email', { ...context, mailId: id, to: email.to, error: error.message });
    return { status: 'refused', reason: error.message };
  }
  try {
    await deps.mails.markSent(id, messageId, now());
  } catch (error) {
    // The email is out; the mark stays `sending`, so no later attempt sends it again.
    deps.logger.error(
      'email sent, but the mail ledger could not record it (a redelivery will not resend it)',
      {
        ...context,
        mailId: id,
        messageId,
        error: describe(error),
      },
    );
  }
  return { status: 'sent', messageId };
}
