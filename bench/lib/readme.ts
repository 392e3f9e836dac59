/**
 * Writes the results table into README.md between `<!-- bench:start -->` and
 * `<!-- bench:end -->`, touching nothing outside the markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/**
 * Replaces what lies between the markers with `block`. Returns false (and leaves the file
 * alone) when the markers are missing or out of order.
 */
export function replaceBenchBlock(readmePath: string, block: string): boolean {
  let text: string;
  try {
    text = readFileSync(readmePath, 'utf8');
  } catch {
    return false;
  }
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < 0 || end < start) return false;
  const next = `${text.slice(0, start + START_MARKER.length)}\n${block.trim()}\n${text.slice(end)}`;
  if (next !== text) writeFileSync(readmePath, next);
  return true;
}
