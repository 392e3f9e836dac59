/**
 * CSV ingest core: the whole upload path without the store (decode, parse, map headers,
 * validate, normalise into facts), reading the file as a stream of 64 KB chunks as the ingest
 * function reads its S3 object, and two floors over the same file: a raw `String.split` line
 * scan and the CSV parser (csv-parse) alone with the reader's options (those two read it whole).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parseUpload } from '../../shared/files/ingest/parse-upload.ts';
import { params, report, timed } from '../lib/child.ts';
import { benchConfig } from '../lib/plan.ts';

interface Params {
  readonly file: string;
  readonly mode: 'ingest' | 'split' | 'parser';
}

const { file, mode } = params<Params>();
const config = benchConfig();
const fileBytes = statSync(file).size;
const body = mode === 'ingest' ? new Uint8Array() : readFileSync(file);

async function ingest(): Promise<number> {
  const source = {
    size: fileBytes,
    chunks: () => createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Uint8Array>,
  };
  const result = await parseUpload({ config, kind: 'actuals', body: source });
  if (!result.ok) {
    throw new Error(`generated CSV rejected: ${JSON.stringify(result.errors.slice(0, 3))}`);
  }
  return result.rows;
}

function split(): number {
  const text = new TextDecoder().decode(body);
  let rows = 0;
  let cells = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    cells += line.split(',').length;
    rows++;
  }
  if (cells === 0) throw new Error('empty file');
  return rows - 1;
}

async function parser(): Promise<number> {
  const chunks = function* () {
    const decoder = new TextDecoder();
    for (let at = 0; at < body.length; at += 1 << 20) {
      yield decoder.decode(body.subarray(at, at + (1 << 20)), { stream: true });
    }
  };
  const p = parse({ delimiter: ',', relax_column_count: true, relax_quotes: true, bom: true });
  Readable.from(chunks()).pipe(p);
  let rows = 0;
  for await (const _record of p) rows++;
  return rows - 1;
}

const {
  ms,
  cpuMs,
  value: rows,
} = await timed(() => (mode === 'ingest' ? ingest() : mode === 'split' ? split() : parser()));
report({ mode, rows, ms, cpuMs, rowsPerSec: rows / (ms / 1000), fileBytes });
