/** sendOnce: an email handed to the provider at most once, whatever fails around it. */
import { describe, expect, it } from 'vitest';
import { sendOnce } from '../../../shared/app/send-once.ts';
import { type Mailer, MailRefusedError, type OutgoingEmail } from '../../../shared/ports/index.ts';
import { FixedClock, MemoryMailLedger } from './fakes/memory-ports.ts';

const email: OutgoingEmail = { from: 'plan@example.com', to: ['ana@example.com'], raw: new Uint8Array([1]) };

/** A provider that does what `script` says on each call: accept, refuse, or lose the reply. */
function scripted(...script: ('accept' | 'refuse' | 'throttle' | 'lose')[]) {
  const accepted: OutgoingEmail[] = [];
  let calls = 0;
  const mailer: Mailer = {
    async send(message) {
      const step = script[calls++] ?? 'accept';
      if (step === 'refuse') throw new MailRefusedError('MessageRejected: address not verified', true);
      if (step === 'throttle') throw new MailRefusedError('TooManyRequestsException', false);
      accepted.push(message);
      if (step === 'lose') throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      return { messageId: `m-${accepted.length}` };
    },
  };
  return { mailer, accepted, calls: () => calls };
}

function logger() {
  const errors: string[] = [];
  return { errors, log: { info() {}, warn() {}, error: (message: string) => errors.push(message) } };
}

describe('sendOnce', () => {
  it('sends once and says so to a second attempt', async () => {
    const provider = scripted('accept');
    const mails = new MemoryMailLedger();
    const { log } = logger();
    const deps = { mailer: provider.mailer, mails, clock: new FixedClock(), logger: log };
    expect(await sendOnce(deps, 'a', email)).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(await sendOnce(deps, 'a', email)).toEqual({ status: 'already_sent', messageId: 'm-1' });
    expect(provider.accepted).toHaveLength(1);
    expect(await sendOnce(deps, 'b', email)).toMatchObject({ status: 'sent' });
    expect(provider.accepted).toHaveLength(2);
  });

  it('treats a lost reply as sent: never hands the email over again, and logs it for the alarm', async () => {
    const provider = scripted('lose');
    const { log, errors } = logger();
    const deps = {
      mailer: provider.mailer,
      mails: new MemoryMailLedger(),
      clock: new FixedClock(),
      logger: log,
    };
    expect(await sendOnce(deps, 'a', email)).toMatchObject({ status: 'in_doubt' });
    expect(await sendOnce(deps, 'a', email)).toMatchObject({ status: 'in_doubt' });
    expect(provider.calls()).toBe(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('in doubt');
  });

  it('never resends when the ledger could not record that SES accepted', async () => {
    const provider = scripted('accept', 'accept');
    const mails = new MemoryMailLedger();
    mails.markSent = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const { log, errors } = logger();
    const deps = { mailer: provider.mailer, mails, clock: new FixedClock(), logger: log };
    expect(await sendOnce(deps, 'a', email)).toMatchObject({ status: 'sent' });
    expect(await sendOnce(deps, 'a', email)).toMatchObject({ status: 'in_doubt' });
    expect(provider.accepted).toHaveLength(1);
    expect(errors[0]).toContain('could not record');
  });

  it('sends nothing when the intent cannot be recorded', async () => {
    const provider = scripted('accept');
    const mails = new MemoryMailLedger();
    mails.reserve = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const deps = { mailer: provider.mailer, mails, clock: new FixedClock(), logger: logger().log };
    await expect(sendOnce(deps, 'a', email)).rejects.toThrow('DynamoDB unavailable');
    expect(provider.calls()).toBe(0);
  });

  it('throws on throttling and sends on the retry; reports a permanent refusal without throwing', async () => {
    const provider = scripted('throttle', 'accept', 'refuse', 'accept');
    const deps = {
      mailer: provider.mailer,
      mails: new MemoryMailLedger(),
      clock: new FixedClock(),
      logger: logger().log,
    };
    await expect(sendOnce(deps, 'a', email)).rejects.toBeInstanceOf(MailRefusedError);
    expect(await sendOnce(deps, 'a', email)).toMatchObject({ status: 'sent' });
    expect(await sendOnce(deps, 'b', email)).toEqual({
      status: 'refused',
      reason: 'MessageRejected: address not verified',
    });
    // A refused email went nowhere: a later attempt may send it.
    expect(await sendOnce(deps, 'b', email)).toMatchObject({ status: 'sent' });
    expect(provider.accepted).toHaveLength(2);
  });
});
