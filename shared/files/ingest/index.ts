/** Upload parsing and validation: bytes in, validated facts or a complete error report out. */
export { inspectCsv, readCsvRows } from './csv-reader.ts';
export { detectDelimiter, detectEncoding, detectFormat } from './detect.ts';
export { buildErrorWorkbook, ERROR_HELP, type ErrorWorkbookInput } from './error-workbook.ts';
export { KIND_SHEET_NAMES, type RowError, UploadFileError } from './errors.ts';
export { type HeaderMap, mapHeaders } from './headers.ts';
export {
  type CellValue,
  cellText,
  excelSerialToDate,
  foldName,
  parseDateCell,
  parseNumberCell,
  parsePeriodCell,
} from './normalize.ts';
export {
  type FileDescription,
  type IngestResult,
  type ParseUploadInput,
  parseUpload,
  readUploadRows,
} from './parse-upload.ts';
export type { RawRow } from './rows.ts';
export { chooseSheet, listSheets, readXlsxRows } from './xlsx-reader.ts';
export { checkZipLimits, DEFAULT_ZIP_LIMITS, readZipDirectory, type ZipLimits } from './zip-guard.ts';
