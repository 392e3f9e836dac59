/**
 * Report at scale (issue 16 point 1): the weekly report over a year of `12 × combos × 366`
 * daily facts through run-report's own composition (functions/shared/report-deps.ts) and the
 * real SDK client, against the synthetic DynamoDB endpoint (bench/lib/synthetic-dynamo.ts,
 * running in its own process): loadPlanData → buildReportModel → renderWorkbook, each phase
 * timed (wall and this process's CPU) with the peak RSS after it, and the requests on the wire
 * counted. Then every KPI's YTD actual is checked against the sum of the generated facts
 * (whole numbers, so equal exactly): a report that read less, or read twice, fails loudly.
 */

import { reportDeps } from '../../functions/shared/report-deps.ts';
import type { AwsClientOptions } from '../../shared/adapters/aws-client-options.ts';
import { createAwsClients } from '../../shared/adapters/aws-clients.ts';
import { planDataQuery } from '../../shared/app/run-report.ts';
import { buildReportModel } from '../../shared/report/build-report-model.ts';
import { renderWorkbook } from '../../shared/report/render/excel.ts';
import { params, peakRssMb, report, timed } from '../lib/child.ts';
import { AS_OF, actualAt, benchConfig, generateTargets, KPI_COUNT, kpiId } from '../lib/plan.ts';

interface Params {
  readonly combos: number;
  /** From bench/workloads/synthetic-dynamo-host.ts. */
  readonly clientOptions: AwsClientOptions;
  readonly table?: string;
}

const { combos, clientOptions, table = 'plan-monitor-synthetic' } = params<Params>();
const config = benchConfig();
const clients = createAwsClients(clientOptions);
const requests = new Map<string, number>();
clients.dynamodb.middlewareStack.add(
  (next, context) => async (args) => {
    const op = String(context.commandName ?? '?').replace(/Command$/, '');
    requests.set(op, (requests.get(op) ?? 0) + 1);
    return next(args);
  },
  { step: 'build', name: 'benchRequestCounter' },
);
const deps = reportDeps({ clients, tableName: table, archiveBucket: 'bench-archive', config });
const weekly = config.reports.find((r) => r.id === 'weekly');
if (!weekly) throw new Error('the bench plan has no weekly report');
const query = planDataQuery(config, weekly, AS_OF);

const memory = () => {
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / 2 ** 20, arrayBuffersMb: m.arrayBuffers / 2 ** 20 };
};

const read = await timed(() => deps.facts.loadPlanData(query));
const afterRead = { peakRssMb: peakRssMb(), ...memory() };
const data = read.value;
const built = await timed(() =>
  buildReportModel(config, data, weekly.id, AS_OF, {
    generatedAt: '2029-01-01T01:00:00.000Z',
    sources: [`DynamoDB facts: ${data.itemsRead} items read`],
  }),
);
const rssAfterModelMb = peakRssMb();
const model = built.value;
const rendered = await timed(() => renderWorkbook(model));
const rssAfterRenderMb = peakRssMb();

// The check: each KPI's YTD actual (the whole fiscal year, AS_OF is its last day) is the sum of
// its generated facts, and the read saw exactly the roll-ups and targets of the year.
const mismatches: string[] = [];
let facts = 0;
for (let k = 0; k < KPI_COUNT; k++) {
  let expected = 0;
  for (let c = 0; c < combos; c++) for (let day = 0; day < 366; day++) expected += actualAt(k, c, day);
  facts += combos * 366;
  const row = model.table.find((r) => r.kpi === kpiId(k) && r.range === 'YTD');
  if (row?.actual !== expected) mismatches.push(`${kpiId(k)} YTD ${row?.actual} ≠ generated ${expected}`);
}
const rollups = KPI_COUNT * combos * 12;
const targets = generateTargets(KPI_COUNT, combos).length;
if (data.itemsRead !== rollups + targets) {
  mismatches.push(`items read ${data.itemsRead} ≠ ${rollups} roll-ups + ${targets} targets`);
}
if (mismatches.length > 0) {
  throw new Error(`the report does not show the generated year: ${mismatches.join('; ')}`);
}

const pages = requests.get('Query') ?? 0;
report({
  combos,
  facts,
  itemsRead: data.itemsRead,
  rollupItems: rollups,
  targetItems: targets,
  pages,
  requests: Object.fromEntries(requests),
  readMs: read.ms,
  readCpuMs: read.cpuMs,
  readUsPerItem: (read.cpuMs * 1000) / data.itemsRead,
  modelMs: built.ms,
  modelCpuMs: built.cpuMs,
  renderMs: rendered.ms,
  renderCpuMs: rendered.cpuMs,
  workbookBytes: rendered.value.byteLength,
  rssAfterReadMb: afterRead.peakRssMb,
  heapAfterReadMb: afterRead.heapUsedMb,
  arrayBuffersAfterReadMb: afterRead.arrayBuffersMb,
  rssAfterModelMb,
  rssAfterRenderMb,
  ytdChecked: KPI_COUNT,
});
// Keep-alive sockets to the endpoint would hold the process open.
clients.dynamodb.destroy();
