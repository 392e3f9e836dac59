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
