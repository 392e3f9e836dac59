import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag names a reference to this construct's resource inside a finding id, e.g.
 * `AwsSolutions-IAM5[Resource::<UploadsBucketABC123.Arn>/incoming/*]` — so acknowledgments
 * can name the exact finding instead of a whole rule.
 */
export function nagRef(construct: IConstruct, attribute = 'Arn'): string {
  const child = construct.node.defaultChild;
  if (!CfnElement.isCfnElement(child))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return `<${Stack.of(construct).getLogicalId(child)}.${attribute}>`;
}
