/**
 * The rule sets every synthesis runs, next to CDK's own template validation: the AWS Solutions
 * checks (cdk-nag) and the AWS Control Tower proactive controls (cfn-guard with its bundled
 * binary: no network). Any finding not acknowledged on the construct that has it — with its
 * reason — fails synthesis. Used by infra/app.ts and by the infra tests, so both check the same.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export function addPolicyChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
}

/** How the cfn-guard plugin names itself in a rule id (`<namespace>::<rule name>`). */
const CFN_GUARD_NAMESPACE = 'cdk-validator-cfnguard';

/**
 * Acknowledges a Control Tower proactive control (by its cfn-guard rule name, e.g.
 * `lambda_inside_vpc_check` for CT.LAMBDA.PR.?) on `scope` and everything under it, with why
 * the control does not fit this stack.
 */
export function acknowledgeControl(scope: IConstruct, ruleName: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${CFN_GUARD_NAMESPACE}::${ruleName}`, reason });
}
