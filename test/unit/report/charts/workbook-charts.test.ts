import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { trendChartData, varianceChartData } from '../../../../shared/report/charts/chart-data.ts';
import { rangeFormula } from '../../../../shared/report/charts/drawingml.ts';
import { CHART_SHEET_NAME, workbookChartsFor } from '../../../../shared/report/charts/workbook-chart-data.ts';
import { addWorkbookCharts, columnLetters } from '../../../../shared/report/charts/workbook-charts.ts';
import { renderWorkbook } from '../../../../shared/report/render/excel.ts';
import { reportModelZh } from '../../../fixtures/report-model.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/xlsx-charts');

async function chartedWorkbook() {
  const request = workbookChartsFor(reportModelZh)!;
  const bytes = await addWorkbookCharts(await renderWorkbook(reportModelZh), request);
  return JSZip.loadAsync(bytes);
}

const read = (zip: JSZip, path: string) => zip.file(path)!.async('string');

/** The values of the appended chart sheet's cells, by A1 reference. */
function cells(sheetXml: string): Map<string, string | number> {
  const out = new Map<string, string | number>();
  for (const m of sheetXml.matchAll(/<c r="([A-Z]+\d+)"([^>]*)>(.*?)<\/c>/g)) {
    const inline = /<t[^>]*>(.*?)<\/t>/.exec(m[3]!);
    out.set(m[1]!, inline ? inline[1]! : Number(/<v>(.*?)<\/v>/.exec(m[3]!)![1]));
  }
  return out;
}

/** Every cell of an A1 range (`B3:B15`). */
function expand(ref: string): string[] {
  const [from, to = from] = ref.split(':');
  const [, c1, r1] = /^([A-Z]+)(\d+)$/.exec(from!)!;
  const [, c2, r2] = /^([A-Z]+)(\d+)$/.exec(to!)!;
  expect(c1).toBe(c2);
  const out: string[] = [];
  for (let r = Number(r1); r <= Number(r2); r++) out.push(`${c1}${r}`);
  return out;
}

/**
 * For each element name, the pairs "a before b" of its child element names, over every
 * instance of it (a tiny XML walk: these parts hold no CDATA or comments).
 */
function childOrder(xml: string): Map<string, Set<string>> {
  const order = new Map<string, Set<string>>();
  const stack: { name: string; children: string[] }[] = [];
  const close = (node: { name: string; children: string[] }) => {
    const pairs = order.get(node.name) ?? new Set<string>();
    node.children.forEach((a, i) => {
      for (const b of node.children.slice(i + 1)) if (a !== b) pairs.add(`${a} < ${b}`);
    });
    order.set(node.name, pairs);
  };
  for (const m of xml.matchAll(/<(\/?)([\w:]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (closing) {
      close(stack.pop()!);
      continue;
    }
    stack.at(-1)?.children.push(name!);
    if (selfClosing) close({ name: name!, children: [] });
    else stack.push({ name: name!, children: [] });
  }
  return order;
}

describe('addWorkbookCharts', () => {
  it('adds the chart sheet, a drawing and two chart parts with their relationships and content types', async () => {
    const zip = await chartedWorkbook();
    const workbook = await read(zip, 'xl/workbook.xml');
    expect(workbook).toContain(`name="${CHART_SHEET_NAME.zh}"`);
    const sheetRel = /name="图表" sheetId="\d+" r:id="(rId\d+)"/.exec(workbook)![1];
    const rels = await read(zip, 'xl/_rels/workbook.xml.rels');
    const sheetPart = new RegExp(`Id="${sheetRel}"[^>]*Target="([^"]+)"`).exec(rels)![1];
    const sheetXml = await read(zip, `xl/${sheetPart}`);
    const drawingRel = /<drawing r:id="(rId\d+)"\/>/.exec(sheetXml)![1];
    const sheetRels = await read(zip, `xl/worksheets/_rels/${sheetPart!.split('/').at(-1)}.rels`);
    expect(sheetRels).toMatch(
      new RegExp(`Id="${drawingRel}"[^>]*/drawing" Target="../drawings/drawing1.xml"`),
    );
    expect(await read(zip, 'xl/drawings/_rels/drawing1.xml.rels')).toMatch(
      /Target="..\/charts\/chart1.xml".*Target="..\/charts\/chart2.xml"/,
    );
    const types = await read(zip, '[Content_Types].xml');
    for (const part of [
      '/xl/charts/chart1.xml',
      '/xl/charts/chart2.xml',
      '/xl/drawings/drawing1.xml',
      `/xl/${sheetPart}`,
    ]) {
      expect(types).toContain(`PartName="${part}"`);
    }
    expect(await read(zip, 'xl/charts/chart1.xml')).toContain('<c:lineChart>');
    expect(await read(zip, 'xl/charts/chart2.xml')).toContain('<c:barDir val="bar"/>');
  });

  it('points every series at cells of the chart sheet that hold the model’s figures', async () => {
    const zip = await chartedWorkbook();
    const sheetXml = await read(
      zip,
      `xl/worksheets/sheet${Object.keys(zip.files).filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p)).length}.xml`,
    );
    const values = cells(sheetXml);
    const formulas = (xml: string) =>
      [...xml.matchAll(/<c:f>(.*?)<\/c:f>/g)].map((m) => m[1]!.replace(/&apos;|&#39;/g, "'"));
    const refs = (xml: string) =>
      formulas(xml).map((f) => {
        const m = /^'图表'!(.+)$/.exec(f);
        expect(m, f).not.toBeNull();
        return m![1]!.replace(/\$/g, '');
      });
    const trend = trendChartData(reportModelZh)!;
    const [lineName, lineCats, lineVals, targetName, , targetVals] = refs(
      await read(zip, 'xl/charts/chart1.xml'),
    );
    expect(values.get(lineName!)).toBe('实际');
    expect(values.get(targetName!)).toBe('目标');
    expect(expand(lineCats!).map((c) => values.get(c))).toEqual(trend.periods);
    expect(expand(lineVals!).map((c) => values.get(c))).toEqual(trend.actual);
    expect(expand(targetVals!).map((c) => values.get(c))).toEqual(trend.target);

    const variance = varianceChartData(reportModelZh)!;
    const [, barCats, barVals] = refs(await read(zip, 'xl/charts/chart2.xml'));
    expect(expand(barCats!).map((c) => values.get(c))).toEqual(variance.bars.map((b) => b.label));
    expect(expand(barVals!).map((c) => values.get(c))).toEqual(variance.bars.map((b) => b.value));
  });

  it('writes chart and drawing elements in the order XlsxWriter does (the schema’s sequences)', async () => {
    const zip = await chartedWorkbook();
    const pairs = [
      ['xl/charts/chart1.xml', 'xlsxwriter-line-chart.xml'],
      ['xl/charts/chart2.xml', 'xlsxwriter-bar-chart.xml'],
      ['xl/drawings/drawing1.xml', 'xlsxwriter-drawing.xml'],
    ] as const;
    for (const [ours, reference] of pairs) {
      const mine = childOrder(await read(zip, ours));
      const theirs = childOrder(readFileSync(join(FIXTURES, reference), 'utf8'));
      let compared = 0;
      for (const [parent, pairs] of mine) {
        const expected = theirs.get(parent);
        if (!expected) continue;
        // No two children that both write may come in the opposite order.
        const flipped = [...pairs].filter((pair) => expected.has(pair.split(' < ').reverse().join(' < ')));
        expect(flipped, `${ours}: children of ${parent}`).toEqual([]);
        compared += [...pairs].filter((pair) => expected.has(pair)).length;
      }
      expect(compared).toBeGreaterThan(10);
    }
  });

  it('refuses to draw on a sheet the workbook does not have', async () => {
    const bytes = await renderWorkbook(reportModelZh);
    await expect(addWorkbookCharts(bytes, { charts: [{ sheet: 'nope', charts: [] }] })).rejects.toThrow(
      /no sheet "nope"/,
    );
  });

  it('writes absolute, quoted range formulas and column letters past Z', () => {
    expect(rangeFormula({ sheet: "Bob's", ref: 'A3:A15' })).toBe("'Bob''s'!$A$3:$A$15");
    expect([0, 25, 26, 27, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
