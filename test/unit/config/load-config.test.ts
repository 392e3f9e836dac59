import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import planConfig from '../../../plan.config.ts';
import { PlanConfigError } from '../../../shared/config/define-config.ts';
import { ConfigLoadError, defaultConfigPath, loadConfig } from '../../../shared/config/load-config.ts';
import { baseConfig } from './base-config.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const defineConfigUrl = pathToFileURL(path.join(repoRoot, 'shared/config/define-config.ts')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'plan-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loadConfig to reject');
}

describe('loadConfig', () => {
  it("defaults to the repository's plan.config.ts, found from the module rather than the working directory", async () => {
    expect(defaultConfigPath()).toBe(path.join(repoRoot, 'plan.config.ts'));
    const loaded = await loadConfig();
    expect(loaded).toEqual(planConfig);
  });

  it('loads a TypeScript module that calls defineConfig', async () => {
    const file = write(
      'valid.config.ts',
      `import { defineConfig } from '${defineConfigUrl}';\nexport default defineConfig(${JSON.stringify(baseConfig())});\n`,
    );
    const loaded = await loadConfig(file);
    expect(loaded.reports.map((r) => r.id)).toEqual(['weekly-progress', 'category-weekly']);
  });

  it('validates a module that exports a plain object and fills in the defaults', async () => {
    const file = write('plain.config.mjs', `export default ${JSON.stringify(baseConfig())};\n`);
    const loaded = await loadConfig(file);
    expect(loaded.kpis[1]!.tolerance).toEqual({ atRisk: 0.02, offTrack: 0.1 });
  });

  it('resolves a relative path against the working directory', async () => {
    const file = write('relative.config.mjs', `export default ${JSON.stringify(baseConfig())};\n`);
    const loaded = await loadConfig(path.relative(process.cwd(), file));
    expect(loaded.version).toBe(baseConfig().version);
  });

  it('names the path of a missing file and what to pass instead', async () => {
    const missing = path.join(dir, 'nope.config.ts');
    const error = await rejection(loadConfig(missing));
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(error.message).toContain(`${missing} does not exist`);
    expect(error.message).toContain('Pass the path of a plan.config.ts');
  });

  it('explains how to fix a module without a default export', async () => {
    const file = write('named.config.mjs', `export const config = ${JSON.stringify(baseConfig())};\n`);
    const error = await rejection(loadConfig(file));
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(error.message).toContain(`${file} has no default export`);
    expect(error.message).toContain('export default defineConfig');
  });

  it('rejects a file that is not a module', async () => {
    const file = write('plan.config.json', JSON.stringify(baseConfig()));
    const error = await rejection(loadConfig(file));
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(error.message).toContain('is not a configuration module');
  });

  it('reports a module that fails to import, with the file name', async () => {
    const file = write('broken.config.mjs', 'export default {;\n');
    const error = await rejection(loadConfig(file));
    expect(error).toBeInstanceOf(ConfigLoadError);
    expect(error.message).toContain(`could not load plan configuration ${file}`);
  });

  it('reports an invalid plain configuration with the file and each bad path', async () => {
    const config = baseConfig();
    config.reports[0]!.kpis = ['gmw'];
    const file = write('invalid.config.mjs', `export default ${JSON.stringify(config)};\n`);
    const error = await rejection(loadConfig(file));
    expect(error).toBeInstanceOf(PlanConfigError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('reports[0].kpis[0]');
    expect((error as PlanConfigError).problems[0]!.message).toContain('Did you mean "gmv"?');
  });

  it('reports a module whose own defineConfig call throws, with the file and the bad path', async () => {
    const config = baseConfig();
    config.calendar.timeZone = 'Asia/Shangai';
    const file = write(
      'throws.config.ts',
      `import { defineConfig } from '${defineConfigUrl}';\nexport default defineConfig(${JSON.stringify(config)});\n`,
    );
    const error = await rejection(loadConfig(file));
    expect(error).toBeInstanceOf(PlanConfigError);
    expect(error.message).toContain(file);
    expect((error as PlanConfigError).problems).toEqual([
      expect.objectContaining({
        path: 'calendar.timeZone',
        message: expect.stringContaining('Asia/Shanghai'),
      }),
    ]);
  });
});
