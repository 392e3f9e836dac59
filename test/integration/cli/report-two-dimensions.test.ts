/**
 * `plan-monitor report … --json` exposes the cells of the two-dimension breakdown that
 * plan.config.ts configures (channel × category in the monthly business review): each cell's
 * actual, target and variance, with its two dimension values. The uploads are written by hand
 * so every expected figure is worked out here, not taken from the engine.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/calendar.ts';
import type { ReportModel } from '../../../shared/report/report-model.ts';
import { runCli } from './run-cli.ts';

const AS_OF = '2026-11-30';
let dir: string;

function write(key: string, lines: string[]): void {
  const file = path.join(dir, 'uploads', key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plan-monitor-2d-'));
  // November: tmall × pets sells 1,000 a day, jd × beauty 500 a day (30 days: 30,000 and 15,000).
  const actuals = ['date,kpi,channel,category,value'];
  for (let day = '2026-11-01'; day <= AS_OF; day = addDays(day, 1)) {
    actuals.push(`${day},gmv,tmall,pets,1000`, `${day},gmv,jd,beauty,500`);
  }
  write('incoming/actuals/gmv-cells.csv', actuals);
  // Budget only at the two cells: 33,000 and 15,000 for November.
  write('incoming/targets/budget-cells.csv', [
    'version,kpi,period,channel,category,value',
    'budget,gmv,2026-11,tmall,pets,33000',
    'budget,gmv,2026-11,jd,beauty,15000',
  ]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('plan-monitor report --json with a two-dimension breakdown', () => {
  it('exposes each channel × category cell with its figures and dimension values', async () => {
    const run = await runCli(
      [
        'report',
        'monthly-business-review',
        '--as-of',
        AS_OF,
        '--json',
        '--from-files',
        path.join(dir, 'uploads'),
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(run.stdout) as ReportModel;
    const crossed = model.breakdowns.find((b) => b.dimensions.join('×') === 'channel×category');
    expect(crossed, 'channel × category breakdown').toBeDefined();
    expect(crossed!.range).toBe('MTD');
    const cell = (value: string) => crossed!.rows.find((r) => r.kpi === 'gmv' && r.value === value);

    const tmallPets = cell('tmall|pets')!;
    expect(tmallPets.dims).toEqual({ channel: 'tmall', category: 'pets' });
    expect(tmallPets.actual).toBeCloseTo(30_000, 6);
    expect(tmallPets.target).toBeCloseTo(33_000, 6);
    expect(tmallPets.variancePct).toBeCloseTo(30_000 / 33_000 - 1, 9);
    expect(tmallPets.targetSource).toBe('explicit');

    const jdBeauty = cell('jd|beauty')!;
    expect(jdBeauty.actual).toBeCloseTo(15_000, 6);
    expect(jdBeauty.target).toBeCloseTo(15_000, 6);
    expect(jdBeauty.variancePct).toBeCloseTo(0, 9);

    // A cell nobody sold in or planned for has neither figure.
    const empty = cell('tmall|beauty');
    expect(empty?.actual ?? null).toBeNull();
    expect(empty?.target ?? null).toBeNull();

    // The total's target is the sum of the cells' (spec §6, D6): 48,000 against 45,000 sold.
    const total = model.table.find((r) => r.kpi === 'gmv' && r.range === 'MTD')!;
    expect(total.target).toBeCloseTo(48_000, 6);
    expect(total.actual).toBeCloseTo(45_000, 6);
  });
});
