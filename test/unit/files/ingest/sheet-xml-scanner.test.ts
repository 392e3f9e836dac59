/**
 * The sheet scanner against the saxes-based sheet reader it replaced (kept here as the oracle,
 * its handlers as they were): the same rows and cells for random worksheets (every cell type,
 * sparse and missing references, Chinese text, entities, CDATA, `_xHHHH_` escapes, rich text
 * with phonetic runs, formulas, prefixes, either quote, white space and comments between tags)
 * cut into random UTF-8 byte chunks; a clear error for any truncation and for malformed parts.
 */
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import {
  type ScannedCell,
  SheetXmlError,
  SheetXmlScanner,
} from '../../../../shared/files/ingest/sheet-xml-scanner.ts';

type Event = ['row', number] | ['cell', ScannedCell] | ['rowEnd'];

/** The scanner's events for `xml` fed as the UTF-8 byte chunks `sizes` (cycled) decode to. */
function scan(xml: string, sizes: readonly number[] = [xml.length * 3]): { events: Event[]; error?: string } {
  const events: Event[] = [];
  const scanner = new SheetXmlScanner({
    row: (n) => events.push(['row', n]),
    cell: (cell) => events.push(['cell', { ...cell }]),
    rowEnd: () => events.push(['rowEnd']),
  });
  const bytes = new TextEncoder().encode(xml);
  const decoder = new TextDecoder();
  try {
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = sizes[k % sizes.length]!;
      scanner.write(decoder.decode(bytes.subarray(at, at + size), { stream: true }));
      at += size;
    }
    scanner.write(decoder.decode());
    scanner.end();
    return { events };
  } catch (error) {
    if (!(error instanceof SheetXmlError)) throw error;
    return { events, error: error.message };
  }
}

/**
 * The sheet handlers of the saxes-based reader (before the scanner), reporting the same events.
 * One change: CDATA counts as text (the old reader had no `cdata` handler and dropped it).
 */
function saxesEvents(xml: string): Event[] {
  const events: Event[] = [];
  const local = (name: string) => {
    const colon = name.indexOf(':');
    return colon < 0 ? name : name.slice(colon + 1);
  };
  const cell = {
    col: -1,
    type: '',
    style: 0,
    value: '',
    hasValue: false,
    formula: '',
    hasFormula: false,
    inline: '',
    hasInline: false,
  };
  let rowNo = 0;
  let cells = false;
  let into = 0; // 1 value, 2 formula, 3 inline text
  let inInline = false;
  let inPhonetic = false;
  const columnOf = (ref: string) => {
    let n = 0;
    let i = 0;
    for (; i < ref.length; i++) {
      const c = ref.charCodeAt(i);
      if (c >= 65 && c <= 90) n = n * 26 + c - 64;
      else if (c >= 97 && c <= 122) n = n * 26 + c - 96;
      else break;
    }
    return i === 0 || n > 16_384 ? -1 : n - 1;
  };
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  parser.on('opentag', (tag) => {
    switch (local(tag.name)) {
      case 'c': {
        if (!cells) return;
        const ref = tag.attributes.r;
        const at = ref === undefined ? -1 : columnOf(ref);
        cell.col = at < 0 ? cell.col + 1 : at;
        cell.type = tag.attributes.t ?? '';
        const s = tag.attributes.s;
        cell.style = s === undefined ? 0 : Number(s);
        cell.hasValue = cell.hasFormula = cell.hasInline = false;
        cell.value = cell.formula = cell.inline = '';
        return;
      }
      case 'v':
        if (!cells) return;
        cell.hasValue = true;
        into = 1;
        return;
      case 'row': {
        const r = tag.attributes.r;
        rowNo = r === undefined ? rowNo + 1 : Number(r);
        cells = true;
        cell.col = -1;
        events.push(['row', rowNo]);
        return;
      }
      case 'f':
        if (!cells) return;
        cell.hasFormula = true;
        into = 2;
        return;
      case 'is':
        if (!cells) return;
        cell.hasInline = true;
        inInline = true;
        return;
      case 't':
        if (inInline && !inPhonetic) into = 3;
        return;
      case 'rPh':
        inPhonetic = !tag.isSelfClosing;
        return;
    }
  });
  const onText = (text: string) => {
    if (into === 1) cell.value += text;
    else if (into === 3) cell.inline += text;
    else if (into === 2) cell.formula += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    switch (local(tag.name)) {
      case 'v':
      case 'f':
      case 't':
        into = 0;
        return;
      case 'c':
        if (cells) events.push(['cell', { ...cell }]);
        return;
      case 'row':
        if (cells) events.push(['rowEnd']);
        cells = false;
        return;
      case 'is':
        inInline = false;
        return;
      case 'rPh':
        inPhonetic = false;
        return;
    }
  });
  parser.write(xml).close();
  return events;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** Text as writers put it in `<v>`, `<f>` and `<t>`: Chinese, entities, escapes, line ends, CDATA. */
const xmlText = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      '0',
      '7',
      '12.5',
      '-',
      ' ',
      '中',
      '天猫',
      '成交额',
      '𠀀',
      '&amp;',
      '&lt;',
      '&gt;',
      '&quot;',
      '&apos;',
      '&#20013;',
      '&#x4E2D;',
      '&#x1F600;',
      '&#13;',
      '_x000D_',
      '_x005F_x0041_',
      '\n',
      '\r\n',
      '\r',
      '\t',
      '>',
      '"',
      "'",
      '<![CDATA[a<b&c]]>',
      '<!--note-->',
      '#N/A',
      'TRUE',
    ),
    { maxLength: 8 },
  )
  .map((units) => units.join(''));

/** Between tags: mostly nothing, sometimes white space (pretty-printed parts), comments, PIs. */
const gap = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n  ', '\t', '<!-- gap -->', '<?pi x?>') },
);

const quote = fc.constantFrom('"', '"', "'");
const attribute = (name: string, value: string, q: string, spaced: boolean) =>
  ` ${name}${spaced ? ' = ' : '='}${q}${value}${q}`;

const columnName = (n: number) => {
  let name = '';
  for (let k = n + 1; k > 0; k = Math.floor((k - 1) / 26))
    name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
  return name;
};

/** The r of a cell: usually a real reference, sometimes none or a strange one. */
const reference = (rowNo: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }).map((c) => `${columnName(c)}${rowNo}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('aa3', '', '7', 'XFD1', 'XFE1', 'ZZZZ1', '&#66;2', ' C3', 'D\t4'),
    },
  );

const cellType = fc.constantFrom(
  undefined,
  undefined,
  's',
  'str',
  'inlineStr',
  'b',
  'e',
  'n',
  'd',
  'weird',
  ' s',
  's\t',
);
const cellStyle = fc.constantFrom(undefined, undefined, '0', '1', '12', '', 'x', ' 3', '1e1', '&#49;');

/** What is inside a `<c>`, with the prefix `p` of its elements; null for a self-closing `<c/>`. */
const cellContent = (p: string) =>
  fc.oneof(
    fc.constant(null),
    fc.constant(''),
    xmlText.map((v) => `<${p}v>${v}</${p}v>`),
    fc.constant(`<${p}v/>`),
    fc.tuple(xmlText, xmlText).map(([f, v]) => `<${p}f>${f}</${p}f><${p}v>${v}</${p}v>`),
    xmlText.map((v) => `<${p}f t="shared" si="0"/><${p}v>${v}</${p}v>`),
    xmlText.map((f) => `<${p}f>${f}</${p}f>`),
    xmlText.map((t) => `<${p}is><${p}t>${t}</${p}t></${p}is>`),
    fc.constant(`<${p}is/>`),
    fc
      .tuple(xmlText, xmlText, xmlText)
      .map(
        ([a, b, ph]) =>
          `<${p}is><${p}r><${p}rPr><${p}b/></${p}rPr><${p}t xml:space="preserve">${a}</${p}t></${p}r>` +
          `<${p}r><${p}t>${b}</${p}t></${p}r><${p}rPh sb="0" eb="1"><${p}t>${ph}</${p}t></${p}rPh>` +
          `<${p}phoneticPr fontId="1"/></${p}is>`,
      ),
  );

/** A cell, either as Excel writes it (r, s, t in that order, double quotes) or any other way. */
const cell = (rowNo: number, p: string) =>
  fc
    .record({
      r: reference(rowNo),
      t: cellType,
      s: cellStyle,
      content: cellContent(p),
      excelLike: fc.boolean(),
      q: quote,
      spaced: fc.boolean(),
      order: fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1]),
      inner: gap,
    })
    .map(({ r, t, s, content, excelLike, q, spaced, order, inner }) => {
      const attributes = [
        r === undefined ? '' : attribute('r', r, excelLike ? '"' : q, !excelLike && spaced),
        s === undefined ? '' : attribute('s', s, excelLike ? '"' : q, !excelLike && spaced),
        t === undefined ? '' : attribute('t', t, excelLike ? '"' : q, !excelLike && spaced),
      ];
      const attrs = excelLike ? attributes.join('') : order.map((k) => attributes[k]).join('');
      if (content === null) return `<${p}c${attrs}${excelLike ? '' : ' '}/>`;
      return `<${p}c${attrs}>${excelLike ? '' : inner}${content}</${p}c${excelLike ? '' : ' '}>`;
    });

const row = (rowNo: number, p: string) =>
  fc
    .record({
      numbered: fc.boolean(),
      extra: fc.constantFrom('', ' spans="1:12" x14ac:dyDescent="0.25"', ' ht=\'15\' customHeight="1"'),
      cells: fc.array(fc.tuple(cell(rowNo, p), gap), { maxLength: 6 }),
      selfClosing: fc.boolean(),
    })
    .map(({ numbered, extra, cells, selfClosing }) => {
      const attrs = (numbered ? ` r="${rowNo}"` : '') + extra;
      if (selfClosing && cells.length === 0) return `<${p}row${attrs}/>`;
      return `<${p}row${attrs}>${cells.map(([c, g]) => c + g).join('')}</${p}row>`;
    });

/** A whole worksheet part: rows numbered with gaps, some parts outside sheetData that hold f and c-like names. */
const worksheet = fc
  .record({
    p: fc.constantFrom('', '', 'x:'),
    steps: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 8 }),
    gaps: fc.array(gap, { minLength: 8, maxLength: 8 }),
    declaration: fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'),
    after: fc.constantFrom(
      '',
      '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>',
      '<dataValidations count="1"><dataValidation type="list" sqref="C2:C9"><formula1>"a,b"</formula1></dataValidation></dataValidations>',
      '<extLst><ext uri="{78C0D931}" xmlns:x14="urn:x14"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="urn:xm"><xm:f>A1&gt;0</xm:f><xm:sqref>A1</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>',
    ),
  })
  .chain(({ p, steps, gaps, declaration, after }) => {
    let rowNo = 0;
    const numbers = steps.map((step) => (rowNo += step));
    return fc
      .tuple(...numbers.map((n) => row(n, p)))
      .map(
        (rows) =>
          `${declaration}<${p}worksheet xmlns${p ? `:${p.slice(0, -1)}` : ''}="${MAIN}" xmlns:x14ac="urn:x14ac">` +
          `<${p}dimension ref="A1:C3"/>${gaps[0]}<${p}sheetData>${rows.map((r, i) => r + gaps[(i + 1) % 8]).join('')}` +
          `</${p}sheetData>${after}</${p}worksheet>`,
      );
  });

const chunkSizes = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 6 });

describe('SheetXmlScanner', () => {
  it('reports the same rows and cells as the saxes reader for any worksheet and chunking', () => {
    fc.assert(
      fc.property(worksheet, chunkSizes, (xml, sizes) => {
        const expected = saxesEvents(xml);
        expect(scan(xml, sizes)).toEqual({ events: expected });
        expect(scan(xml)).toEqual({ events: expected });
      }),
      { numRuns: 400 },
    );
  });

  it('says a truncated part is malformed, having reported only complete cells before', () => {
    fc.assert(
      fc.property(worksheet, fc.double({ min: 0, max: 1, noNaN: true }), chunkSizes, (xml, at, sizes) => {
        const full = saxesEvents(xml);
        const cut = Math.min(xml.length - 1, Math.floor(at * xml.length));
        const { events, error } = scan(xml.slice(0, cut), sizes);
        expect(error).toBeDefined();
        expect(events).toEqual(full.slice(0, events.length));
      }),
      { numRuns: 200 },
    );
  });

  it('reads the usual Excel cell shapes and the rest alike', () => {
    const xml =
      `<worksheet xmlns="${MAIN}"><sheetData><row r="2" spans="1:4">` +
      '<c r="A2" s="1"><v>46753</v></c><c r="B2" t="str"><v>天猫 &amp; 京东</v></c>' +
      '<c r="C2" s="3" t="s"><v>7</v></c><c r="D2"></c><c r="E2" t="s"><v>1</v></c>' +
      "<c t='inlineStr' r='G2'><is><t><![CDATA[<b>]]> x</t></is></c></row></sheetData></worksheet>";
    const cells = scan(xml).events.flatMap((e) => (e[0] === 'cell' ? [e[1]] : []));
    expect(cells.map((c) => [c.col, c.type, c.style, c.hasValue ? c.value : null, c.inline])).toEqual([
      [0, '', 1, '46753', ''],
      [1, 'str', 0, '天猫 & 京东', ''],
      [2, 's', 3, '7', ''],
      [3, '', 0, null, ''],
      [4, 's', 0, '1', ''],
      [6, 'inlineStr', 0, null, '<b> x'],
    ]);
    expect(scan(xml).events).toEqual(saxesEvents(xml));
  });

  it('says what is wrong with a malformed part', () => {
    const sheet = (rows: string) => `<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`;
    const errorOf = (xml: string) => scan(xml).error;
    expect(errorOf(sheet('<row r="1"><c r="A1"><v>1</v></row>'))).toBe('</row> where </c> was expected');
    expect(errorOf(sheet('<c r="A1"><v>1</v></c>'))).toBe('a cell <c> outside a <row>');
    expect(errorOf(sheet('<row><c r="A1"><v>1 &nbsp; 2</v></c></row>'))).toBe('unknown entity &nbsp;');
    expect(errorOf(sheet('<row><c r="A1"><v>1 & 2</v></c></row>'))).toBe('an & that starts no entity');
    expect(errorOf(sheet('<row><c r="A1"><v>&#0;</v></c></row>'))).toMatch(/no XML character/);
    expect(errorOf(sheet('<row><c r=A1><v>1</v></c></row>'))).toBe('an attribute value without quotes');
    expect(errorOf(sheet('<row><c r="A1"t="s"><v>1</v></c></row>'))).toBe(
      'attributes without white space between them',
    );
    expect(errorOf(sheet('<row><c r="A1" r="B1"><v>1</v></c></row>'))).toBe('a repeated attribute r');
    expect(errorOf(sheet('</row>'))).toBe('</row> where </sheetData> was expected');
    expect(errorOf(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`)).toBe(
      'the part ends inside <sheetData>',
    );
    expect(errorOf(`<worksheet><sheetData><row r="1"><c r="A1" t="s`)).toBe('the part ends inside a tag');
    expect(errorOf('')).toBe('no root element');
  });
});
