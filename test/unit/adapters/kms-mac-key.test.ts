import { GenerateMacCommand, KMSClient, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { KmsMacKey } from '../../../shared/adapters/kms-mac-key.ts';
import { MacKeyUnusableError } from '../../../shared/ports/index.ts';

const KEY_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/0b7c7b4e-0000-4000-8000-000000000001';
const kmsMock = mockClient(KMSClient);
const kms = new KMSClient({
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});
const message = new TextEncoder().encode('eyJ2IjoxfQ');
const mac = new Uint8Array(32).fill(9);

beforeEach(() => {
  kmsMock.reset();
});

describe('KmsMacKey', () => {
  it('asks KMS for an HMAC-SHA-256 of the message with the configured key', async () => {
    // Prepare
    kmsMock.on(GenerateMacCommand).resolves({ Mac: mac, KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
    const key = new KmsMacKey({ kms, keyId: KEY_ARN });

    // Act
    const result = await key.mac(message);

    // Assess
    expect(result).toEqual(mac);
    const input = kmsMock.commandCalls(GenerateMacCommand)[0]?.args[0].input;
    expect(input).toEqual({ KeyId: KEY_ARN, Message: message, MacAlgorithm: 'HMAC_SHA_256' });
  });

  it('verifies a MAC with VerifyMac, the same key and algorithm', async () => {
    // Prepare
    kmsMock.on(VerifyMacCommand).resolves({ MacValid: true, KeyId: KEY_ARN });
    const key = new KmsMacKey({ kms: Promise.resolve(kms), keyId: KEY_ARN });

    // Act
    const valid = await key.verify(message, mac);

    // Assess
    expect(valid).toBe(true);
    expect(kmsMock.commandCalls(VerifyMacCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY_ARN,
      Message: message,
      Mac: mac,
      MacAlgorithm: 'HMAC_SHA_256',
    });
  });

  it('answers false for a wrong MAC (KMS throws KMSInvalidMacException for it)', async () => {
    // Prepare
    kmsMock
      .on(VerifyMacCommand)
      .rejects(new KMSInvalidMacException({ message: 'invalid MAC', $metadata: { httpStatusCode: 400 } }));
    const key = new KmsMacKey({ kms, keyId: KEY_ARN });

    // Act / Assess
    await expect(key.verify(message, mac)).resolves.toBe(false);
  });

  it.each([
    ['DisabledException', 'the key is disabled'],
    ['KMSInvalidStateException', 'the key is pending deletion'],
    ['NotFoundException', 'the key was deleted'],
  ])('says the key is unusable on %s (%s), for verify and for mac', async (name, what) => {
    // Prepare
    const error = Object.assign(new Error(what), { name, $metadata: { httpStatusCode: 400 } });
    kmsMock.on(VerifyMacCommand).rejects(error);
    kmsMock.on(GenerateMacCommand).rejects(error);
    const key = new KmsMacKey({ kms, keyId: KEY_ARN });

    // Act
    const verified = key.verify(message, mac);
    const made = key.mac(message);

    // Assess
    await expect(verified).rejects.toBeInstanceOf(MacKeyUnusableError);
    await expect(verified).rejects.toMatchObject({ keyId: KEY_ARN, reason: name, cause: error });
    await expect(made).rejects.toBeInstanceOf(MacKeyUnusableError);
  });

  it.each([
    ['ThrottlingException', 400],
    ['KMSInternalException', 500],
    ['DependencyTimeoutException', 503],
    ['KeyUnavailableException', 500],
    ['AccessDeniedException', 400],
    ['InvalidKeyUsageException', 400],
  ])(
    'throws %s as it is: an outage or a deployment fault is never a forged or dead link',
    async (name, status) => {
      // Prepare
      const error = Object.assign(new Error(`${name} (simulated)`), {
        name,
        $metadata: { httpStatusCode: status },
      });
      kmsMock.on(VerifyMacCommand).rejects(error);
      const key = new KmsMacKey({ kms, keyId: KEY_ARN });

      // Act
      const verified = key.verify(message, mac);

      // Assess
      await expect(verified).rejects.toBe(error);
    },
  );

  it('fails when GenerateMac returns no MAC', async () => {
    // Prepare
    kmsMock.on(GenerateMacCommand).resolves({});
    const key = new KmsMacKey({ kms, keyId: KEY_ARN });

    // Act / Assess
    await expect(key.mac(message)).rejects.toThrow(/returned no MAC/);
  });
});
