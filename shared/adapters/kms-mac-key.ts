/**
 * {@link MacKey} over a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC): the
 * secret never leaves KMS, and IAM decides who may make MACs (run-report) and who may only
 * check them (the report-link function). The SDK package is imported on first use (see
 * kms-client.ts), so a function that never signs a link never loads it.
 */
import type { GenerateMacCommandOutput, KMSClient, MacAlgorithmSpec } from '@aws-sdk/client-kms';
import { type MacKey, MacKeyUnusableError } from '../ports/index.ts';

export interface KmsMacKeyOptions {
  /** The client, or the promise createKmsClient() returns. */
  readonly kms: KMSClient | Promise<KMSClient>;
  /** Key id, ARN or alias of the HMAC key. */
  readonly keyId: string;
  /** Must be one the key supports; HMAC_256 keys support HMAC_SHA_256 only. */
  readonly algorithm?: MacAlgorithmSpec;
}

/**
 * KMS errors that say the key itself can no longer make or check a MAC, whatever is retried:
 * DisabledException (disabled), KMSInvalidStateException (pending deletion — our key is an
 * ordinary KMS HMAC key, never in a custom key store, where this error could be transient),
 * NotFoundException (deleted, or the id/alias no longer names a key). Everything else —
 * throttling, KMSInternalException, DependencyTimeoutException, KeyUnavailableException,
 * 5xx, a missing permission, a key of the wrong usage — is an outage or a deployment fault:
 * it is thrown as it is, for the function's error alarm.
 */
const KEY_UNUSABLE = new Set(['DisabledException', 'KMSInvalidStateException', 'NotFoundException']);

function unusable(error: unknown, keyId: string): MacKeyUnusableError | null {
  const name = (error as { name?: string } | null)?.name;
  return name && KEY_UNUSABLE.has(name) ? new MacKeyUnusableError(keyId, name, { cause: error }) : null;
}

let sdk: Promise<typeof import('@aws-sdk/client-kms')> | undefined;
const loadSdk = () => {
  sdk ??= import('@aws-sdk/client-kms');
  return sdk;
};

export class KmsMacKey implements MacKey {
  private readonly kms: Promise<KMSClient>;
  private readonly keyId: string;
  private readonly algorithm: MacAlgorithmSpec;

  constructor(options: KmsMacKeyOptions) {
    this.kms = Promise.resolve(options.kms);
    // A rejected client promise is reported by the first call, not as an unhandled rejection.
    this.kms.catch(() => {});
    this.keyId = options.keyId;
    this.algorithm = options.algorithm ?? 'HMAC_SHA_256';
  }

  /** Throws {@link MacKeyUnusableError} when the key is disabled, pending deletion or gone. */
  async mac(message: Uint8Array): Promise<Uint8Array> {
    const [kms, { GenerateMacCommand }] = await Promise.all([this.kms, loadSdk()]);
    let out: GenerateMacCommandOutput;
    try {
      out = await kms.send(
        new GenerateMacCommand({ KeyId: this.keyId, Message: message, MacAlgorithm: this.algorithm }),
      );
    } catch (error) {
      throw unusable(error, this.keyId) ?? error;
    }
    if (!out.Mac) throw new Error(`KMS GenerateMac with ${this.keyId} returned no MAC`);
    return out.Mac;
  }

  /**
   * KMS answers a wrong MAC with KMSInvalidMacException, not `MacValid: false`: that is a
   * `false` here. A key that can no longer verify anything (disabled, pending deletion, gone)
   * throws {@link MacKeyUnusableError}, so the caller can tell the reader the link is dead;
   * every other error (throttling, KMS internal errors, a missing permission) is thrown as it
   * is, so an outage is never mistaken for a forged or dead link.
   */
  async verify(message: Uint8Array, mac: Uint8Array): Promise<boolean> {
    const [kms, { VerifyMacCommand }] = await Promise.all([this.kms, loadSdk()]);
    try {
      const out = await kms.send(
        new VerifyMacCommand({ KeyId: this.keyId, Message: message, Mac: mac, MacAlgorithm: this.algorithm }),
      );
      return out.MacValid === true;
    } catch (error) {
      if ((error as { name?: string } | null)?.name === 'KMSInvalidMacException') return false;
      throw unusable(error, this.keyId) ?? error;
    }
  }
}
