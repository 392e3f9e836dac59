/**
 * The charted workbook in real readers: LibreOffice (headless) opens it and keeps both charts
 * with their cell references when it saves it again (a chart it could not read would be
 * dropped), and openpyxl, a strict reader, loads it and finds both charts. Each reader is a
 * system program: the test runs where it is installed, and CI=true makes its absence a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { workbookChartsFor } from '../../../shared/report/charts/workbook-chart-data.ts';
import { addWorkbookCharts } from '../../../shared/report/charts/workbook-charts.ts';
import { renderWorkbook } from '../../../shared/report/render/excel.ts';
import { reportModelZh } from '../../fixtures/report-model.ts';

const ci = process.env.CI === 'true';
const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;
const PYTHON = '/usr/bin/python3';
const openpyxl = spawnSync(PYTHON, ['-c', 'import openpyxl'], { encoding: 'utf8' }).status === 0;
if (!soffice)
  console.warn(
    'soffice is not on the PATH: the LibreOffice check of the workbook charts does not run (apt-get install libreoffice-calc)',
  );
if (!openpyxl)
  console.warn(
    `${PYTHON} has no openpyxl: the openpyxl check of the workbook charts does not run (apt-get install python3-openpyxl)`,
  );

const dir = mkdtempSync(join(tmpdir(), 'workbook-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeChartedWorkbook(): Promise<string> {
  const bytes = await addWorkbookCharts(
    await renderWorkbook(reportModelZh),
    workbookChartsFor(reportModelZh)!,
  );
  const file = join(dir, 'charted.xlsx');
  writeFileSync(file, bytes);
  return file;
}

const formulas = async (zip: JSZip) => {
  const out: string[] = [];
  for (const path of Object.keys(zip.files)
    .filter((p) => /^xl\/charts\/chart\d+\.xml$/.test(p))
    .sort()) {
    const xml = await zip.file(path)!.async('string');
    out.push(
      ...[...xml.matchAll(/<c:f>(.*?)<\/c:f>/g)].map((m) =>
        m[1]!.replace(/&apos;|&#39;/g, "'").replace(/'/g, ''),
      ),
    );
  }
  return out;
};

describe('the charted workbook in real readers', () => {
  it.runIf(soffice || ci)(
    'LibreOffice opens it and saves it again with both charts and their cell references',
    { timeout: 240_000 },
    async () => {
      const file = await writeChartedWorkbook();
      const out = join(dir, 'resaved');
      const result = spawnSync(
        'soffice',
        [
          `-env:UserInstallation=file://${join(dir, 'profile')}`,
          '--headless',
          '--convert-to',
          'xlsx:Calc MS Excel 2007 XML',
          '--outdir',
          out,
          file,
        ],
        { encoding: 'utf8', timeout: 230_000 },
      );
      expect(result.status, result.stderr).toBe(0);
      const ours = await formulas(await JSZip.loadAsync(readFileSync(file)));
      const resaved = await formulas(await JSZip.loadAsync(readFileSync(join(out, 'charted.xlsx'))));
      expect(ours.length).toBeGreaterThanOrEqual(6);
      // LibreOffice writes its own chart XML: the same cell ranges must come back.
      for (const formula of ours) expect(resaved).toContain(formula);
    },
  );

  it.runIf(openpyxl || ci)('openpyxl loads it and reads both charts on the chart sheet', async () => {
    const file = await writeChartedWorkbook();
    const result = spawnSync(
      PYTHON,
      [
        '-c',
        "import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); print(len(wb['图表']._charts))",
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('2');
  });
});
