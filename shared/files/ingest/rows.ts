import type { CellValue } from './normalize.ts';

/** One row of an uploaded sheet, numbered as Excel shows it (header = row 1). */
export interface RawRow {
  readonly row: number;
  readonly cells: readonly CellValue[];
}
