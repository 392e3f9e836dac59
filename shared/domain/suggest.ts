/** "Did you mean …?" support for error messages: the closest known name, if any is close. */

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

/**
 * The option closest to `value`, when it is close enough to be a plausible typo: at most a
 * third of the longer string's length (and at least one edit) away.
 */
export function closestMatch(value: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const option of options) {
    const distance = editDistance(value, option);
    if (distance < bestDistance) {
      best = option;
      bestDistance = distance;
    }
  }
  if (best === null) return null;
  const allowed = Math.max(1, Math.floor(Math.max([...value].length, [...best].length) / 3));
  return bestDistance <= allowed ? best : null;
}
