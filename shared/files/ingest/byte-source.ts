/**
 * The bytes of an upload when they are not held whole: a stream of chunks that can be read
 * again from the start (another pass, another GetObject of the same version). An S3
 * `ObjectStream` is one; so is a file on disk in the benchmark.
 */
export interface ByteSource {
  chunks(): AsyncIterable<Uint8Array>;
  /** Total bytes, when known (for the refusal of files too big to decode). */
  readonly size?: number | null;
}

/** An upload's bytes: whole in memory, or streamed. */
export type UploadBytes = Uint8Array | ByteSource;

export function isByteSource(bytes: UploadBytes): bytes is ByteSource {
  return !(bytes instanceof Uint8Array);
}

/**
 * Starts a pass over `source` and reads at least `minBytes` of it (fewer only at its end):
 * the head to detect format and encoding from, and the pass itself, which yields the head's
 * chunks again before the rest, so detecting costs no second read.
 */
export async function openWithHead(
  source: ByteSource,
  minBytes: number,
): Promise<{ head: Uint8Array; chunks: AsyncIterable<Uint8Array>; close: () => Promise<void> }> {
  const iterator = source.chunks()[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let bytes = 0;
  let done = false;
  while (bytes < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    bytes += next.value.length;
  }
  const head = held.length === 1 ? held[0]! : Buffer.concat(held);
  const chunks = {
    async *[Symbol.asyncIterator]() {
      yield* held.splice(0);
      if (done) return;
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.();
      }
    },
  };
  // For a caller that gives up before reading `chunks`: releases the stream (an S3 socket).
  const close = async () => {
    if (!done) await iterator.return?.();
  };
  return { head, chunks, close };
}

/** Every chunk of `source`, concatenated (for formats read whole: XLSX). */
export async function readWhole(source: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source.chunks()) parts.push(chunk);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
