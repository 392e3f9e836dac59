/**
 * Synthesizes the Plan Monitor app ONCE per infra test run, dev and prod, exactly as
 * `cdk synth` does (same stack, same policy checks: CDK's template validation, cdk-nag and the
 * Control Tower rules), but without bundling (asset hashes are the only difference) and
 * without failing on findings, so the tests can report them. Each stage's cloud assembly goes
 * to a temp directory whose path the tests get through `inject('infraSynth')`
 * (support/synthesized.ts); the ~30 s of loading CDK's validation engine and the two stacks is
 * paid once, not per test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { TestProject } from 'vitest/node';
import { PlanMonitorStack } from '../../../infra/plan-monitor-stack.ts';
import { addPolicyChecks } from '../../../infra/policy-checks.ts';
import { STAGES, stageSettings } from '../../../infra/stage.ts';
import { sharedConfig } from './shared-config.ts';

export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'plan-monitor-synth-'));
  const dirs: Record<string, string> = {};
  for (const name of STAGES) {
    const outdir = join(root, name);
    const app = new App({
      outdir,
      context: {
        'aws:cdk:bundling-stacks': [],
        // Write the validation report and let the tests read it instead of throwing here.
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      },
    });
    new PlanMonitorStack(app, `PlanMonitor-${name}`, { stage: stageSettings(name), config: sharedConfig });
    addPolicyChecks(app);
    app.synth();
    dirs[name] = outdir;
  }
  project.provide('infraSynth', { dev: dirs.dev!, prod: dirs.prod! });
  return () => rmSync(root, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    infraSynth: { dev: string; prod: string };
  }
}
