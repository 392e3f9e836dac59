import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Lints `source` placed in `folder` of the repository (the layer rules are per folder), then
 * removes it again. Biome's stdin mode reports no diagnostics, hence the short-lived file.
 */
function lintIn(folder: string, source: string) {
  const file = `${folder}/zz-lint-probe-${process.pid}-${Math.random().toString(36).slice(2)}.ts`;
  writeFileSync(`${root}${file}`, source);
  try {
    const result = spawnSync('node_modules/.bin/biome', ['lint', file], { cwd: root, encoding: 'utf8' });
    return { failed: result.status !== 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(`${root}${file}`, { force: true });
  }
}

const awsImport = "import { S3Client } from '@aws-sdk/client-s3';\n\nexport const client = S3Client;\n";

describe('layer import rules', () => {
  it('rejects an AWS SDK import inside shared/domain', () => {
    const { failed, output } = lintIn('shared/domain', awsImport);
    expect(failed).toBe(true);
    expect(output).toContain('The domain is pure: no AWS SDK');
  });

  it('rejects an AWS SDK import in the use cases, which must go through a port', () => {
    const { failed, output } = lintIn('shared/app', awsImport);
    expect(failed).toBe(true);
    expect(output).toContain('Only shared/adapters/ may talk to AWS');
  });

  it('allows it in shared/adapters', () => {
    const { failed, output } = lintIn('shared/adapters', awsImport);
    expect(output).not.toContain('noRestrictedImports');
    expect(failed).toBe(false);
  });
});
