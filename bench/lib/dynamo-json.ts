/**
 * DynamoDB's wire JSON (`{"S": …}`, `{"N": "…"}`, `{"M": {…}}` …) for the benchmarks that
 * stand in for a table (synthetic-dynamo.ts, standalone/rollup-read.ts): items are written
 * straight to text rather than through the SDK's marshaller, so the endpoint's own cost stays
 * small next to the client it serves. Binary attributes — any `Uint8Array`, as the packed
 * roll-ups hold — go out as `{"B": base64}` as DynamoDB sends them. Also DynamoDB's item size,
 * which decides where a Query page ends (1 MB).
 */

export type WireValue = Record<string, unknown>;

/** One attribute value as wire JSON text; undefined attributes are left out by the caller. */
export function wireValue(v: unknown): string {
  if (typeof v === 'string') return `{"S":${JSON.stringify(v)}}`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a DynamoDB number: ${v}`);
    return `{"N":"${v}"}`;
  }
  if (typeof v === 'boolean') return `{"BOOL":${v}}`;
  if (v === null) return '{"NULL":true}';
  if (v instanceof Uint8Array) return `{"B":"${base64(v)}"}`;
  if (Array.isArray(v)) return `{"L":[${v.map(wireValue).join(',')}]}`;
  if (v instanceof Set) return wireSet(v);
  if (typeof v === 'object') return `{"M":${wireItem(v as Record<string, unknown>)}}`;
  throw new Error(`no DynamoDB type for ${typeof v}`);
}

/** An item (or map) as wire JSON text: `{"name": {"S": …}, …}`. */
export function wireItem(item: Readonly<Record<string, unknown>>): string {
  let out = '{';
  for (const name in item) {
    const v = item[name];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(name)}:${wireValue(v)}`;
  }
  return `${out}}`;
}

function wireSet(set: Set<unknown>): string {
  const values = [...set];
  if (values.every((x) => typeof x === 'string')) return `{"SS":${JSON.stringify(values)}}`;
  if (values.every((x) => typeof x === 'number')) return `{"NS":${JSON.stringify(values.map(String))}}`;
  if (values.every((x) => x instanceof Uint8Array)) {
    return `{"BS":[${values.map((x) => `"${base64(x as Uint8Array)}"`).join(',')}]}`;
  }
  throw new Error('a DynamoDB set holds strings, numbers or binaries of one kind');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A key attribute from the wire (`{"S": "x"}`), as the table's keys are strings. */
export function wireString(value: unknown, what: string): string {
  const s = (value as { S?: unknown } | undefined)?.S;
  if (typeof s !== 'string') throw new Error(`${what}: expected a string attribute`);
  return s;
}

/**
 * DynamoDB's size of an item in bytes (developer guide, "Item sizes and formats"): attribute
 * names plus values — strings and binaries by length, numbers ~1 byte per two significant
 * digits + 1, maps and lists 3 bytes + 1 per element on top of their contents.
 */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const name in item) {
    const v = item[name];
    if (v === undefined) continue;
    n += Buffer.byteLength(name) + valueSize(v);
  }
  return n;
}

function valueSize(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number') return Math.ceil(String(v).replace(/[-.]|e.*$/g, '').length / 2) + 1;
  if (typeof v === 'boolean' || v === null) return 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + 1 + valueSize(x), 0);
  if (v instanceof Set) return [...v].reduce((n: number, x) => n + valueSize(x), 0);
  if (typeof v === 'object') {
    let n = 3;
    for (const [name, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) n += 1 + Buffer.byteLength(name) + valueSize(x);
    }
    return n;
  }
  return 0;
}
