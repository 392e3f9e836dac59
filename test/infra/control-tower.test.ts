/**
 * The AWS Control Tower proactive controls (cfn-guard rules bundled with
 * @cdklabs/cdk-validator-cfnguard, run as a CDK policy-validation plugin on every synthesis):
 * nothing unacknowledged in either stage, every acknowledgment with its reason and hiding a real
 * finding, and a new violation caught.
 */
/** biome-ignore-all lint/suspicious/noExplicitAny: the validation report is untyped JSON */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanMonitorStack } from '../../infra/plan-monitor-stack.ts';
import { addPolicyChecks } from '../../infra/policy-checks.ts';
import { stageSettings } from '../../infra/stage.ts';
import { sharedConfig } from './support/shared-config.ts';
import { buildStack } from './support/stack.ts';
import { suppressedFindings, unacknowledgedFindings } from './support/synthesized.ts';

const GUARD = 'cdk-validator-cfnguard';
const scratch = mkdtempSync(join(tmpdir(), 'control-tower-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Synthesizes an app with the policy checks (the dev stack unless `withStack` is false), lets
 * `edit` change it, and returns cfn-guard's findings.
 */
function guardFindings(
  name: string,
  edit: (app: App) => void,
  withStack = true,
): { rule: string; paths: string[] }[] {
  const outdir = join(scratch, name);
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:failSynthOnValidationErrors': false },
    builtinCloudFormationValidation: false,
  });
  if (withStack) {
    new PlanMonitorStack(app, 'PlanMonitor-dev', { stage: stageSettings('dev'), config: sharedConfig });
  }
  edit(app);
  addPolicyChecks(app);
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((p: any) => p.pluginName === GUARD)
    .flatMap((p: any) =>
      p.violations.map((v: any) => ({
        rule: v.ruleName,
        paths: v.violatingConstructs.map((c: any) => c.constructPath),
      })),
    );
}

describe('AWS Control Tower proactive controls (cfn-guard)', () => {
  it('ran on the synthesized dev and prod stacks and left nothing unacknowledged', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const { plugins, violations } = unacknowledgedFindings(stage);
      expect(plugins, stage).toContain(GUARD);
      expect(violations.filter((v) => v.plugin === GUARD).map((v) => `${v.rule} @ ${v.paths}`)).toEqual([]);
    }
  });

  it('report a control broken by a new resource', () => {
    const found = guardFindings(
      'introduced',
      (app) => {
        const extra = new Stack(app, 'Extra');
        new s3.Bucket(extra, 'Careless', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
      },
      false,
    );
    const careless = found.filter((f) => f.paths.some((p) => p.startsWith('Extra/Careless')));
    expect(careless.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['s3_bucket_versioning_enabled_check', 's3_bucket_logging_enabled_check']),
    );
  });

  it('carry no stale acknowledgment: each one hides a finding that really exists, with a reason', () => {
    for (const stage of ['dev', 'prod'] as const) {
      // What the stack acknowledges (read from the construct tree)…
      const { app } = buildStack({ config: sharedConfig, stage });
      const acknowledged: { id: string; path: string; reason: string }[] = [];
      for (const node of app.node.findAll()) {
        for (const entry of node.node.metadata) {
          if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
            if (id.startsWith(`${GUARD}::`)) acknowledged.push({ id, path: node.node.path, reason });
          }
        }
      }
      expect(acknowledged.length, stage).toBeGreaterThan(5);
      // …each silenced a real finding in that stage's synthesis (the report lists what each hid).
      const suppressed = suppressedFindings(stage);
      for (const ack of acknowledged) {
        const label = `${stage}: ${ack.id} @ ${ack.path}`;
        expect(ack.reason.length, label).toBeGreaterThan(60);
        expect(
          suppressed.some((v) => v.acknowledgedId === ack.id && v.acknowledgedAt === ack.path),
          label,
        ).toBe(true);
      }
    }
  });
});
