/**
 * Builds a Plan Monitor stack in memory for tests that need their own configuration or the
 * construct tree. Most tests read the stacks synthesized once for the run instead
 * (synthesized.ts). Bundling is skipped unless asked (a template built without it differs only
 * in asset hashes), and so is CDK's built-in template validation, whose engine takes seconds to
 * load per test file: it runs on the shared synthesis, which the policy-check tests read.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { FunctionName, FunctionSize } from '../../../infra/lambda-sizing.ts';
import { PlanMonitorStack } from '../../../infra/plan-monitor-stack.ts';
import { type StageName, type StageOverrides, stageSettings } from '../../../infra/stage.ts';
import type { PlanConfig } from '../../../shared/config/schema.ts';

export interface BuiltStack {
  readonly app: App;
  readonly stack: PlanMonitorStack;
  readonly template: Template;
}

export function buildStack(options: {
  config: PlanConfig;
  stage?: StageName;
  /** Run esbuild for real (slow); default skips bundling. */
  bundle?: boolean;
  /** As `-c key=value` would give them. */
  overrides?: StageOverrides;
  /** Function sizes instead of infra/lambda-sizing.json. */
  sizes?: Record<FunctionName, FunctionSize>;
}): BuiltStack {
  const app = new App({
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const stage = stageSettings(options.stage ?? 'dev', options.overrides);
  const stack = new PlanMonitorStack(app, `PlanMonitor-${stage.name}`, {
    stage,
    config: options.config,
    ...(options.sizes ? { sizes: options.sizes } : {}),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export { configInput, report, testConfig } from './config.ts';
