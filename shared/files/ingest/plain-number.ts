/**
 * The number cells most files hold — `1154`, `755.56`, `-3`, `1,234,567.89` — read by
 * character code, with no trimmed copy, regular expression or comma-free string per cell.
 * Anything else (spaces, signs other than one leading `-`, exponents, currencies, `%`,
 * full-width digits, misplaced separators, more than 15 digits) is left to the careful parser
 * in normalize.ts, which gives the same value for every text read here (the tests compare
 * both on random and edge inputs).
 */

const ZERO = 48;
const NINE = 57;
const MINUS = 45;
const DOT = 46;
const COMMA = 44;

/** 10^0 … 10^15, all exact doubles. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * Digits a mantissa may have and stay an exact integer (10^15 < 2^53): its quotient by an
 * exact power of ten is then the correctly rounded double, the one `Number()` returns.
 */
const MAX_DIGITS = 15;

/**
 * The value of `text` when it is a plain number — optional `-`, digits (or digits in groups
 * of three separated by commas, the first group of one to three), optional `.` and fraction
 * digits, at least one digit in all and at most 15 — else NaN (not read here, not refused).
 */
export function plainNumber(text: string): number {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === MINUS) {
    negative = true;
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  // Integer part: `group` counts digits since the start or the last comma.
  let group = 0;
  let commas = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      group++;
    } else if (c === COMMA) {
      // A separator needs one to three digits before the first comma, exactly three after each.
      if (commas ? group !== 3 : group === 0 || group > 3) return Number.NaN;
      commas = true;
      group = 0;
    } else break;
  }
  if (commas && group !== 3) return Number.NaN;
  let scale = 0;
  if (i < n && text.charCodeAt(i) === DOT) {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return Number.NaN;
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      scale++;
    }
  }
  if (i < n || digits === 0 || digits > MAX_DIGITS) return Number.NaN;
  const value = scale === 0 ? mantissa : mantissa / POWERS_OF_TEN[scale]!;
  return negative ? -value : value;
}
