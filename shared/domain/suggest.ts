/**
 * "Did you mean …?" support for error messages: the closest known name, if any is close.
 * The work is bounded whatever the input: a value much longer than every option is not compared
 * at all (it cannot be within a third of its length of any of them), options whose length alone
 * rules them out are skipped, and {@link SuggestionBudget} caps the comparisons of one file.
 */

/** Longest value (UTF-16 units) compared at all: far beyond any configured name. */
export const MAX_SUGGEST_INPUT = 256;

/** Levenshtein distance between two strings (code points), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = [...a.toLowerCase()];
  const right = [...b.toLowerCase()];
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[right.length]!;
}

/** How far a suggestion may be: a third of the longer string's length, at least one edit. */
function allowedDistance(valueLength: number, optionLength: number): number {
  return Math.max(1, Math.floor(Math.max(valueLength, optionLength) / 3));
}

/**
 * Caps the edit-distance work of one file: each comparison costs the product of the two
 * lengths; once `cells` are spent, no more suggestions are made (the message then lists the
 * known names instead, which costs nothing per row).
 */
export class SuggestionBudget {
  spent = 0;
  constructor(readonly cells = 2_000_000) {}
  get exhausted(): boolean {
    return this.spent >= this.cells;
  }
}

/**
 * The option closest to `value`, when it is close enough to be a plausible typo: at most a
 * third of the longer string's length (and at least one edit) away. `null` when none is, when
 * `value` is longer than {@link MAX_SUGGEST_INPUT} or when the budget is spent.
 */
export function closestMatch(
  value: string,
  options: readonly string[],
  budget: SuggestionBudget = new SuggestionBudget(),
): string | null {
  if (value.length > MAX_SUGGEST_INPUT || budget.exhausted) return null;
  const valueLength = [...value].length;
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const option of options) {
    const optionLength = [...option].length;
    // The distance is at least the difference in length: skip options that cannot qualify.
    const floor = Math.abs(valueLength - optionLength);
    if (floor > allowedDistance(valueLength, optionLength) || floor >= bestDistance) continue;
    if (budget.exhausted) break;
    budget.spent += Math.max(1, valueLength * optionLength);
    const distance = editDistance(value, option);
    if (distance < bestDistance && distance <= allowedDistance(valueLength, optionLength)) {
      best = option;
      bestDistance = distance;
    }
  }
  return best;
}
