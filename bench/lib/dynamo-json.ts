/**
 * Items as DynamoDB puts them on the wire, for benchmarks that stand in for a table: DynamoDB
 * JSON (`{"N":"1.5"}`, binary as base64 strings) and DynamoDB's own item size (what the 1 MB
 * page and the 400 KB item limits count).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type WireItem = Record<string, AttributeValue>;

/**
 * JSON.stringify replacer writing every Uint8Array (a `B` attribute, or a `BS` member) as base64,
 * as the wire does. It looks at the holder's raw value: a Buffer's toJSON has already run by the
 * time the replacer sees `value`.
 */
export function base64Binaries(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  return value;
}

/**
 * A plain item (as the document client takes it) in DynamoDB's attribute-value form, as the
 * document client marshalls it (undefined attributes dropped; arrays as lists, sets unused here).
 */
export function toWire(item: Record<string, unknown>): WireItem {
  const out: WireItem = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = toValue(v);
  return out;
}

function toValue(v: unknown): AttributeValue {
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (v === null) return { NULL: true };
  if (v instanceof Uint8Array) return { B: v };
  if (Array.isArray(v)) return { L: v.map(toValue) };
  if (typeof v === 'object') return { M: toWire(v as Record<string, unknown>) };
  throw new Error(`cannot marshall ${typeof v}`);
}

/** One Query response body as DynamoDB sends it. */
export function queryPageJson(items: readonly WireItem[], lastEvaluatedKey?: WireItem): string {
  return JSON.stringify(
    {
      Count: items.length,
      Items: items,
      ...(lastEvaluatedKey ? { LastEvaluatedKey: lastEvaluatedKey } : {}),
      ScannedCount: items.length,
    },
    base64Binaries,
  );
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** A number's stored size: 1 byte per two significant digits, plus 1 (DynamoDB developer guide). */
function numberSize(n: string): number {
  const digits = n
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

/** DynamoDB's size of one attribute value (developer guide, "Item sizes and formats"). */
export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS !== undefined) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS !== undefined) return v.BS.reduce((s, x) => s + x.byteLength, 0);
  // Maps and lists: 3 bytes, plus 1 byte and the size of each element (a map's names too).
  if (v.L !== undefined) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  if (v.M !== undefined)
    return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  throw new Error(`unknown attribute value ${Object.keys(v).join(',')}`);
}

/** DynamoDB's size of one item: its attribute names and values. */
export function itemSize(item: WireItem): number {
  let size = 0;
  for (const [name, v] of Object.entries(item)) size += utf8(name) + valueSize(v);
  return size;
}
