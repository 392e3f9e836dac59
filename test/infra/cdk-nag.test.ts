import { type PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedConfig as config } from './support/shared-config.ts';
import { type BuiltStack, buildStack } from './support/stack.ts';
import { unacknowledgedFindings } from './support/synthesized.ts';

const describeViolations = (violations: readonly PolicyViolation[]) =>
  violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

let dev: BuiltStack;
let prod: BuiltStack;

beforeAll(() => {
  dev = buildStack({ config, stage: 'dev' });
  prod = buildStack({ config, stage: 'prod' });
});

describe('AWS Solutions checks (cdk-nag)', () => {
  it('leave nothing unacknowledged in the synthesized dev and prod stacks (cdk-nag and CDK template validation)', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const { violations } = unacknowledgedFindings(stage);
      expect(violations.filter((v) => v.plugin !== 'cdk-validator-cfnguard')).toEqual([]);
    }
  });

  it('find nothing unacknowledged in dev or prod', () => {
    for (const { app } of [dev, prod]) {
      const report = new AwsSolutionsChecks().validateScope(app);
      expect(describeViolations(report.violations)).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('report an unacknowledged finding when one is introduced', () => {
    // A fresh app with the real stack plus a bucket that allows plain HTTP and has no logs.
    const { app } = buildStack({ config, stage: 'dev' });
    const extra = new Stack(app, 'Extra');
    new s3.Bucket(extra, 'Careless', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.success).toBe(false);
    const found = describeViolations(report.violations);
    expect(found).toContain('AwsSolutions-S10 @ Extra/Careless/Resource');
    expect(found).toContain('AwsSolutions-S1 @ Extra/Careless/Resource');
    // …and only that bucket is reported.
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual(
      expect.arrayContaining(['Extra/Careless/Resource']),
    );
    for (const v of report.violations) {
      for (const r of v.violatingResources) expect(r.constructPath ?? '').toMatch(/^Extra\//);
    }
  });

  it('give every acknowledgment a specific reason', () => {
    const acknowledgments: { path: string; id: string; reason: string }[] = [];
    for (const node of dev.app.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledgments.push({ path: node.node.path, id, reason });
        }
      }
    }
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const a of acknowledgments) {
      expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThan(40);
      // Never on the stack or app as a whole: on the construct that has the finding.
      expect(a.path.split('/').length, `${a.id} on ${a.path}`).toBeGreaterThan(1);
    }
  });

  it('carry no stale acknowledgment: each one silences a finding that really exists', () => {
    const { app } = buildStack({ config, stage: 'prod' });
    const acknowledged: string[] = [];
    for (const node of app.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const id of Object.keys(entry.data as Record<string, string>)) {
          // Control Tower (cfn-guard) acknowledgments are checked in control-tower.test.ts.
          if (id.startsWith('cdk-validator-cfnguard::')) continue;
          acknowledged.push(`${id.replace(/^annotation::/i, '')} @ ${node.node.path}`);
        }
        // Switch the acknowledgment off (metadata entries are shared objects) to see what it hides.
        (entry as { type: string }).type = 'acknowledgment-disabled-by-test';
      }
    }
    const findings = new AwsSolutionsChecks().validateScope(app).violations;
    for (const ack of acknowledged) {
      const [id, path] = ack.split(' @ ') as [string, string];
      const hidden = findings.some(
        (v) =>
          v.ruleName === id &&
          v.violatingResources.some((r) => (r.constructPath ?? '').startsWith(`${path}/`)),
      );
      expect(hidden, ack).toBe(true);
    }
  });
});
