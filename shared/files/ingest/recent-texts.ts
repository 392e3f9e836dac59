/**
 * The last few texts one column resolved, and what each resolved to: a guard in front of a
 * column's Map. Consecutive rows mostly repeat their KPI, channel or category, but each cell is
 * a freshly sliced string the Map must hash (every character) before it can compare; here a
 * slot is picked from the length and last character, and one `===` decides. A miss costs that
 * compare and the Map look-up as before; values are never stale, as what a text resolves to
 * does not change within a file.
 */

/** Slots per column: a power of two, small enough to stay in cache. */
const SLOTS = 16;

/**
 * Longest text kept. V8 slices 13 characters or more as a view into the decoded chunk, so a
 * kept long cell would hold its whole chunk (up to 128 KB) for as long as it stays in its
 * slot; shorter slices are copies. Longer texts (rare as names) go to the Map as before.
 */
const MAX_LENGTH = 12;

export class RecentTexts<T> {
  private readonly texts: string[] = new Array<string>(SLOTS).fill('');
  private readonly values: (T | undefined)[] = new Array<T | undefined>(SLOTS).fill(undefined);

  private static slot(text: string): number {
    const n = text.length;
    return n === 0 ? 0 : (n * 31 + text.charCodeAt(n - 1)) & (SLOTS - 1);
  }

  /** What `text` resolved to when it was last {@link remember}ed here, else undefined. */
  get(text: string): T | undefined {
    const slot = RecentTexts.slot(text);
    return this.texts[slot] === text ? this.values[slot] : undefined;
  }

  /** Keeps `value` for `text`, in place of the text that had its slot. */
  remember(text: string, value: T): void {
    if (text.length > MAX_LENGTH) return;
    const slot = RecentTexts.slot(text);
    this.texts[slot] = text;
    this.values[slot] = value;
  }
}
