/**
 * A streamed upload that hashes what it reads: the SHA-256 of the object comes from the pass
 * that parses it, with no extra read.
 */
import { createHash } from 'node:crypto';
import type { ObjectStream } from '../ports/index.ts';

export interface ChecksummedSource {
  readonly size: number | null;
  chunks(): AsyncIterable<Uint8Array>;
  /** Hex SHA-256 of the object, or null when no pass has read it to its end. */
  checksum(): string | null;
}

export function checksummed(stream: ObjectStream): ChecksummedSource {
  let checksum: string | null = null;
  return {
    size: stream.size,
    checksum: () => checksum,
    async *chunks() {
      const hash = createHash('sha256');
      for await (const chunk of stream.chunks()) {
        hash.update(chunk);
        yield chunk;
      }
      checksum = hash.digest('hex');
    },
  };
}
