/**
 * The stacks global-setup.ts synthesized once for the whole infra run: templates and the
 * policy-validation report, read from its cloud assemblies.
 */
/** biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation and report JSON are untyped */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import type { StageName } from '../../../infra/stage.ts';

export function assemblyDir(stage: StageName): string {
  return inject('infraSynth')[stage];
}

export function templatePath(stage: StageName): string {
  return join(assemblyDir(stage), `PlanMonitor-${stage}.template.json`);
}

const templates = new Map<StageName, Template>();

/** The synthesized template of a stage (parsed once per test file). */
export function sharedTemplate(stage: StageName): Template {
  let template = templates.get(stage);
  if (!template) {
    template = Template.fromJSON(JSON.parse(readFileSync(templatePath(stage), 'utf8')));
    templates.set(stage, template);
  }
  return template;
}

export interface ReportedViolation {
  readonly plugin: string;
  readonly rule: string;
  readonly description: string;
  readonly paths: readonly string[];
}

const reportOf = (stage: StageName) =>
  JSON.parse(readFileSync(join(assemblyDir(stage), 'validation-report.json'), 'utf8'));

/** The findings an acknowledgment silenced: which rule, acknowledged where, with what reason. */
export function suppressedFindings(
  stage: StageName,
): { ruleName: string; acknowledgedId: string; acknowledgedAt: string; reason: string }[] {
  return reportOf(stage).pluginReports.flatMap((p: any) => p.suppressedViolations ?? []);
}

/** Every finding left after acknowledgments, from each plugin that synthesis ran. */
export function unacknowledgedFindings(stage: StageName): {
  plugins: string[];
  violations: ReportedViolation[];
} {
  const report = reportOf(stage);
  const plugins: string[] = [];
  const violations: ReportedViolation[] = [];
  for (const plugin of report.pluginReports as any[]) {
    plugins.push(plugin.pluginName);
    for (const v of plugin.violations as any[]) {
      violations.push({
        plugin: plugin.pluginName,
        rule: v.ruleName,
        description: v.description,
        paths: (v.violatingConstructs ?? []).map(
          (c: any) => c.constructPath ?? c.cloudFormationResource?.logicalId,
        ),
      });
    }
  }
  return { plugins, violations };
}
