/**
 * What the store and the renderers can hold, checked while a row is validated so that a value
 * they cannot hold is a row error the uploader can fix, never a write that fails in DynamoDB
 * (retried into the dead-letter queue, the uploader never told) or a cell a renderer cuts.
 *
 * The limits, and where each comes from:
 * - Numbers: the DynamoDB document client refuses numbers beyond ±2^53 − 1 (it would lose
 *   digits) and DynamoDB itself non-zero magnitudes below 1E-130 (its range is 1E-130 …
 *   9.9999999999999999999999999999999999999E+125, 38 digits); ±Infinity/NaN are no numbers.
 * - A milestone id is the sort key of its item (table-design.ts, `M` / `<id>`): at most 1,024
 *   bytes of UTF-8. Line breaks and control characters in an id are refused too: the id is how
 *   a later upload replaces the milestone, and such an id cannot be typed again.
 * - Text shown in a report (titles, owners): an Excel cell holds at most 32,767 characters,
 *   and XML 1.0 (every .xlsx part) cannot hold control characters other than tab, line feed
 *   and carriage return, or unpaired surrogates. 3 × 32,767 characters of 4-byte UTF-8 stay
 *   far below DynamoDB's 400 KB item limit.
 */

/** Most characters of one Excel cell. */
export const EXCEL_CELL_MAX_CHARS = 32_767;
/** Most bytes of a DynamoDB sort key (UTF-8). */
export const SORT_KEY_MAX_BYTES = 1_024;
/** Smallest non-zero magnitude DynamoDB stores. */
export const DYNAMO_MIN_MAGNITUDE = 1e-130;

/** Half of a surrogate pair without its other half (no `u` flag: it must see code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters XML 1.0 cannot hold (besides unpaired surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: line breaks and controls in an id
const KEY_ILLEGAL = /[\u0000-\u001F\u007F\u2028\u2029\uFFFE\uFFFF]/u;

/** A problem with a value (code and the message the uploader reads); `null` when it can be stored. */
export type Unstorable = { readonly code: UnstorableCode; readonly message: string } | null;
export type UnstorableCode = 'number_out_of_range' | 'text_too_long' | 'bad_characters';

const range = (message: string): Unstorable => ({ code: 'number_out_of_range', message });

/** Checks a parsed number can be stored exactly as the uploader wrote it. */
export function unstorableNumber(value: number): Unstorable {
  if (!Number.isFinite(value)) {
    return range(
      'The number is too large to be a number at all (it overflows to infinity): check for a typo such as an exponent (1e309) and type the real figure',
    );
  }
  const magnitude = Math.abs(value);
  if (magnitude > Number.MAX_SAFE_INTEGER) {
    return range(
      `The number is beyond ±9,007,199,254,740,991 (2^53 − 1), the largest that is stored without losing digits: check the figure (a wrong unit or a typo?) and split it across rows or use a larger unit if it is real`,
    );
  }
  if (magnitude !== 0 && magnitude < DYNAMO_MIN_MAGNITUDE) {
    return range(
      'The number is closer to zero than 1E-130, the smallest the store holds: type 0 if it is zero, or check the exponent',
    );
  }
  return null;
}

/** How long a text is, for messages. */
function characters(text: string): string {
  return text.length.toLocaleString('en-US');
}

/** Checks text shown in a report cell (title, owner). */
export function unstorableText(text: string, label: string): Unstorable {
  if (text.length > EXCEL_CELL_MAX_CHARS) {
    return {
      code: 'text_too_long',
      message: `The ${label} has ${characters(text)} characters; a cell holds at most 32,767: shorten it (put long descriptions in a linked document)`,
    };
  }
  if (XML_ILLEGAL.test(text) || LONE_SURROGATE.test(text)) {
    return {
      code: 'bad_characters',
      message: `The ${label} holds a control character or a broken character that a workbook cannot hold: retype it without them (line breaks and tabs are fine)`,
    };
  }
  return null;
}

/** Checks an identifier stored as a sort key (milestone id). */
export function unstorableKey(text: string, label: string): Unstorable {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > SORT_KEY_MAX_BYTES) {
    return {
      code: 'text_too_long',
      message: `The ${label} is ${bytes.toLocaleString('en-US')} bytes long; at most 1,024 bytes (UTF-8; about 340 Chinese characters) are allowed: use a short id such as M12 and put the description in the title`,
    };
  }
  if (KEY_ILLEGAL.test(text) || LONE_SURROGATE.test(text)) {
    return {
      code: 'bad_characters',
      message: `The ${label} holds a line break or another control character: write it on one line without them (it is how a later upload finds this row again)`,
    };
  }
  return null;
}

/** What {@link workbookCellText} replaces: XML_ILLEGAL and unpaired surrogates, every one. */
const XML_ILLEGAL_ALL = new RegExp(`${XML_ILLEGAL.source}|${LONE_SURROGATE.source}`, 'g');

/**
 * Text as a workbook cell can hold it: characters XML cannot hold become U+FFFD, and text
 * beyond 32,767 characters is cut, ending with a note that says so and how long it was.
 */
export function workbookCellText(text: string): string {
  if (text.length <= EXCEL_CELL_MAX_CHARS) return text.replace(XML_ILLEGAL_ALL, '\uFFFD');
  // Cut first: cleaning 50 MB to keep 32 KB of it is wasted work.
  const note = ` … [cut here: the cell had ${text.length.toLocaleString('en-US')} characters, a cell holds 32,767]`;
  let keep = text.slice(0, EXCEL_CELL_MAX_CHARS - note.length);
  if (/[\uD800-\uDBFF]$/.test(keep)) keep = keep.slice(0, -1);
  return keep.replace(XML_ILLEGAL_ALL, '\uFFFD') + note;
}
