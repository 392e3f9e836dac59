/**
 * A small RFC 4180 tokenizer for the CSV hot path: fed decoded text chunk by chunk, it emits
 * records of raw strings (never numbers: `007` stays `007`). Quoted fields may hold the
 * delimiter, `""` and line breaks, and may span chunks; CR, LF and CRLF all end a record; a
 * quote inside an unquoted field is kept as text (Excel writes such files). It exists because
 * the ingest budget (≥ 250k rows/s for 12 columns) leaves no room for a general parser's
 * per-field buffers; its output is checked against csv-parse in the tests.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Raised for a quoted field that is never closed. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvTokenizer {
  private readonly delimiter: number;
  private record: string[] = [];
  /** Text of the current field carried over from earlier chunks. */
  private carry = '';
  private quoted = false;
  /** In a quoted field, the previous character was a quote (an escape or the closing quote). */
  private quotePending = false;
  /** The current field started with a quote. */
  private fieldQuoted = false;
  /** Anything seen since the last record ended. */
  private dirty = false;
  private skipLf = false;
  /** Physical line of the current position, for error messages. */
  line = 1;
  private quoteLine = 1;

  private readonly delimiterText: string;
  private readonly lineScan: boolean;

  /**
   * `lineScan: false` turns off the whole-line fast path (character by character only): the
   * tests check both give the same records for any input.
   */
  constructor(delimiter: string, options: { lineScan?: boolean } = {}) {
    this.delimiter = delimiter.charCodeAt(0);
    this.delimiterText = delimiter;
    this.lineScan = options.lineScan ?? true;
  }

  /**
   * The fast path for a whole line that starts at `from` and ends with a line break in this
   * chunk: fields found with `indexOf`, not character by character. Handles unquoted fields
   * and quoted ones without doubled quotes or line breaks; returns the record, or undefined
   * (nothing changed) for anything else, which the character loop then reads.
   */
  private scanLine(text: string, from: number, lf: number, cr: number): string[] | undefined {
    let end = lf;
    if (end > from && text.charCodeAt(end - 1) === CR) end--;
    // A CR on its own ends a record: leave such lines to the character loop.
    if (cr >= from && cr < end) return undefined;
    const d = this.delimiter;
    const record: string[] = [];
    let p = from;
    for (;;) {
      if (p < end && text.charCodeAt(p) === QUOTE) {
        const close = text.indexOf('"', p + 1);
        if (close < 0 || close >= end) return undefined;
        const next = close + 1;
        if (next < end && text.charCodeAt(next) !== d) return undefined;
        record.push(text.slice(p + 1, close));
        if (next >= end) return record;
        p = next + 1;
      } else {
        const q = text.indexOf(this.delimiterText, p);
        if (q < 0 || q >= end) {
          record.push(text.slice(p, end));
          return record;
        }
        record.push(text.slice(p, q));
        p = q + 1;
      }
    }
  }

  /** Tokenizes one chunk, calling `emit` for each complete record. */
  push(text: string, emit: (record: string[]) => void): void {
    const d = this.delimiter;
    const n = text.length;
    let start = 0;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) {
        i = 1;
        start = 1;
      }
    }
    // Positions of the next LF and CR at or after `i` (n when none), for the line fast path.
    let lf = -1;
    let cr = -1;
    let fast = this.lineScan;
    while (i < n) {
      if (
        fast &&
        start === i &&
        !this.quoted &&
        !this.fieldQuoted &&
        this.carry === '' &&
        this.record.length === 0
      ) {
        if (lf < i) {
          lf = text.indexOf('\n', i);
          if (lf < 0) lf = n;
        }
        if (lf < n) {
          if (cr < i) {
            cr = text.indexOf('\r', i);
            if (cr < 0) cr = n;
          }
          const record = this.scanLine(text, i, lf, cr);
          if (record) {
            emit(record);
            this.line++;
            i = lf + 1;
            start = i;
            continue;
          }
        }
        // Not a simple whole line: read it character by character, then try again.
        fast = false;
      }
      const c = text.charCodeAt(i);
      if (this.quoted) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            // An escaped quote: the first was dropped, keep this one as text.
            start = i;
            i++;
            continue;
          }
          this.quoted = false;
          // fall through: the quote closed the field; c is handled as unquoted below
        } else {
          if (c === QUOTE) {
            this.carry += text.slice(start, i);
            start = i + 1;
            this.quotePending = true;
          } else if (c === LF) this.line++;
          i++;
          continue;
        }
      }
      if (c === d) {
        this.record.push(this.carry + text.slice(start, i));
        this.carry = '';
        this.fieldQuoted = false;
        this.dirty = true;
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.record.push(this.carry + text.slice(start, i));
        this.carry = '';
        this.fieldQuoted = false;
        this.dirty = false;
        emit(this.record);
        this.record = [];
        this.line++;
        fast = this.lineScan;
        if (c === CR) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === LF) i++;
          } else this.skipLf = true;
        }
        start = i + 1;
      } else if (c === QUOTE && start === i && this.carry === '' && !this.fieldQuoted) {
        // A quote opening a field.
        this.quoted = true;
        this.fieldQuoted = true;
        this.quoteLine = this.line;
        this.dirty = true;
        start = i + 1;
      } else {
        this.dirty = true;
      }
      i++;
    }
    this.carry += text.slice(start, n);
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(emit: (record: string[]) => void): void {
    if (this.quoted && !this.quotePending) {
      throw new CsvSyntaxError(
        `a quoted field opened on line ${this.quoteLine} is never closed`,
        this.quoteLine,
      );
    }
    this.quoted = false;
    this.quotePending = false;
    if (this.dirty || this.carry !== '' || this.record.length > 0) {
      this.record.push(this.carry);
      emit(this.record);
    }
    this.record = [];
    this.carry = '';
    this.dirty = false;
  }
}
