/** An SES client that fails, refuses or loses its reply on chosen calls (fault injection). */
import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export type Fault = 'lose-reply' | 'reject-address' | 'throttle' | 'no-answer';

/**
 * The emulator's SES client with faults on chosen calls: `lose-reply` lets SES send, then
 * throws as a timed-out socket would; `reject-address` answers MessageRejected (400) as SES
 * does for an address not verified in the sandbox; `throttle` answers 429; `no-answer` throws
 * before SES sees anything (its outcome is unknown to the caller all the same).
 */
export function faultySes(real: SESv2Client, faults: Map<number, Fault>) {
  let calls = 0;
  const client = {
    async send(command: SendEmailCommand) {
      calls += 1;
      const fault = faults.get(calls);
      const answer = (name: string, status: number) =>
        Object.assign(new Error(`${name} (injected)`), { name, $metadata: { httpStatusCode: status } });
      if (fault === 'reject-address') throw answer('MessageRejected', 400);
      if (fault === 'throttle') throw answer('TooManyRequestsException', 429);
      if (fault === 'no-answer')
        throw Object.assign(new Error('connect ETIMEDOUT (injected)'), { name: 'TimeoutError' });
      const out = await real.send(command);
      if (fault === 'lose-reply')
        throw Object.assign(new Error('socket hang up (injected)'), { name: 'TimeoutError' });
      return out;
    },
  };
  return { client: client as unknown as SESv2Client, calls: () => calls };
}
