/**
 * {@link Mailer} over SES v2: the caller builds the whole MIME message (HTML, text,
 * attachment), SES sends it as is.
 *
 * SendEmail has no idempotency token, so a retry after a lost reply can send a second email.
 * The SES client therefore makes one attempt per call (see sesv2-client.ts), and this adapter
 * retries only what SES answered it did not accept (throttling); SES's answer decides what the
 * caller is told — accepted, refused ({@link MailRefusedError}), or unknown (any other error).
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, MailRefusedError, type OutgoingEmail } from '../ports/index.ts';

export interface SesMailerOptions {
  readonly sesv2: SESv2Client;
  /** SES configuration set (bounce/complaint tracking), if any. */
  readonly configurationSetName?: string | undefined;
  /** Attempts when SES throttles (default 4), pausing 200 ms · 2^n between them. */
  readonly throttledAttempts?: number;
  /** Injected for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * SES answers worth retrying after a pause. Every other 4xx (MessageRejected — e.g. an address
 * not verified in the sandbox —, BadRequestException, MailFromDomainNotVerifiedException,
 * AccountSuspendedException, SendingPausedException …) is permanent for this message.
 */
const THROTTLED = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);

/**
 * What an SES error says about the message: `refused` when SES answered (a 4xx: it did not
 * accept the message), `unknown` otherwise (no answer, a lost reply, a 5xx).
 */
export function sesOutcome(error: unknown): { kind: 'refused'; permanent: boolean } | { kind: 'unknown' } {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const status = e?.$metadata?.httpStatusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return { kind: 'unknown' };
  return { kind: 'refused', permanent: !THROTTLED.has(e?.name ?? '') };
}

export class SesMailer implements Mailer {
  private readonly sesv2: SESv2Client;
  private readonly configurationSetName: string | undefined;
  private readonly throttledAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: SesMailerOptions) {
    this.sesv2 = options.sesv2;
    this.configurationSetName = options.configurationSetName || undefined;
    this.throttledAttempts = options.throttledAttempts ?? 4;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    for (let attempt = 1; ; attempt++) {
      let out: { MessageId?: string | undefined };
      try {
        out = await this.sesv2.send(
          new SendEmailCommand({
            FromEmailAddress: email.from,
            Destination: { ToAddresses: [...email.to] },
            ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
            Content: { Raw: { Data: email.raw } },
            ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
          }),
        );
      } catch (error) {
        const outcome = sesOutcome(error);
        if (outcome.kind === 'unknown') throw error;
        if (!outcome.permanent && attempt < this.throttledAttempts) {
          await this.sleep(200 * 2 ** attempt);
          continue;
        }
        const name = (error as Error).name;
        throw new MailRefusedError(
          `SES refused the email: ${name}: ${(error as Error).message}`,
          outcome.permanent,
          {
            cause: error,
          },
        );
      }
      if (!out.MessageId) {
        throw new Error(
          'SES accepted the message but returned no MessageId; check the SES endpoint configuration',
        );
      }
      return { messageId: out.MessageId };
    }
  }
}
