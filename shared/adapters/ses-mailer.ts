/**
 * {@link Mailer} over SES v2: the caller builds the whole MIME message (HTML, text,
 * attachment), SES sends it as is.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../ports/index.ts';

export interface SesMailerOptions {
  readonly sesv2: SESv2Client;
  /** SES configuration set (bounce/complaint tracking), if any. */
  readonly configurationSetName?: string | undefined;
}

export class SesMailer implements Mailer {
  private readonly sesv2: SESv2Client;
  private readonly configurationSetName: string | undefined;

  constructor(options: SesMailerOptions) {
    this.sesv2 = options.sesv2;
    this.configurationSetName = options.configurationSetName || undefined;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await this.sesv2.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [...email.to] },
        ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
        Content: { Raw: { Data: email.raw } },
        ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
      }),
    );
    if (!out.MessageId) {
      throw new Error(
        'SES accepted the message but returned no MessageId; check the SES endpoint configuration',
      );
    }
    return { messageId: out.MessageId };
  }
}
