/**
 * Uploads read as a stream of chunks (as the ingest function reads its S3 object) give exactly
 * what the whole body gives, wherever the chunks are cut, and a streamed CSV is validated as it
 * arrives rather than gathered first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../../../../shared/files/ingest/byte-source.ts';
import { inspectCsv, readCsvRowBatches } from '../../../../shared/files/ingest/csv-reader.ts';
import { parseUpload } from '../../../../shared/files/ingest/parse-upload.ts';
import { BAD_CASES, GOOD_CASES, HOSTILE_CASES } from '../../../fixtures/uploads/cases.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';

const dir = join(import.meta.dirname, '../../../fixtures/uploads/files');
const read = (file: string) => new Uint8Array(readFileSync(join(dir, file)));

/** `body` streamed in chunks cut at `cuts` (byte offsets), or every `size` bytes. */
function streamOf(body: Uint8Array, cut: number | readonly number[]): ByteSource & { passes: number } {
  const cuts = typeof cut === 'number' ? [] : cut;
  const size = typeof cut === 'number' ? cut : body.length;
  const source = {
    size: body.length,
    passes: 0,
    async *chunks() {
      source.passes++;
      let at = 0;
      for (const end of [...cuts, body.length]) {
        for (; at < end; at += Math.min(size, end - at)) yield body.slice(at, Math.min(at + size, end));
      }
    },
  };
  return source;
}

const parse = (
  c: { kind: 'actuals' | 'targets' | 'milestones'; maxRows?: number },
  body: ByteSource | Uint8Array,
) =>
  parseUpload({ config: uploadTestConfig, kind: c.kind, body, ...(c.maxRows ? { maxRows: c.maxRows } : {}) });

describe('a streamed upload', () => {
  const cases = [...GOOD_CASES, ...BAD_CASES, ...HOSTILE_CASES];

  it.each(cases)('$file gives what its whole body gives, in chunks of 7 and 4,096 bytes', async (c) => {
    const body = read(c.file);
    const whole = await parse(c, body);
    for (const size of [7, 4096]) expect(await parse(c, streamOf(body, size))).toEqual(whole);
  });

  it('decodes GBK with a character split at every byte of the file', async () => {
    const text = '日期,指标,数值,渠道\r\n2026-11-22,成交额,1,天猫\r\n2026-11-23,订单数,2,京东\r\n';
    const body = iconv.encode(text, 'gbk');
    const whole = await parse({ kind: 'actuals' }, body);
    expect(whole).toMatchObject({ ok: true, rows: 2, file: { encoding: expect.stringMatching(/^GBK/) } });
    for (let at = 1; at < body.length; at++) {
      expect(await parse({ kind: 'actuals' }, streamOf(body, [at]))).toEqual(whole);
    }
  });

  it('reads a file whose first non-UTF-8 byte comes after the head again as GBK', async () => {
    // 100 KB of ASCII rows, then a GBK name: the head alone looks like UTF-8.
    const ascii = Array.from({ length: 4000 }, (_, i) => `2026-11-22,gmv,${i},tmall`).join('\r\n');
    const text = `date,kpi,value,channel\r\n${ascii}\r\n2026-11-23,订单数,1,天猫\r\n`;
    const body = iconv.encode(text, 'gbk');
    expect(body.length).toBeGreaterThan(65536 + 4);
    const whole = await parse({ kind: 'actuals' }, body);
    const source = streamOf(body, 4096);
    const streamed = await parse({ kind: 'actuals' }, source);
    expect(streamed).toEqual(whole);
    expect(streamed.file.encoding).toMatch(/^GBK/);
    expect(source.passes).toBe(2);
  });

  it('hands out rows while the file is still being read', async () => {
    const rows = 50_000;
    const line = '2026-11-22,gmv,1,tmall\r\n';
    let pulled = 0;
    const source: ByteSource = {
      size: null,
      async *chunks() {
        yield Buffer.from('date,kpi,value,channel\r\n');
        for (let i = 0; i < rows / 500; i++) {
          pulled++;
          yield Buffer.from(line.repeat(500));
        }
      },
    };
    const head = Buffer.from('date,kpi,value,channel\r\n');
    const pulledAtBatch: number[] = [];
    let seen = 0;
    for await (const batch of readCsvRowBatches(source, source.chunks(), inspectCsv(head), false)) {
      pulledAtBatch.push(pulled);
      seen += batch.length;
    }
    expect(seen).toBe(rows + 1);
    // Each batch comes out right after its chunk went in: never more than one chunk ahead.
    expect(pulledAtBatch.every((p, i) => p <= i + 1)).toBe(true);
    expect(pulledAtBatch.length).toBeGreaterThan(rows / 500 - 1);
  });
});
