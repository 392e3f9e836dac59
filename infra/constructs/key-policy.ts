import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What the account (through IAM) may do with a key: administer it, and use it where `use` adds
 * the key's own operations. No `kms:*`, and no kms:CreateGrant: nothing here hands the keys to
 * another service through a grant (CloudWatch and the functions use key and IAM policies).
 */
export function accountAdministersKey(use: readonly string[] = []): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AccountAdministersKey',
    principals: [new iam.AccountRootPrincipal()],
    actions: [...KEY_ADMIN_ACTIONS, ...use].sort(),
    resources: ['*'],
  });
}

const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:EnableKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** Use and rotation of a symmetric encryption key (the alarm topic's). */
export const ENCRYPTION_KEY_USE = [
  'kms:Decrypt',
  'kms:DisableKeyRotation',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * Control Tower CT.KMS.PR.3: nobody may create a grant on the key unless it is for an AWS
 * resource or by an AWS service. Nothing here creates grants at all; this keeps it so.
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  });
}
