/**
 * Derives each Lambda's memory size and timeout from the benchmark figures (bench/sizing.md is
 * generated from here on every full run, so the numbers always follow the measurements).
 */

/** The figures sizing needs, all medians of the measured runs (NaN when not measured). */
export interface SizingInputs {
  readonly floorMb: number;
  readonly csvRows: number;
  readonly csvRowsPerSec: number;
  readonly csvPeakMb: number;
  readonly xlsxRows: number;
  readonly xlsxRowsPerSec: number;
  readonly xlsxPeakMb: number;
  readonly storeFacts: number;
  readonly storeItemsPerSec: number;
  readonly storePeakMb: number;
  readonly readItemsPerSec: number;
  readonly loadedBytesPerFact: number;
  readonly engineFacts: number;
  readonly engineMs: number;
  readonly enginePeakMb: number;
  readonly engineAfterGenerationMb: number;
  readonly workbookRows: number;
  readonly workbookMs: number;
  readonly workbookPeakMb: number;
  readonly bundleLoadMs: Readonly<Record<string, number>>;
  readonly bundleLoadRssMb: Readonly<Record<string, number>>;
  /** The plan's `ingest.maxRows` and `ingest.maxFileBytes`: the largest upload the stack must take. */
  readonly maxUploadRows: number;
  readonly maxUploadBytes: number;
  /** Bytes per data row of the generated files, to turn maxFileBytes into rows. */
  readonly csvBytesPerRow: number;
  readonly xlsxBytesPerRow: number;
  /** Report rows the design point holds: 12 KPIs × 2,000 combinations × 12 months of roll-ups. */
  readonly designRollupItems: number;
}

/** Memory headroom over the measured peak. */
export const MEMORY_FACTOR = 1.5;
/** Time headroom over the extrapolated duration. */
export const TIME_FACTOR = 1.5;
/** Lambda gives one full vCPU at 1,769 MB and CPU in proportion below it. */
export const FULL_VCPU_MB = 1769;
/** The usual Lambda sizes we round up to. */
export const LAMBDA_SIZES = [256, 512, 768, 1024, 1536, 1769, 2048, 3008, 4096, 6144, 8192, 10240] as const;
export const MAX_TIMEOUT_S = 900;
/** Share of the function's memory given to V8's old space; the rest is code, buffers, new space. */
export const HEAP_SHARE = 0.75;
/** An Excel sheet holds 1,048,576 rows, one of them the header. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

export interface FunctionSizing {
  readonly name: string;
  readonly peakMb: number;
  readonly memoryMb: number;
  readonly seconds: number;
  readonly timeoutS: number;
  readonly how: readonly string[];
  readonly warnings: readonly string[];
}

export function roundUpToLambdaSize(mb: number): number {
  return LAMBDA_SIZES.find((s) => s >= mb) ?? LAMBDA_SIZES[LAMBDA_SIZES.length - 1]!;
}

/** How much slower than one full core a function of this size runs (CPU is proportional below 1,769 MB). */
export function cpuSlowdown(memoryMb: number): number {
  return Math.max(1, FULL_VCPU_MB / memoryMb);
}

const r0 = (x: number) => Math.round(x).toLocaleString('en-US');
const r1 = (x: number) => x.toFixed(1);

function timeoutOf(seconds: number, memoryMb: number, minimum: number): { timeoutS: number; note: string } {
  const slow = cpuSlowdown(memoryMb);
  const raw = Math.ceil(seconds * slow * TIME_FACTOR);
  return {
    timeoutS: Math.min(MAX_TIMEOUT_S, Math.max(minimum, raw)),
    note: `timeout = ${r1(seconds)} s × ${r1(slow)} (CPU share at ${memoryMb} MB) × ${TIME_FACTOR} = ${r0(raw)} s${raw < minimum ? `, raised to the ${minimum} s floor` : ''}${raw > MAX_TIMEOUT_S ? `, capped at Lambda's ${MAX_TIMEOUT_S} s` : ''}`,
  };
}

export function sizeFunctions(n: SizingInputs): FunctionSizing[] {
  const out: FunctionSizing[] = [];

  // ---- ingest-upload: parse the largest allowed file, then write every fact --------------
  {
    // The largest file is bounded by maxRows, by maxFileBytes and, for XLSX, by Excel's sheet size.
    const csvRows = Math.min(n.maxUploadRows, Math.floor(n.maxUploadBytes / n.csvBytesPerRow));
    const xlsxRows = Math.min(
      n.maxUploadRows,
      XLSX_MAX_DATA_ROWS,
      Math.floor(n.maxUploadBytes / n.xlsxBytesPerRow),
    );
    const csvPerRowMb = (n.csvPeakMb - n.floorMb) / n.csvRows;
    const xlsxPerRowMb = (n.xlsxPeakMb - n.floorMb) / n.xlsxRows;
    const storePerFactMb = (n.storePeakMb - n.floorMb) / n.storeFacts;
    const csvPeak = n.floorMb + csvRows * (csvPerRowMb + storePerFactMb);
    const xlsxPeak = n.floorMb + xlsxRows * (xlsxPerRowMb + storePerFactMb);
    const peakMb = Math.max(csvPeak, xlsxPeak);
    const memoryMb = roundUpToLambdaSize(peakMb * MEMORY_FACTOR);
    const csvS = csvRows / n.csvRowsPerSec + csvRows / n.storeItemsPerSec;
    const xlsxS = xlsxRows / n.xlsxRowsPerSec + xlsxRows / n.storeItemsPerSec;
    const seconds = Math.max(csvS, xlsxS);
    const t = timeoutOf(seconds, memoryMb, 60);
    const warnings: string[] = [];
    if (peakMb * MEMORY_FACTOR > LAMBDA_SIZES[LAMBDA_SIZES.length - 1]!) {
      warnings.push(
        'The largest allowed upload does not fit in 10,240 MB with the headroom: lower ingest.maxRows.',
      );
    }
    if (t.timeoutS >= MAX_TIMEOUT_S) {
      const perRowS =
        cpuSlowdown(memoryMb) *
        TIME_FACTOR *
        (1 / Math.min(n.csvRowsPerSec, n.xlsxRowsPerSec) + 1 / n.storeItemsPerSec);
      warnings.push(
        `At the measured rates the largest upload needs more than Lambda's 15 minutes: lower ingest.maxRows to about ${r0(MAX_TIMEOUT_S / perRowS)}, or re-measure the store against real DynamoDB (the emulator is the slow part).`,
      );
    }
    out.push({
      name: 'ingest-upload',
      peakMb,
      memoryMb,
      seconds,
      timeoutS: t.timeoutS,
      how: [
        `largest upload: CSV ${r0(csvRows)} rows (plan ingest.maxRows ${r0(n.maxUploadRows)}, maxFileBytes ${r0(n.maxUploadBytes / 1024 / 1024)} MB at ${r0(n.csvBytesPerRow)} B/row), XLSX ${r0(xlsxRows)} rows (also ≤ Excel's ${r0(XLSX_MAX_DATA_ROWS)}, ${r0(n.xlsxBytesPerRow)} B/row)`,
        `memory per row above the ${r0(n.floorMb)} MB process floor: CSV parse ${r1(csvPerRowMb * 1024)} KB (${r0(n.csvRows)}-row run), XLSX parse ${r1(xlsxPerRowMb * 1024)} KB (${r0(n.xlsxRows)}-row run), store ${r1(storePerFactMb * 1024)} KB (${r0(n.storeFacts)} facts)`,
        `peak ≈ max(CSV ${r0(csvPeak)}, XLSX ${r0(xlsxPeak)}) = ${r0(peakMb)} MB; × ${MEMORY_FACTOR} → ${memoryMb} MB`,
        `time ≈ max(CSV ${r1(csvS)} s, XLSX ${r1(xlsxS)} s) at ${r0(n.csvRowsPerSec)} / ${r0(n.xlsxRowsPerSec)} rows/s parsing and ${r0(n.storeItemsPerSec)} items/s into the emulator`,
        t.note,
        'SQS: set the queue visibility timeout to at least 6 × this timeout (AWS guidance for Lambda event sources).',
      ],
      warnings,
    });
  }

  // ---- run-report: read the year, run the engine, render, send ----------------------------
  {
    const generatedBytesPerFact = ((n.engineAfterGenerationMb - n.floorMb) * 1024 * 1024) / n.engineFacts;
    const extraMb =
      (n.engineFacts * Math.max(0, n.loadedBytesPerFact - generatedBytesPerFact)) / (1024 * 1024);
    const renderMb = Math.max(0, n.workbookPeakMb - n.floorMb);
    const peakMb = n.enginePeakMb + extraMb + renderMb;
    const memoryMb = roundUpToLambdaSize(peakMb * MEMORY_FACTOR);
    const readS = n.designRollupItems / n.readItemsPerSec;
    const seconds = readS + n.engineMs / 1000 + n.workbookMs / 1000;
    const t = timeoutOf(seconds, memoryMb, 60);
    out.push({
      name: 'run-report',
      peakMb,
      memoryMb,
      seconds,
      timeoutS: t.timeoutS,
      how: [
        `design point = the engine workload: ${r0(n.engineFacts)} daily facts (${r0(n.designRollupItems)} roll-up items to read)`,
        `peak ≈ engine peak ${r0(n.enginePeakMb)} MB (facts + engine) + ${r0(extraMb)} MB because loaded facts carry their own dims (${r0(n.loadedBytesPerFact)} B/fact measured after loadPlanData vs ${r0(generatedBytesPerFact)} B generated) + ${r0(renderMb)} MB for a ${r0(n.workbookRows)}-row workbook = ${r0(peakMb)} MB; × ${MEMORY_FACTOR} → ${memoryMb} MB`,
        `time ≈ read ${r1(readS)} s (${r0(n.readItemsPerSec)} roll-up items/s from the emulator) + engine ${r1(n.engineMs / 1000)} s + workbook ${r1(n.workbookMs / 1000)} s`,
        t.note,
        'SQS: set the report-jobs queue visibility timeout to at least 6 × this timeout.',
      ],
      warnings: [],
    });
  }

  // ---- schedule-report and report-link: no data work, so each is sized by its loaded bundle
  // plus a few seconds of calls: SQS SendMessageBatch per 10 scopes; one KMS VerifyMac (SDK
  // retries included) and a local presign.
  out.push(
    sizeByBundle(n, 'schedule-report', 'SQS SendMessageBatch calls'),
    sizeByBundle(n, 'report-link', 'a KMS VerifyMac with its retries (the S3 presign is local signing)'),
  );
  return out;
}

/** A function that does no data work: its memory is its loaded bundle's, its time load + 5 s of calls. */
function sizeByBundle(
  n: SizingInputs,
  name: 'schedule-report' | 'report-link',
  calls: string,
): FunctionSizing {
  const loadMs = n.bundleLoadMs[name] ?? Number.NaN;
  const peakMb = n.bundleLoadRssMb[name] ?? Number.NaN;
  const memoryMb = roundUpToLambdaSize(peakMb * MEMORY_FACTOR);
  const seconds = loadMs / 1000 + 5;
  const t = timeoutOf(seconds, memoryMb, 30);
  return {
    name,
    peakMb,
    memoryMb,
    seconds,
    timeoutS: t.timeoutS,
    how: [
      `peak ≈ RSS after loading its bundle: ${r0(peakMb)} MB; × ${MEMORY_FACTOR} → ${memoryMb} MB (the smallest size we use; it does no data work)`,
      `time ≈ module load ${r0(loadMs)} ms + 5 s for ${calls}`,
      t.note,
    ],
    warnings: [],
  };
}

export function sizingMarkdown(
  n: SizingInputs,
  sized: readonly FunctionSizing[],
  measuredAt: string,
): string {
  const rows = sized.map(
    (f) =>
      `| ${f.name} | ${Number.isFinite(f.peakMb) ? `${r0(f.peakMb)} MB` : 'not measured'} | **${f.memoryMb} MB** | \`--max-old-space-size=${Math.floor(f.memoryMb * HEAP_SHARE)}\` | ${Number.isFinite(f.seconds) ? `${r1(f.seconds)} s` : '—'} | **${f.timeoutS} s** |`,
  );
  const sections = sized.flatMap((f) => [
    `### ${f.name}`,
    '',
    ...f.how.map((h) => `- ${h}`),
    ...f.warnings.map((w) => `- ⚠️ ${w}`),
    '',
  ]);
  return [
    '# Lambda sizing from the benchmark',
    '',
    `Generated by \`npm run bench\` from bench/results.json (${measuredAt}). Do not edit by hand: change`,
    'bench/lib/sizing.ts (the rules) or the code being measured, and run the benchmark again.',
    '',
    '## Rules',
    '',
    `- **Memory** = estimated peak RSS at the largest input the function must take × ${MEMORY_FACTOR}, rounded up`,
    `  to one of ${LAMBDA_SIZES.join(', ')} MB. Peak RSS comes from each workload process's own`,
    '  `resourceUsage().maxRSS` and is scaled linearly in rows/facts above the measured process floor',
    `  (node + tsx, ${r0(n.floorMb)} MB — an over-estimate of the Lambda runtime's own floor).`,
    '  On this 24 GB machine V8 lets garbage pile up before collecting, so maxRSS is an upper bound of',
    '  what the function needs; inside a Lambda sandbox Node sizes its heap from the configured memory.',
    `- **Timeout** = extrapolated duration on one core × the CPU share Lambda gives at that memory`,
    `  (${FULL_VCPU_MB} MB = 1 vCPU, proportionally less below) × ${TIME_FACTOR}, at least 30–60 s, at most ${MAX_TIMEOUT_S} s.`,
    '  Store and read rates are measured against dynalite (the embedded emulator), which is slower than',
    '  DynamoDB; the resulting timeouts are conservative.',
    `- **Heap** = ${HEAP_SHARE} × memorySize as \`--max-old-space-size\` in NODE_OPTIONS`,
    '  (infra/v8-flags.ts), so V8 collects garbage before the sandbox limit instead of growing',
    '  towards its own default; the CSV row of the README shows a run under such a cap.',
    '',
    '## Result (copy into infra/)',
    '',
    '| function | estimated peak | memorySize | NODE_OPTIONS heap | estimated duration (1 core) | timeout |',
    '|---|---:|---:|---|---:|---:|',
    ...rows,
    '',
    '## How each number follows',
    '',
    ...sections,
  ].join('\n');
}

/**
 * What infra/lambda-sizing.json holds: the stack reads memory, timeout and heap cap from it, so
 * a benchmark run is the only way those numbers change (infra/lambda-sizing.ts validates it).
 */
export function lambdaSizingFile(sized: readonly FunctionSizing[], source: string) {
  return {
    source,
    rules: 'bench/sizing.md',
    functions: Object.fromEntries(
      sized.map((f) => [
        f.name,
        { memoryMb: f.memoryMb, timeoutS: f.timeoutS, heapMb: Math.floor(f.memoryMb * HEAP_SHARE) },
      ]),
    ),
  };
}
