/** XLSX ingest core: read the sheet (exceljs streaming reader), map, validate, normalise. */
import { readFileSync } from 'node:fs';
import { parseUpload } from '../../shared/files/ingest/parse-upload.ts';
import { params, report, timed } from '../lib/child.ts';
import { benchConfig } from '../lib/plan.ts';

const { file } = params<{ file: string }>();
const body = readFileSync(file);
const config = benchConfig();
const { ms, value: result } = await timed(() => parseUpload({ config, kind: 'actuals', body }));
if (!result.ok) throw new Error(`generated XLSX rejected: ${JSON.stringify(result.errors.slice(0, 3))}`);
// `load` = the streaming reader garbled a character and the whole workbook was read again.
const reader = (result.file as { xlsxReader?: string }).xlsxReader ?? 'stream';
report({ rows: result.rows, ms, rowsPerSec: result.rows / (ms / 1000), fileBytes: body.length, reader });
