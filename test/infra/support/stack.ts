/**
 * Builds the Plan Monitor stack for tests from an injected configuration. Bundling is the slow
 * part (esbuild per function), so helpers skip it unless asked; a template built without
 * bundling differs only in asset hashes.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PlanMonitorStack } from '../../../infra/plan-monitor-stack.ts';
import { type StageName, stageSettings } from '../../../infra/stage.ts';
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
}): BuiltStack {
  const app = new App({
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const stage = stageSettings(options.stage ?? 'dev');
  const stack = new PlanMonitorStack(app, `PlanMonitor-${stage.name}`, { stage, config: options.config });
  return { app, stack, template: Template.fromStack(stack) };
}

export { configInput, report, testConfig } from './config.ts';
