/** XLSX ingest core: read the sheet (zip guard, streamed inflate, the SpreadsheetML scanner), map, validate, normalise. */
import { readFileSync } from 'node:fs';
import { parseUpload } from '../../shared/files/ingest/parse-upload.ts';
import { params, report, timed } from '../lib/child.ts';
import { benchConfig } from '../lib/plan.ts';

const { file } = params<{ file: string }>();
const body = readFileSync(file);
const config = benchConfig();
const { ms, value: result } = await timed(() => parseUpload({ config, kind: 'actuals', body }));
if (!result.ok) throw new Error(`generated XLSX rejected: ${JSON.stringify(result.errors.slice(0, 3))}`);
report({ rows: result.rows, ms, rowsPerSec: result.rows / (ms / 1000), fileBytes: body.length });
