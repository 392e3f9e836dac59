/**
 * {@link MacKey} over a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC): the
 * secret never leaves KMS, and IAM decides who may make MACs (run-report) and who may only
 * check them (the report-link function). The SDK package is imported on first use (see
 * kms-client.ts), so a function that never signs a link never loads it.
 */
import type { KMSClient, MacAlgorithmSpec } from '@aws-sdk/client-kms';
import type { MacKey } from '../ports/index.ts';

export interface KmsMacKeyOptions {
  /** The client, or the promise createKmsClient() returns. */
  readonly kms: KMSClient | Promise<KMSClient>;
  /** Key id, ARN or alias of the HMAC key. */
  readonly keyId: string;
  /** Must be one the key supports; HMAC_256 keys support HMAC_SHA_256 only. */
  readonly algorithm?: MacAlgorithmSpec;
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

  async mac(message: Uint8Array): Promise<Uint8Array> {
    const [kms, { GenerateMacCommand }] = await Promise.all([this.kms, loadSdk()]);
    const out = await kms.send(
      new GenerateMacCommand({ KeyId: this.keyId, Message: message, MacAlgorithm: this.algorithm }),
    );
    if (!out.Mac) throw new Error(`KMS GenerateMac with ${this.keyId} returned no MAC`);
    return out.Mac;
  }

  /**
   * KMS answers a wrong MAC with KMSInvalidMacException, not `MacValid: false`: that is a
   * `false` here. Every other error (throttling, a disabled key, a missing permission) is
   * thrown, so a KMS problem is never mistaken for a forged link.
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
      throw error;
    }
  }
}
