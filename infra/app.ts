/**
 * The CDK app: `npx cdk synth|diff|deploy -c stage=dev|prod`. The plan configuration is
 * validated first, so a bad cron, time zone, recipient or KPI reference fails synthesis with
 * a message naming it; the AWS Solutions checks (cdk-nag) and the Control Tower proactive
 * controls (cfn-guard) run on every synthesis and fail it on any unacknowledged finding.
 *
 * Stage overrides for one deployment (see infra/stage.ts): `-c sesIdentity=create|import`,
 * `-c lambdaMemoryMaxMb=<MB>`, `-c reportLinkConcurrency=<n>|none`.
 */
import { App } from 'aws-cdk-lib';
import { defineConfig } from '../shared/config/define-config.ts';
import type { PlanConfig } from '../shared/config/schema.ts';
import { PlanMonitorStack } from './plan-monitor-stack.ts';
import { addPolicyChecks } from './policy-checks.ts';
import { stageSettings } from './stage.ts';

async function loadPlanConfig(): Promise<PlanConfig> {
  try {
    const { default: planConfig } = await import('../plan.config.ts');
    // plan.config.ts already calls defineConfig; parsing again is cheap and means an object
    // that skipped it still cannot reach the stack unchecked.
    return defineConfig(planConfig);
  } catch (error) {
    console.error(`plan.config.ts is invalid — nothing was synthesized.\n${(error as Error).message}`);
    process.exit(1);
  }
}

const app = new App();
const context = (key: string): unknown => app.node.tryGetContext(key);
const stage = stageSettings(context('stage') ?? 'dev', {
  sesIdentity: context('sesIdentity'),
  lambdaMemoryMaxMb: context('lambdaMemoryMaxMb'),
  reportLinkConcurrency: context('reportLinkConcurrency'),
});
const config = await loadPlanConfig();

new PlanMonitorStack(app, `PlanMonitor-${stage.name}`, {
  stage,
  config,
  description: `Plan Monitor (${stage.name}): scheduled plan-vs-actual reports`,
  // Account and region come from the deploying credentials; synthesis needs neither.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

addPolicyChecks(app);
