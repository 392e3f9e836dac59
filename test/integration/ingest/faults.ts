/**
 * DynamoDB document clients for fault and race tests: one that fails its Nth call (before the
 * request goes out, or after DynamoDB applied it and the reply is lost), one that delays every
 * call by a seeded random amount so two writers interleave differently each round.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// Seeded, so a failing round can be replayed from its seed.
export { mulberry32 as seededRandom } from '../../../infra/local/sample-year.ts';

export class InjectedFault extends Error {
  constructor(call: number, mode: FaultMode) {
    super(`injected fault on DynamoDB call ${call} (${mode})`);
    this.name = 'InjectedFault';
  }
}

/** `before`: the request never reaches DynamoDB; `after`: it is applied, the reply is lost. */
export type FaultMode = 'before' | 'after';

type Send = DynamoDBDocumentClient['send'];

function withSend(doc: DynamoDBDocumentClient, send: (command: Parameters<Send>[0]) => Promise<unknown>) {
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop === 'send') return send;
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** Counts calls; fails the `failAt`th (1-based; 0 = never). `calls()` says how many were made. */
export function faultyDoc(doc: DynamoDBDocumentClient, failAt: number, mode: FaultMode) {
  let calls = 0;
  const client = withSend(doc, async (command) => {
    calls += 1;
    const n = calls;
    if (n === failAt && mode === 'before') throw new InjectedFault(n, mode);
    const out = await doc.send(command as never);
    if (n === failAt) throw new InjectedFault(n, mode);
    return out;
  });
  return { client, calls: () => calls };
}

/** Before each call, waits 0–`maxMs` ms or just yields, as `random` decides. */
export function jitteryDoc(doc: DynamoDBDocumentClient, random: () => number, maxMs = 4) {
  return withSend(doc, async (command) => {
    const r = random();
    if (r < 0.3) await new Promise((resolve) => setImmediate(resolve));
    else await new Promise((resolve) => setTimeout(resolve, Math.floor(r * maxMs)));
    return doc.send(command as never);
  });
}
