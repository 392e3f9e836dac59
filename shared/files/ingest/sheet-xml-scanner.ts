/**
 * An incremental scanner for the worksheet part of an XLSX file (SpreadsheetML `<sheetData>`),
 * fed decoded text chunks as they are inflated. It is not a general XML parser: it finds the
 * tags and the text that matter for cell values (`<row>`, `<c r t s>`, `<v>`, `<f>`, `<is>`
 * with its `<t>` runs, `<rPh>` phonetic runs to leave out) and skips everything else, while
 * still checking what a truncated or mangled part breaks: every tag must end, end tags must
 * match their start tags, attributes must be quoted, entities must be known.
 *
 * Why not saxes, which reads the other parts: on the 109 MB sheet of the 200k-row benchmark
 * file saxes took 5 s of the 9.6 s CPU of the whole ingest (a tag object and an attribute
 * dictionary per element, a state-machine step per character); htmlparser2 was measured no
 * faster. Even a bare `charCodeAt` loop over that text costs 0.5 s, an `indexOf('<')` scan
 * 0.16 s, so this scanner looks at few characters one by one: `indexOf` finds tag ends,
 * quotes, `&` and CR, and the usual cell (`<c r="A2" s="1"><v>…</v></c>`: every cell of the
 * benchmark sheet, most cells Excel writes) is matched whole by one sticky regular expression
 * instead of as five tags. The sheet went from 5 s (saxes) to about 1.2 s of CPU.
 *
 * The handlers reproduce the saxes-based reader exactly (the tests hold the two to the same
 * cells for random sheets and chunkings), with these deliberate differences: CDATA sections in
 * `<v>`, `<f>` and `<t>` count as text (the saxes reader dropped them); a `<c>` in `<sheetData>`
 * but outside a `<row>` is an error (it was dropped silently); and some faults that saxes
 * refused but that lose no cell are let pass (control characters, a `<` in an attribute value,
 * text outside the root element, `]]>` in text).
 */

/** Malformed XML in the sheet part; the reader turns it into the "damaged workbook" error. */
export class SheetXmlError extends Error {
  override readonly name = 'SheetXmlError';
}

/** The cell being read; the scanner hands the same object to {@link SheetSink.cell} for every cell. */
export class ScannedCell {
  /** Column index, 0 = A: from `r`, else one right of the previous cell of the row. */
  col = -1;
  /** The `t` attribute (`s`, `str`, `inlineStr`, `b`, `e`, `d`, `n`), '' when absent. */
  type = '';
  /** `Number(s)`, 0 when absent. */
  style = 0;
  /** The text of `<v>` (entities decoded), and whether the cell has a `<v>` at all. */
  value = '';
  hasValue = false;
  formula = '';
  hasFormula = false;
  /** The `<t>` runs of `<is>` joined, phonetic runs left out. */
  inline = '';
  hasInline = false;
}

/** What the scanner reports, in document order. */
export interface SheetSink {
  /** A `<row>` starts (also for `<row/>`); `rowNo` from `r`, else one below the previous row. */
  row(rowNo: number): void;
  /** A `<c>` inside a row ended. */
  cell(cell: ScannedCell): void;
  /** The row ended. */
  rowEnd(): void;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const QUOT = 34;
const APOS = 39;
const SLASH = 47;
const COLON = 58;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

// The elements the scanner acts on, by local name (`x:c` is `c`).
const OTHER = 0;
const ROW = 1;
const C = 2;
const V = 3;
const F = 4;
const IS = 5;
const T = 6;
const R_PH = 7;
const SHEET_DATA = 8;
/** Unprefixed names of the elements above, pushed on the open-tag stack without slicing the text. */
const NAMES = ['', 'row', 'c', 'v', 'f', 'is', 't', 'rPh', 'sheetData'];

function elementOf(text: string, start: number, end: number): number {
  const c0 = text.charCodeAt(start);
  switch (end - start) {
    case 1:
      return c0 === 99 ? C : c0 === 118 ? V : c0 === 102 ? F : c0 === 116 ? T : OTHER;
    case 2:
      return c0 === 105 && text.charCodeAt(start + 1) === 115 ? IS : OTHER;
    case 3:
      return text.startsWith('row', start) ? ROW : text.startsWith('rPh', start) ? R_PH : OTHER;
    case 9:
      return text.startsWith('sheetData', start) ? SHEET_DATA : OTHER;
    default:
      return OTHER;
  }
}

// Where the text read goes.
const NOWHERE = 0;
const VALUE = 1;
const FORMULA = 2;
const INLINE = 3;

/** XML characters (XML 1.0 `Char`): what a character reference may stand for. */
function isXmlChar(code: number): boolean {
  return (
    code === TAB ||
    code === LF ||
    code === CR ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function entity(name: string): string {
  const known = PREDEFINED[name];
  if (known !== undefined) return known;
  let code = Number.NaN;
  if (/^#x[0-9a-f]+$/i.test(name)) code = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]+$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else throw new SheetXmlError(`unknown entity &${name};`);
  if (!isXmlChar(code)) throw new SheetXmlError(`character reference &${name}; to no XML character`);
  return String.fromCodePoint(code);
}

/** Replaces the entity and character references of `raw` (already free of markup). */
function decodeEntities(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semicolon = raw.indexOf(';', amp + 1);
    if (semicolon < 0) throw new SheetXmlError('an & that starts no entity');
    out += raw.slice(from, amp) + entity(raw.slice(amp + 1, semicolon));
    from = semicolon + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

/** Text content as an XML parser reports it: line ends normalised to \n, then entities decoded. */
function decodeText(raw: string): string {
  return decodeEntities(raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);
}

/** An attribute value as an XML parser reports it: CR LF, CR, LF and tab become a space. */
function decodeAttribute(raw: string): string {
  return decodeEntities(raw.replace(/\r\n|[\t\n\r]/g, ' '));
}

/** `columnOf` of the reader on `text[start, end)`: 0 = A, -1 without letters or past XFD. */
function columnAt(text: string, start: number, end: number): number {
  let n = 0;
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + c - 64;
    else if (c >= 97 && c <= 122) n = n * 26 + c - 96;
    else break;
  }
  return i === start || n > 16_384 ? -1 : n - 1;
}

/** `Number(text.slice(start, end))`, without the slice for plain digits (style indexes, row numbers). */
function numberAt(text: string, start: number, end: number): number {
  if (end > start && end - start <= 15) {
    let n = 0;
    let i = start;
    for (; i < end; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === end) return n;
  }
  return Number(text.slice(start, end));
}

/** The `t` attribute, as a shared constant for the usual values. */
function typeAt(text: string, start: number, end: number): string {
  switch (end - start) {
    case 1:
      switch (text.charCodeAt(start)) {
        case 115:
          return 's';
        case 98:
          return 'b';
        case 101:
          return 'e';
        case 110:
          return 'n';
        case 100:
          return 'd';
      }
      break;
    case 3:
      if (text.startsWith('str', start)) return 'str';
      break;
    case 9:
      if (text.startsWith('inlineStr', start)) return 'inlineStr';
      break;
  }
  const type = text.slice(start, end);
  return /[\t\n\r]/.test(type) ? type.replace(/\r\n|[\t\n\r]/g, ' ') : type;
}

/** See {@link SheetXmlScanner.plainCell}. */
const PLAIN_CELL =
  /<c r="[A-Z]{1,3}\d+"(?: s="\d{1,9}")?(?: t="(?:s|str|n|b|e|d|inlineStr)")?>(?:<v>[^<&\r]*<\/v>)?<\/c>/y;

/**
 * Feed it the decoded text of the sheet part with {@link write}, in chunks cut anywhere (a tag,
 * an entity or a CR LF may straddle two chunks: the unfinished tail waits for the next chunk),
 * then call {@link end}. Throws {@link SheetXmlError} for malformed XML, whatever the sink throws
 * as it is.
 */
export class SheetXmlScanner {
  /** Text not scanned yet: an unfinished tag, or the text of a `<v>`/`<f>`/`<t>` not ended yet. */
  private tail = '';
  /** Qualified names of the open elements, innermost last, and their element codes. */
  private readonly open: string[] = [];
  private readonly openElements: number[] = [];
  private sawRoot = false;
  private inSheetData = false;
  private inRow = false;
  private rowNo = 0;
  private into = NOWHERE;
  private inInline = false;
  private inPhonetic = false;
  private readonly cell = new ScannedCell();
  /**
   * In the text being scanned, the first `&` and the first CR at or after the last place asked
   * for (the text's length when there is none): a text run or an attribute value before both is
   * used as it is, without decoding it or looking at each of its characters. (One regular
   * expression for both cost 0.3 s on the benchmark sheet; `indexOf` finds a character fast.)
   */
  private nextAmp = -1;
  private nextCr = -1;

  constructor(private readonly sink: SheetSink) {}

  write(chunk: string): void {
    let text = chunk;
    if (this.tail.length > 0) {
      // Finish the unfinished tag (or text) with the chunk up to its first `>`, so the chunk
      // itself is scanned as it is: `tail + chunk` would copy the whole chunk into a new string.
      const gt = chunk.indexOf('>') + 1;
      if (gt === 0) text = this.tail + chunk;
      else {
        const head = this.tail + chunk.slice(0, gt);
        const done = this.scan(head, false);
        text = done === head.length ? chunk.slice(gt) : head.slice(done) + chunk.slice(gt);
      }
    }
    const done = this.scan(text, false);
    this.tail = done === text.length ? '' : text.slice(done);
  }

  /** The part ended: whatever is still open or unfinished is an error (a truncated part). */
  end(): void {
    if (this.tail.length > 0) this.scan(this.tail, true);
    this.tail = '';
    const open = this.open;
    if (open.length > 0) throw new SheetXmlError(`the part ends inside <${open[open.length - 1]}>`);
    if (!this.sawRoot) throw new SheetXmlError('no root element');
  }

  /** Whether `text[start, end)` holds no `&`: an attribute value to use as it is. */
  private noEntity(text: string, start: number, end: number): boolean {
    if (this.nextAmp < start) {
      const at = text.indexOf('&', start);
      this.nextAmp = at < 0 ? text.length : at;
    }
    return this.nextAmp >= end;
  }

  /** Whether `text[start, end)` holds no `&` and no CR: text to use as it is. */
  private plain(text: string, start: number, end: number): boolean {
    if (!this.noEntity(text, start, end)) return false;
    if (this.nextCr < start) {
      const at = text.indexOf('\r', start);
      this.nextCr = at < 0 ? text.length : at;
    }
    return this.nextCr >= end;
  }

  /** Scans `text`; returns where the unfinished rest starts (`text.length` when none). */
  private scan(text: string, final: boolean): number {
    const n = text.length;
    this.nextAmp = this.nextCr = -1;
    let i = 0;
    while (i < n) {
      const lt = text.charCodeAt(i) === LT ? i : text.indexOf('<', i);
      if (lt < 0) {
        if (this.into === NOWHERE) return n; // white space between tags, or text nobody reads
        if (!final) return i; // the text may go on (or end in half an entity): wait for the rest
        this.text(text, i, n);
        return n;
      }
      if (lt > i && this.into !== NOWHERE) this.text(text, i, lt);
      let next = -1;
      if (lt + 1 < n) {
        const c = text.charCodeAt(lt + 1);
        if (c === 99 && this.inRow && this.into === NOWHERE) {
          next = this.plainCell(text, lt);
          if (next >= 0) {
            i = next;
            continue;
          }
        }
        if (c === SLASH) next = this.endTag(text, lt);
        else if (c === BANG) next = this.bang(text, lt, final);
        else if (c === QUESTION) {
          const close = text.indexOf('?>', lt + 2);
          next = close < 0 ? -1 : close + 2;
        } else next = this.startTag(text, lt);
      }
      if (next < 0) {
        if (final) throw new SheetXmlError('the part ends inside a tag');
        return lt;
      }
      i = next;
    }
    return n;
  }

  /**
   * The usual cell, `<c r="B2" s="1" t="str"><v>text</v></c>` (s, t and the value optional, the
   * value without entities or CR), read with one sticky regular expression instead of five
   * tags; -1 when the cell is not of that shape (or not complete in `text`).
   */
  private plainCell(text: string, lt: number): number {
    const pattern = PLAIN_CELL;
    pattern.lastIndex = lt;
    // test() and reading the parts off the text spares the match array and its strings.
    if (!pattern.test(text)) return -1;
    const next = pattern.lastIndex;
    const cell = this.cell;
    const refEnd = text.indexOf('"', lt + 6);
    const at = columnAt(text, lt + 6, refEnd);
    cell.col = at < 0 ? cell.col + 1 : at;
    cell.style = 0;
    cell.type = '';
    let p = refEnd + 1; // after the closing quote of r
    while (text.charCodeAt(p) === SPACE) {
      const name = text.charCodeAt(p + 1);
      const valueEnd = text.indexOf('"', p + 4);
      if (name === 115) cell.style = numberAt(text, p + 4, valueEnd);
      else cell.type = typeAt(text, p + 4, valueEnd);
      p = valueEnd + 1;
    }
    // p is at the > of the start tag: then `</c>`, or `<v>value</v></c>`
    cell.hasValue = next - p > 5;
    cell.value = cell.hasValue ? text.slice(p + 4, next - 8) : '';
    cell.hasFormula = cell.hasInline = false;
    cell.formula = cell.inline = '';
    this.sink.cell(cell);
    return next;
  }

  private text(text: string, start: number, end: number): void {
    const raw = text.slice(start, end);
    this.collect(this.plain(text, start, end) ? raw : decodeText(raw));
  }

  private collect(text: string): void {
    const cell = this.cell;
    if (this.into === VALUE) cell.value += text;
    else if (this.into === INLINE) cell.inline += text;
    else if (this.into === FORMULA) cell.formula += text;
  }

  /** `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE …>` at `lt`; -1 when not complete yet. */
  private bang(text: string, lt: number, final: boolean): number {
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      return close < 0 ? -1 : close + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) return -1;
      if (this.into !== NOWHERE) {
        const data = text.slice(lt + 9, close);
        this.collect(data.includes('\r') ? data.replace(/\r\n?/g, '\n') : data);
      }
      return close + 3;
    }
    if (text.startsWith('<!DOCTYPE', lt)) {
      const bracket = text.indexOf('[', lt + 9);
      const gt = text.indexOf('>', lt + 9);
      if (gt < 0) return -1;
      if (bracket < 0 || bracket > gt) return gt + 1;
      const subsetEnd = text.indexOf(']', bracket);
      const close = subsetEnd < 0 ? -1 : text.indexOf('>', subsetEnd);
      return close < 0 ? -1 : close + 1;
    }
    if (!final && text.length - lt < 9) return -1; // too little to tell which
    throw new SheetXmlError('unknown markup after <!');
  }

  /** The end tag at `lt`; -1 when not complete yet. */
  private endTag(text: string, lt: number): number {
    const open = this.open;
    const depth = open.length;
    const start = lt + 2;
    if (depth > 0) {
      // The usual case, `</name>` closing the innermost element, without slicing or searching.
      const top = open[depth - 1]!;
      const gt = start + top.length;
      if (
        text.charCodeAt(gt) === GT &&
        (top.length === 1 ? text.charCodeAt(start) === top.charCodeAt(0) : text.startsWith(top, start))
      ) {
        open.pop();
        this.endElement(this.openElements.pop()!);
        return gt + 1;
      }
    }
    const gt = text.indexOf('>', start);
    if (gt < 0) return -1;
    let p = start;
    while (p < gt && !isSpace(text.charCodeAt(p))) p++;
    const nameEnd = p;
    for (; p < gt; p++) {
      if (!isSpace(text.charCodeAt(p))) throw new SheetXmlError('junk in an end tag');
    }
    const top = depth === 0 ? undefined : open[depth - 1]!;
    if (top === undefined || top.length !== nameEnd - start || !text.startsWith(top, start)) {
      const name = text.slice(start, nameEnd);
      throw new SheetXmlError(
        top === undefined ? `</${name}> without a start tag` : `</${name}> where </${top}> was expected`,
      );
    }
    open.pop();
    this.endElement(this.openElements.pop()!);
    return gt + 1;
  }

  /** The start tag at `lt`; -1 when not complete yet. */
  private startTag(text: string, lt: number): number {
    const n = text.length;
    const start = lt + 1;
    let colon = -1;
    let p = start;
    for (; p < n; p++) {
      const c = text.charCodeAt(p);
      if (c === GT || c === SLASH || isSpace(c)) break;
      if (c === COLON && colon < 0) colon = p;
    }
    if (p >= n) return -1;
    const nameEnd = p;
    if (nameEnd === start) throw new SheetXmlError('a < that starts no tag');
    const element = elementOf(text, colon < 0 ? start : colon + 1, nameEnd);
    const wanted = element === C || element === ROW;
    // r, t and s of <c> and <row>: where the value is in `text`, or the value itself when it had
    // to be decoded (entities, white space).
    let rStart = -1;
    let rEnd = -1;
    let rText: string | undefined;
    let tStart = -1;
    let tEnd = -1;
    let tText: string | undefined;
    let sStart = -1;
    let sEnd = -1;
    let sText: string | undefined;
    let selfClosing = false;
    for (;;) {
      while (p < n && isSpace(text.charCodeAt(p))) p++;
      if (p >= n) return -1;
      const c = text.charCodeAt(p);
      if (c === GT) break;
      if (c === SLASH) {
        if (p + 1 >= n) return -1;
        if (text.charCodeAt(p + 1) !== GT) throw new SheetXmlError('a / inside a tag');
        selfClosing = true;
        p++;
        break;
      }
      const attrStart = p;
      // one-letter names (r, t, s) are the usual case
      if (text.charCodeAt(p + 1) === EQUALS) p++;
      else {
        for (; p < n; p++) {
          const a = text.charCodeAt(p);
          if (a === EQUALS || a === GT || a === SLASH || isSpace(a)) break;
        }
        if (p >= n) return -1;
      }
      const attrEnd = p;
      if (text.charCodeAt(p) !== EQUALS) {
        while (p < n && isSpace(text.charCodeAt(p))) p++;
        if (p >= n) return -1;
        if (text.charCodeAt(p) !== EQUALS) throw new SheetXmlError('an attribute without a value');
      }
      p++;
      let quote = text.charCodeAt(p);
      if (quote !== QUOT && quote !== APOS) {
        while (p < n && isSpace(text.charCodeAt(p))) p++;
        if (p >= n) return -1;
        quote = text.charCodeAt(p);
        if (quote !== QUOT && quote !== APOS) throw new SheetXmlError('an attribute value without quotes');
      }
      const valueStart = p + 1;
      const valueEnd = text.indexOf(quote === QUOT ? '"' : "'", valueStart);
      if (valueEnd < 0) return -1;
      p = valueEnd + 1;
      // Tabs and line breaks in a value read as spaces, which changes nothing for r and s
      // (`Number` and the column letters treat all white space alike) and is done for t in typeAt.
      const decoded = this.noEntity(text, valueStart, valueEnd)
        ? undefined
        : decodeAttribute(text.slice(valueStart, valueEnd));
      if (wanted && attrEnd - attrStart === 1) {
        switch (text.charCodeAt(attrStart)) {
          case 114: // r
            if (rStart >= 0) throw new SheetXmlError('a repeated attribute r');
            rStart = valueStart;
            rEnd = valueEnd;
            rText = decoded;
            break;
          case 116: // t
            if (tStart >= 0) throw new SheetXmlError('a repeated attribute t');
            tStart = valueStart;
            tEnd = valueEnd;
            tText = decoded;
            break;
          case 115: // s
            if (sStart >= 0) throw new SheetXmlError('a repeated attribute s');
            sStart = valueStart;
            sEnd = valueEnd;
            sText = decoded;
            break;
        }
      }
      if (p < n) {
        const after = text.charCodeAt(p);
        if (after !== GT && after !== SLASH && !isSpace(after)) {
          throw new SheetXmlError('attributes without white space between them');
        }
      }
    }
    const next = p + 1;

    this.sawRoot = true;
    if (!selfClosing) {
      this.open.push(colon < 0 && element !== OTHER ? NAMES[element]! : text.slice(start, nameEnd));
      this.openElements.push(element);
    }
    const cell = this.cell;
    switch (element) {
      case C: {
        if (!this.inRow) {
          if (this.inSheetData) throw new SheetXmlError('a cell <c> outside a <row>');
          break;
        }
        const at =
          rStart < 0
            ? -1
            : rText === undefined
              ? columnAt(text, rStart, rEnd)
              : columnAt(rText, 0, rText.length);
        cell.col = at < 0 ? cell.col + 1 : at;
        cell.type = tStart < 0 ? '' : (tText ?? typeAt(text, tStart, tEnd));
        cell.style = sStart < 0 ? 0 : sText === undefined ? numberAt(text, sStart, sEnd) : Number(sText);
        cell.hasValue = cell.hasFormula = cell.hasInline = false;
        cell.value = cell.formula = cell.inline = '';
        break;
      }
      case V:
        if (!this.inRow) break;
        cell.hasValue = true;
        this.into = VALUE;
        break;
      case ROW:
        this.rowNo =
          rStart < 0 ? this.rowNo + 1 : rText === undefined ? numberAt(text, rStart, rEnd) : Number(rText);
        this.inRow = true;
        cell.col = -1;
        this.sink.row(this.rowNo);
        break;
      case F:
        if (!this.inRow) break;
        cell.hasFormula = true;
        this.into = FORMULA;
        break;
      case IS:
        if (!this.inRow) break;
        cell.hasInline = true;
        this.inInline = true;
        break;
      case T:
        if (this.inInline && !this.inPhonetic) this.into = INLINE;
        break;
      case R_PH:
        this.inPhonetic = !selfClosing;
        break;
      case SHEET_DATA:
        this.inSheetData = !selfClosing;
        break;
    }
    if (selfClosing) this.endElement(element);
    return next;
  }

  private endElement(element: number): void {
    switch (element) {
      case V:
      case F:
      case T:
        this.into = NOWHERE;
        return;
      case C:
        if (this.inRow) this.sink.cell(this.cell);
        return;
      case ROW:
        if (!this.inRow) return;
        this.inRow = false;
        this.sink.rowEnd();
        return;
      case IS:
        this.inInline = false;
        return;
      case R_PH:
        this.inPhonetic = false;
        return;
      case SHEET_DATA:
        this.inSheetData = false;
        return;
    }
  }
}
