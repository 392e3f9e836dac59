/**
 * DuckDB anchors (issue 16): what a columnar engine does with the same inputs on one thread,
 * in the same suite run, so our figures can be read as ratios whatever the machine's speed.
 *
 * - `csv`: `read_csv` of the benchmark's CSV with every column typed (value DOUBLE with `,`
 *   thousands, dates in both of the file's formats converted to DATE), materialised into a
 *   table. It neither resolves names to ids nor checks keys: the floor for reading the bytes.
 * - `engine`: the generated daily facts appended into a table (timed apart), then
 *   the sums the weekly report computes: per KPI over WTD/MTD/QTD/YTD, the WTD breakdowns by
 *   channel and by category, and the weekly YTD trend. Targets (720 rows) are left out.
 */
import { DuckDBDateValue, DuckDBInstance } from '@duckdb/node-api';
import { params, peakRssMb, report, timed } from '../lib/child.ts';
import { AS_OF, forEachActual, KPI_COUNT } from '../lib/plan.ts';

type Params =
  | { readonly mode: 'csv'; readonly file: string }
  | { readonly mode: 'engine'; readonly combos: number; readonly kpis?: number };

const p = params<Params>();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run('SET threads = 1');

const DIMENSION_COLUMNS = [
  'channel',
  'category',
  'region',
  'device',
  'customer',
  'promo',
  'warehouse',
  'brand',
  'city',
];

async function count(table: string): Promise<number> {
  const rows = (await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`)).getRowObjects();
  return Number(rows[0]?.n);
}

async function csv(file: string): Promise<void> {
  const columns = [
    "'date': 'VARCHAR'",
    "'kpi': 'VARCHAR'",
    "'value': 'DOUBLE'",
    ...DIMENSION_COLUMNS.map((c) => `'${c}': 'VARCHAR'`),
  ].join(', ');
  const { ms, cpuMs } = await timed(() =>
    db.run(
      `CREATE TABLE upload AS SELECT strptime(date, ['%Y-%m-%d', '%Y/%m/%d'])::DATE AS date, * EXCLUDE (date)
       FROM read_csv('${file.replace(/'/g, "''")}', header = true, thousands = ',', columns = {${columns}})`,
    ),
  );
  const rows = await count('upload');
  const nullDates = (
    await db.runAndReadAll('SELECT count(*)::INTEGER AS n FROM upload WHERE date IS NULL OR value IS NULL')
  ).getRowObjects()[0]?.n;
  if (rows === 0 || Number(nullDates) !== 0)
    throw new Error(`DuckDB read ${rows} rows, ${nullDates} untyped`);
  report({ mode: 'csv', rows, ms, cpuMs, rowsPerSec: rows / (ms / 1000) });
}

/** First days of the weekly report's ranges for AS_OF (a Sunday in December, FY = calendar year). */
const RANGE_STARTS = { wtd: '2028-12-25', mtd: '2028-12-01', qtd: '2028-10-01', ytd: '2028-01-01' } as const;

async function engine(kpis: number, combos: number): Promise<void> {
  // The facts go straight from the generator into the appender: no JS object per fact, so
  // DuckDB's RSS is its own (as ours is our columns'). Generation is inside loadMs.
  let facts = 0;
  const load = await timed(async () => {
    await db.run(
      'CREATE TABLE facts (kpi VARCHAR, period DATE, channel VARCHAR, category VARCHAR, value DOUBLE)',
    );
    const appender = await db.createAppender('facts');
    const days = new Map<string, DuckDBDateValue>();
    forEachActual(kpis, combos, (kpi, period, dims, value) => {
      let day = days.get(period);
      if (!day) {
        day = new DuckDBDateValue(Date.parse(`${period}T00:00:00Z`) / 86_400_000);
        days.set(period, day);
      }
      appender.appendVarchar(kpi);
      appender.appendDate(day);
      appender.appendVarchar(dims.channel!);
      appender.appendVarchar(dims.category!);
      appender.appendDouble(value);
      appender.endRow();
      facts++;
    });
    appender.closeSync();
  });
  const rssAfterLoadMb = peakRssMb();
  const sums = Object.entries(RANGE_STARTS)
    .map(([range, start]) => `sum(value) FILTER (WHERE period >= DATE '${start}') AS ${range}`)
    .join(', ');
  const query = await timed(async () => {
    const table = await db.runAndReadAll(
      `SELECT kpi, ${sums} FROM facts WHERE period <= DATE '${AS_OF}' GROUP BY kpi`,
    );
    const breakdowns = await db.runAndReadAll(
      `SELECT kpi, channel, category, sum(value) AS wtd FROM facts
       WHERE period BETWEEN DATE '${RANGE_STARTS.wtd}' AND DATE '${AS_OF}'
       GROUP BY GROUPING SETS ((kpi, channel), (kpi, category))`,
    );
    const trend = await db.runAndReadAll(
      `SELECT kpi, date_trunc('week', period) AS week, sum(value) AS actual FROM facts
       WHERE period <= DATE '${AS_OF}' GROUP BY ALL`,
    );
    return {
      table: table.currentRowCount,
      breakdowns: breakdowns.currentRowCount,
      trend: trend.currentRowCount,
    };
  });
  if (query.value.table !== kpis) throw new Error(`DuckDB summed ${query.value.table} KPIs, not ${kpis}`);
  report({
    mode: 'engine',
    facts,
    loadMs: load.ms,
    rssAfterLoadMb,
    ms: query.ms,
    cpuMs: query.cpuMs,
    ...query.value,
  });
}

if (p.mode === 'csv') await csv(p.file);
else await engine(p.kpis ?? KPI_COUNT, p.combos);
