/**
 * V8 flags the functions run with (NODE_OPTIONS), in one place so the benchmark measures the
 * ingest core with the same flags the deployed ingest function has.
 *
 * No `--enable-source-maps`: Node then reads and parses the bundle's source map (several MiB)
 * at module load, which cost every cold start 70–150 ms CPU (bench/NOTES.md, "Lambda cold
 * start") — more than any other single item of the cold-start budget of 250 ms. The map still
 * ships beside the bundle: a minified stack trace from the logs is mapped back offline, or the
 * flag is added to one function's NODE_OPTIONS while debugging it (README, "Cold start").
 */

/**
 * Semi-space (young generation) size for the ingest function. Ingest allocates a few short
 * strings and arrays per row and keeps every accepted fact until the file is validated; with
 * V8's default 16 MB semi-spaces those facts are copied through the young generation again and
 * again. 32 MB measured on the 1M-row CSV: process CPU 10.8 → 8.6 s and peak RSS 715 → 579 MB;
 * 64 MB gave no more. The engine and workbook workloads showed no gain, so only ingest has it.
 */
export const INGEST_SEMI_SPACE_MB = 32;

/** NODE_OPTIONS for a function: its heap cap and, if given, its semi-space size. */
export function nodeOptions(heapMb: number, semiSpaceMb?: number): string {
  return [
    `--max-old-space-size=${heapMb}`,
    ...(semiSpaceMb ? [`--max-semi-space-size=${semiSpaceMb}`] : []),
  ].join(' ');
}
