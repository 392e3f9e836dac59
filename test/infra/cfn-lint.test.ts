/**
 * cfn-lint (AWS's CloudFormation linter: resource specs, value ranges, best practices) on both
 * synthesized templates, with the project's .cfnlintrc: 0 errors, and warnings only those
 * acknowledged there with a reason. cfn-lint is a Python tool: installed on the build machines
 * (where CI=true makes its absence a failure); elsewhere `pip install cfn-lint` (README).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/plan-function.ts';
import { templatePath } from './support/synthesized.ts';

const lint = (...files: string[]) =>
  spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { cwd: PROJECT_ROOT, encoding: 'utf8' });
const installed = (() => {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
})();

describe('cfn-lint', () => {
  it.runIf(installed)('finds nothing in the dev and prod templates beyond the acknowledged warnings', () => {
    const result = lint(templatePath('dev'), templatePath('prod'));
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.runIf(installed)('reports an error in a template CloudFormation would refuse', () => {
    const template = JSON.parse(readFileSync(templatePath('dev'), 'utf8'));
    const fn = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Timeout: number } }>,
    ).find((r) => r.Type === 'AWS::Lambda::Function')!;
    fn.Properties.Timeout = 5000; // Lambda allows at most 900 s
    const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
    try {
      const file = join(dir, 'broken.template.json');
      writeFileSync(file, JSON.stringify(template));
      const result = lint(file);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toMatch(/:E3034:5000 is greater than the maximum of 900/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is installed wherever CI runs (elsewhere: pip install cfn-lint)', () => {
    expect(installed || !process.env.CI, 'cfn-lint is not on the PATH of this build machine').toBe(true);
  });
});
