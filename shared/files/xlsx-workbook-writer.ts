/**
 * exceljs's streaming workbook writer, imported on its own.
 *
 * `import ExcelJS from 'exceljs'` loads the whole library — the in-memory workbook with its
 * jszip reader/writer, the streaming reader with unzipper and bluebird, CSV — and exceljs's
 * index has side effects, so esbuild cannot drop any of it: about 1 MB of every Lambda bundle.
 * The report and error workbooks only ever need `stream.xlsx.WorkbookWriter`, which bundles to
 * less than half of that. Its file ships no type declarations, so this module gives it the
 * ones exceljs declares for `ExcelJS.stream.xlsx.WorkbookWriter` (type-only import: no code).
 */
import type ExcelJS from 'exceljs';
// exceljs 4 has no `exports` map, so the file is reachable; it is CommonJS (`module.exports =
// WorkbookWriter`), so its default import is the class.
// @ts-expect-error -- no declaration file for this path; typed just below.
import WorkbookWriterModule from 'exceljs/lib/stream/xlsx/workbook-writer.js';

/** `ExcelJS.stream.xlsx.WorkbookWriter`, without loading the rest of exceljs. */
export const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter = WorkbookWriterModule;
export type WorkbookWriter = ExcelJS.stream.xlsx.WorkbookWriter;
export type WorkbookWriterOptions = ExcelJS.stream.xlsx.WorkbookStreamWriterOptions;
