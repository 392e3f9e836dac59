/** The shape of what an upload check reports back to the uploader. */
import type { UploadKind } from '../../ports/index.ts';

/** One problem in one cell (or row) of an uploaded file, as the uploader sees it in Excel. */
export interface RowError {
  /** 1-based row number as shown by Excel: the header is row 1. 0 = the file as a whole. */
  readonly row: number;
  /** The column header as written in the file ('' when the problem is the whole row). */
  readonly column: string;
  /** The cell as written. */
  readonly value: string;
  /** What is wrong and what to do. */
  readonly message: string;
  /** A short stable code for grouping in the summary, e.g. `unknown_kpi`. */
  readonly code: string;
}

/**
 * A problem with the file as a whole (unreadable encoding, zip bomb, missing column …);
 * thrown by the readers and turned into a `fatal` result by {@link parseUpload}.
 */
export class UploadFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly column = '',
  ) {
    super(message);
    this.name = 'UploadFileError';
  }
}

export const KIND_SHEET_NAMES: Record<UploadKind, readonly string[]> = {
  actuals: ['actuals', 'actual', '实际', '實際', '实际值', '實際值'],
  targets: ['targets', 'target', '目标', '目標', '目标值', '目標值'],
  milestones: ['milestones', 'milestone', '里程碑'],
};

/** Most characters of a cell value quoted in an error (the email, the error list). */
export const SHOWN_VALUE_MAX = 200;
/** Most characters of one error message. */
export const MESSAGE_MAX = 2_000;

/** `text` cut to `max` characters with a note saying how long it was. */
export function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = text.slice(0, max);
  // Never cut a surrogate pair in half.
  const safe = /[\uD800-\uDBFF]$/.test(keep) ? keep.slice(0, -1) : keep;
  return `${safe}… [cut: ${text.length.toLocaleString('en-US')} characters in all]`;
}

/**
 * An error as it is listed: a long value (a 50 MB cell) is quoted by its start and its length,
 * in the value and wherever the message repeats it, so the email, the workbook and the logs
 * stay small whatever was uploaded.
 */
export function boundRowError(error: RowError): RowError {
  if (
    error.value.length <= SHOWN_VALUE_MAX &&
    error.column.length <= SHOWN_VALUE_MAX &&
    error.message.length <= MESSAGE_MAX
  ) {
    return error;
  }
  const value = shortened(error.value, SHOWN_VALUE_MAX);
  const column = shortened(error.column, SHOWN_VALUE_MAX);
  let message = error.message;
  if (error.value.length > SHOWN_VALUE_MAX) {
    for (const quoted of new Set([error.value, error.value.trim()])) {
      if (quoted.length > SHOWN_VALUE_MAX)
        message = message.split(quoted).join(shortened(quoted, SHOWN_VALUE_MAX));
    }
  }
  if (message.length > MESSAGE_MAX) {
    // Keep the start (what is wrong) and the end (what to do).
    const half = Math.floor(MESSAGE_MAX / 2);
    message = `${message.slice(0, half)} … ${message.slice(-half)}`;
  }
  return { ...error, column, value, message };
}
