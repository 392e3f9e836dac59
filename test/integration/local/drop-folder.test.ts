/**
 * The drop folder of `--serve`: files in drop/actuals/, drop/targets/, drop/milestones/ are
 * picked up with the kind of their folder, and a file whose kind cannot be told is reported
 * with the folders to move it into — the ones that are watched.
 */
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DroppedFile, watchDropFolder } from '../../../infra/local/drop-folder.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';

const ACTUALS = 'date,kpi,channel,value\n2026-11-20,gmv,tmall,1200\n';

let root: string;
let drop: string;
const files: DroppedFile[] = [];
const problems: { name: string; message: string }[] = [];
let watcher: { close(): void };

/** Resolves once `check` holds, polling (the watcher reacts after its quiet time). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'plan-monitor-drop-'));
  drop = path.join(root, 'drop');
  watcher = watchDropFolder({
    dropDir: drop,
    config: await loadConfig(),
    shownAs: 'drop',
    quietMs: 100,
    async onFile(file) {
      files.push(file);
    },
    onProblem: (name, message) => problems.push({ name, message }),
  });
});

afterAll(() => {
  watcher.close();
  rmSync(root, { recursive: true, force: true });
});

describe('watchDropFolder', () => {
  it('creates the kind folders the messages point to', () => {
    for (const kind of ['actuals', 'targets', 'milestones']) {
      expect(statSync(path.join(drop, kind)).isDirectory(), kind).toBe(true);
    }
  });

  it('takes the kind from the folder a file is saved in, whatever its name or header says', async () => {
    writeFileSync(path.join(drop, 'actuals', 'november.csv'), ACTUALS);
    // An actuals header in targets/: the folder decides (ingestion then reports the columns).
    writeFileSync(path.join(drop, 'targets', 'plan.csv'), ACTUALS);
    await eventually(() => files.length >= 2, 'two dropped files');
    expect(files.map((f) => [f.name, f.kind]).sort()).toEqual([
      ['actuals/november.csv', 'actuals'],
      ['targets/plan.csv', 'targets'],
    ]);
    expect(files.find((f) => f.name === 'actuals/november.csv')?.body.toString()).toBe(ACTUALS);
  });

  it('tells the user to move a file of unknown kind into those folders, and picks it up once moved', async () => {
    writeFileSync(path.join(drop, 'export.csv'), 'a,b\n1,2\n');
    await eventually(() => problems.length >= 1, 'the problem report');
    expect(problems).toEqual([
      {
        name: 'export.csv',
        message:
          'cannot tell whether it holds actuals, targets or milestones: move it into drop/actuals/, drop/targets/ or drop/milestones/',
      },
    ]);
    renameSync(path.join(drop, 'export.csv'), path.join(drop, 'milestones', 'export.csv'));
    await eventually(() => files.some((f) => f.name === 'milestones/export.csv'), 'the moved file');
    expect(files.find((f) => f.name === 'milestones/export.csv')?.kind).toBe('milestones');
  });

  it('ignores files that are not uploads (Excel lock files, hidden files, other extensions)', async () => {
    writeFileSync(path.join(drop, 'actuals', '~$november.xlsx'), 'lock');
    writeFileSync(path.join(drop, 'actuals', '.hidden.csv'), ACTUALS);
    writeFileSync(path.join(drop, 'actuals', 'notes.md'), '# notes');
    writeFileSync(path.join(drop, 'actuals', 'december.csv'), ACTUALS);
    await eventually(() => files.some((f) => f.name === 'actuals/december.csv'), 'december.csv');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(files.map((f) => f.name).filter((n) => /november\.xlsx|hidden|notes/.test(n))).toEqual([]);
  });
});
