/**
 * The CDK app: `npx cdk synth|diff|deploy -c stage=dev|prod`. The plan configuration is
 * validated first, so a bad cron, time zone, recipient or KPI reference fails synthesis with
 * a message naming it; AWS Solutions checks (cdk-nag) run on every synthesis.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import planConfig from '../plan.config.ts';
import { defineConfig } from '../shared/config/define-config.ts';
import { PlanMonitorStack } from './plan-monitor-stack.ts';
import { stageSettings } from './stage.ts';

const app = new App();
const stage = stageSettings(app.node.tryGetContext('stage') ?? 'dev');
// plan.config.ts already calls defineConfig; parsing again is cheap and means a config object
// that skipped it still cannot reach the stack unchecked.
const config = defineConfig(planConfig);

new PlanMonitorStack(app, `PlanMonitor-${stage.name}`, {
  stage,
  config,
  description: `Plan Monitor (${stage.name}): scheduled plan-vs-actual reports`,
  // Account and region come from the deploying credentials; synthesis needs neither.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
