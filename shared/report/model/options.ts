/** What the caller passes to `buildReportModel` besides the configuration and the data. */
import type { DimensionValues } from '../../domain/types.ts';

export interface BuildReportModelOptions {
  /** Dimension values the recipient's report is restricted to, e.g. `{ category: 'pets' }`. */
  readonly scope?: DimensionValues | undefined;
  /** ISO instant of generation (the builder reads no clock). */
  readonly generatedAt: string;
  /** Upload keys (or other provenance) the data came from, shown in About. */
  readonly sources?: readonly string[] | undefined;
  /** Uploads rejected since the last run, mentioned in the data-quality notes. */
  readonly rejectedUploads?: readonly { key: string; errors: number; finishedAt: string }[] | undefined;
  /** How many slices an attribution lists (the rest is summed); default 8. */
  readonly attributionSlices?: number | undefined;
}
