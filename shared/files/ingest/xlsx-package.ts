/**
 * The package layout of an XLSX upload: which part is the workbook, which parts are its sheets,
 * shared strings and styles, and the workbook's date system. Follows the relationships as
 * mature readers do (OPC: `_rels/.rels` names the main part, `<dir>/_rels/<part>.rels` that
 * part's parts) instead of assuming `xl/workbook.xml`, so renamed parts and Strict OOXML
 * (relationship types under `http://purl.oclc.org/ooxml/…`) are found too. The small XML
 * parts are read with saxes without namespaces: elements are matched by local name, since
 * some writers prefix SpreadsheetML (`x:sheet`).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { UploadFileError } from './errors.ts';
import { corrupt, findEntry, readZipEntry, type ZipEntry } from './zip-guard.ts';

/** Whether a sheet is shown: hidden sheets are skipped when no sheet is named for the kind. */
export type SheetState = 'visible' | 'hidden' | 'veryHidden';

export interface SheetInfo {
  readonly name: string;
  /** N of `…/sheetN.xml` ('' when the part is named otherwise). */
  readonly fileNo: string;
  /** The sheet's part in the zip, e.g. `xl/worksheets/sheet1.xml`. */
  readonly path: string;
  readonly state: SheetState;
}

/** What the workbook part lists say: the worksheets in order, the date system, the part paths. */
export interface WorkbookInfo {
  readonly sheets: SheetInfo[];
  /** Dates count from 1904-01-01 (old Mac Excel) instead of 1899-12-30. */
  readonly date1904: boolean;
  /**
   * Serials follow Excel's 1900 leap-year bug (serial 60 = the phantom 1900-02-29): true unless
   * the workbook says `dateCompatibility="0"` (ISO 29500; LibreOffice writes it).
   */
  readonly leapBug1900: boolean;
  /** Part names of the shared strings and the styles (which may not exist). */
  readonly sharedStrings: string;
  readonly styles: string;
}

/** saxes without namespaces or positions: attributes are plain strings, and it runs faster. */
export type Plain = { xmlns: false; position: false };
export const xmlParser = () => new SaxesParser<Plain>({ xmlns: false, position: false });

/** The local name of a tag or attribute (`x:row` → `row`): some writers prefix SpreadsheetML. */
export function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by local name (`r:id`, `ns2:id` …). */
export function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const direct = tag.attributes[name];
  if (direct !== undefined) return direct;
  for (const key in tag.attributes) if (local(key) === name) return tag.attributes[key];
  return undefined;
}

/** Turns a saxes failure (malformed XML) into the "damaged workbook" message. */
export function xmlFailure(error: unknown, part: string): never {
  if (error instanceof UploadFileError) throw error;
  throw corrupt(`bad XML in ${part}`);
}

/**
 * Parses a small part whole. `onOpen` gets the local name of each element and whether it is
 * inside an `<extLst>` (extensions: `<x15:workbookPr>` there is not the workbook's `<workbookPr>`).
 */
function parseSmallPart(
  body: Uint8Array,
  entry: ZipEntry,
  onOpen: (name: string, tag: SaxesTagPlain, inExtension: boolean) => void,
): void {
  const parser = xmlParser();
  let extensionDepth = 0;
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    onOpen(name, tag, extensionDepth > 0);
    if (name === 'extLst' && !tag.isSelfClosing) extensionDepth++;
  });
  parser.on('closetag', (tag) => {
    if (local(tag.name) === 'extLst' && !tag.isSelfClosing) extensionDepth--;
  });
  try {
    parser.write(new TextDecoder().decode(readZipEntry(body, entry))).close();
  } catch (error) {
    xmlFailure(error, entry.name);
  }
}

/** A relationship target as a part name: relative to the source part's folder unless absolute. */
function resolveTarget(sourceDir: string, target: string): string {
  const parts = target.startsWith('/') ? [] : sourceDir.split('/').filter(Boolean);
  for (const part of target.replace(/\\/g, '/').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(decodeURIComponentSafe(part));
  }
  return parts.join('/');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface Relationship {
  readonly type: string;
  readonly path: string;
}

/** The relationships of `part` ('' = the package), by id; empty when it has none. */
function readRelationships(
  body: Uint8Array,
  entries: readonly ZipEntry[],
  part: string,
): Map<string, Relationship> {
  const slash = part.lastIndexOf('/');
  const dir = slash < 0 ? '' : part.slice(0, slash);
  const relsName = `${dir ? `${dir}/` : ''}_rels/${part.slice(slash + 1)}.rels`;
  const relations = new Map<string, Relationship>();
  const rels = findEntry(entries, relsName);
  if (!rels) return relations;
  parseSmallPart(body, rels, (name, tag) => {
    if (name !== 'Relationship' || attr(tag, 'TargetMode') === 'External') return;
    const id = attr(tag, 'Id');
    const target = attr(tag, 'Target');
    if (id && target) relations.set(id, { type: attr(tag, 'Type') ?? '', path: resolveTarget(dir, target) });
  });
  return relations;
}

/** Relationship types end alike in transitional (`…/2006/relationships/x`) and Strict OOXML. */
const isType = (rel: Relationship, name: string) => rel.type.endsWith(`/${name}`);

function notAWorkbook(): UploadFileError {
  return new UploadFileError(
    'This zip file is not an Excel workbook (it names no workbook part). Save the data as "Excel Workbook (.xlsx)" or "CSV UTF-8" and upload again.',
    'corrupt_xlsx',
  );
}

/** Reads the package relationships and the workbook part (entries already passed the zip limits). */
export function readWorkbookInfo(body: Uint8Array, entries: readonly ZipEntry[]): WorkbookInfo {
  const main = [...readRelationships(body, entries, '').values()].find((r) => isType(r, 'officeDocument'));
  // Without package relationships, the usual place (some hand-zipped files lack `_rels/.rels`).
  const workbookPath = main?.path ?? 'xl/workbook.xml';
  const workbook = findEntry(entries, workbookPath);
  if (!workbook) throw notAWorkbook();
  const targets = readRelationships(body, entries, workbook.name);
  const dir = workbook.name.includes('/') ? workbook.name.slice(0, workbook.name.lastIndexOf('/') + 1) : '';
  // Without a relationship, where Excel puts the part (as before relationships were followed).
  const partOf = (type: string) =>
    [...targets.values()].find((r) => isType(r, type))?.path ?? `${dir}${type}.xml`;
  const sheets: SheetInfo[] = [];
  let date1904 = false;
  let leapBug1900 = true;
  parseSmallPart(body, workbook, (name, tag, inExtension) => {
    if (inExtension) return;
    if (name === 'workbookPr') {
      const flag = attr(tag, 'date1904');
      date1904 = flag === '1' || flag === 'true';
      const compatible = attr(tag, 'dateCompatibility');
      leapBug1900 = !(compatible === '0' || compatible === 'false');
    } else if (name === 'sheet') {
      const rel = targets.get(attr(tag, 'id') ?? '');
      if (!rel) return;
      // Chart sheets and dialog sheets hold no cells.
      const isWorksheet = rel.type ? isType(rel, 'worksheet') : /sheet\d*\.xml$/i.test(rel.path);
      if (!isWorksheet) return;
      const fileNo = /sheet(\d+)\.xml$/i.exec(rel.path)?.[1] ?? '';
      const state = attr(tag, 'state');
      sheets.push({
        name: attr(tag, 'name') ?? '',
        fileNo,
        path: rel.path,
        state: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
      });
    }
  });
  if (sheets.length === 0) {
    throw new UploadFileError(
      'The workbook has no worksheet. Put the data on a sheet and upload again.',
      'no_sheet',
    );
  }
  return { sheets, date1904, leapBug1900, sharedStrings: partOf('sharedStrings'), styles: partOf('styles') };
}
