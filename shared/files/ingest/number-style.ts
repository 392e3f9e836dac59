/**
 * Which mark a semicolon-separated CSV uses for decimals. Excel writes such files where the
 * list separator is `;` because the comma is the decimal mark (German, French, Russian …
 * locales), but not always: `12,500` may be 12.5 or 12500. The file as a whole decides:
 *
 * - a decimal-comma file shows itself in numbers no thousands separator can explain: `12,5`,
 *   `0,125`, `1234,50`, `1.234,5`, `1.234.567`;
 * - a decimal-point file in numbers a decimal comma cannot explain: `12.5`, `0.125`,
 *   `1,234.5`, `1,234,567`;
 * - `12,500` and `12.500` (one group of three after the mark) prove nothing.
 *
 * Only one kind of evidence: the file is read that way. Neither or both: every number that
 * reads two ways becomes a row error showing both readings, never a silent pick.
 */
import type { CellError, CellValue } from './normalize.ts';

export type NumberStyle = 'decimal-comma' | 'decimal-point' | 'undecided';

const SIGNED = String.raw`^[-+\u2212]?`;
const PERCENT = '%?$';
const only = (body: string) => new RegExp(`${SIGNED}(?:${body})${PERCENT}`);

/** Numbers only a decimal comma explains. */
const DECIMAL_COMMA = only(
  String.raw`\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+|0,\d+|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}`,
);
/** Numbers only a decimal point explains. */
const DECIMAL_POINT = only(
  String.raw`\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+|0\.\d+|\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,}`,
);
/** One group of three after a single mark: 12,500 or 12.500. */
const TWO_WAYS = only(String.raw`[1-9]\d{0,2}[.,]\d{3}`);
/** A number as a decimal-comma locale writes it, with optional dot thousands separators. */
const COMMA_NUMBER = only(String.raw`\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?`);

/** Collects the evidence of a file's cells; {@link decide} says what it shows. */
export class NumberStyleEvidence {
  private comma = 0;
  private point = 0;

  see(text: string): void {
    const c = text.charCodeAt(text.length - 1);
    // Cheap filter: numbers end in a digit or %.
    if (!((c >= 48 && c <= 57) || c === 37)) return;
    const trimmed = text.trim();
    if (DECIMAL_COMMA.test(trimmed)) this.comma++;
    else if (DECIMAL_POINT.test(trimmed)) this.point++;
  }

  decide(): NumberStyle {
    if (this.comma > 0 && this.point === 0) return 'decimal-comma';
    if (this.point > 0 && this.comma === 0) return 'decimal-point';
    return 'undecided';
  }
}

/** Both readings of a number that reads two ways. */
function readings(text: string): { comma: number; point: number } {
  const digits = text.replace(/[^\d.,]/g, '');
  const negative = /^[-\u2212]/.test(text) ? -1 : 1;
  // `12,500`: decimal comma → 12.5, thousands → 12500; `12.500` the other way round.
  const asDecimal = Number(digits.replace(/[.,]/, '.'));
  const asThousands = Number(digits.replace(/[.,]/, ''));
  return digits.includes(',')
    ? { comma: negative * asDecimal, point: negative * asThousands }
    : { comma: negative * asThousands, point: negative * asDecimal };
}

/**
 * A cell of a semicolon-separated file as the file's number style reads it: decimal-comma
 * numbers rewritten with a decimal point (`1.234,5` → `1234.5`), numbers that read two ways
 * in an undecided file turned into an error naming both readings; anything else as it is.
 */
export function applyNumberStyle(text: string, style: NumberStyle): CellValue {
  if (style === 'decimal-point' || text === '') return text;
  const trimmed = text.trim();
  if (style === 'decimal-comma') {
    return COMMA_NUMBER.test(trimmed) ? trimmed.replace(/\./g, '').replace(',', '.') : text;
  }
  if (!TWO_WAYS.test(trimmed)) return text;
  const both = readings(trimmed);
  const error: CellError = {
    error: text,
    message: `"${trimmed}" reads two ways in this semicolon-separated file: ${both.comma} with a decimal comma, or ${both.point} with a thousands separator, and the file's other numbers do not tell which. Write it without a thousands separator (${both.comma} or ${both.point}) and upload again. 该数字有两种读法（小数逗号或千位分隔符），请去掉千位分隔符后重新上传。`,
  };
  return error;
}
