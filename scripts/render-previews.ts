/**
 * Renders preview images of a report as a user sees it:
 *   - the workbook's Summary sheet (LibreOffice → PDF → PNG), and
 *   - the email HTML at phone and desktop width (headless Chromium).
 *
 * Usage:
 *   npx tsx scripts/render-previews.ts                       # the spec §10 fixture, zh
 *   npx tsx scripts/render-previews.ts --lang en             # the fixture in English
 *   npx tsx scripts/render-previews.ts model.json            # a ReportModel JSON (e.g. `plan-monitor report --json`)
 *   npx tsx scripts/render-previews.ts model.json --out /tmp/previews
 *
 * Writes summary-sheet.png, email.png (phone, 420 px) and email-desktop.png (900 px) to
 * --out (default docs/images). Needs `soffice`, `pdftoppm` and `chromium` on PATH:
 *   apt-get install -y libreoffice-calc poppler-utils chromium fonts-noto-cjk
 * (the CJK fonts matter: without them Chinese renders as boxes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { renderEmail } from '../shared/report/render/email.ts';
import { renderWorkbook, workbookFileName } from '../shared/report/render/excel.ts';
import type { Language, ReportModel } from '../shared/report/report-model.ts';
import { makeReportModel } from '../test/fixtures/report-model.ts';

function parseArgs(argv: readonly string[]) {
  let modelPath: string | null = null;
  let out = 'docs/images';
  let lang: Language = 'zh';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') out = argv[++i] ?? out;
    else if (a === '--lang') lang = argv[++i] === 'en' ? 'en' : 'zh';
    else if (a === '--help' || a === '-h') {
      console.log('usage: npx tsx scripts/render-previews.ts [model.json] [--out dir] [--lang zh|en]');
      process.exit(0);
    } else modelPath = a;
  }
  return { modelPath, out, lang };
}

function findTool(names: readonly string[]): string {
  for (const name of names) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error(
    `none of ${names.join(', ')} is installed: apt-get install -y libreoffice-calc poppler-utils chromium fonts-noto-cjk`,
  );
}

// --- A tiny PNG trimmer: crops the empty background below the content of a screenshot,
// so the email preview is as tall as the email (Chromium screenshots a fixed viewport).

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Removes bottom rows equal to the last row (plus a margin); returns the input if it cannot. */
function trimPngBottom(png: Buffer, margin = 16): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) return png;
  let offset = 8;
  let width = 0;
  let height = 0;
  let bpp = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      const interlace = data[12];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) return png;
      bpp = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    const filter = raw[start];
    const line = Buffer.from(raw.subarray(start + 1, start + 1 + stride));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp]! : 0;
      const b = prev[x]!;
      const c = x >= bpp ? prev[x - bpp]! : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = (line[x]! + add) & 0xff;
    }
    rows.push(line);
    prev = line;
  }
  // Ignore the right-most 20 px (a scrollbar) when deciding whether a row is empty.
  const compareBytes = Math.max(bpp, stride - 20 * bpp);
  const last = rows[height - 1]!;
  let bottom = height - 1;
  while (bottom > 0 && rows[bottom]!.subarray(0, compareBytes).equals(last.subarray(0, compareBytes)))
    bottom--;
  const newHeight = Math.min(height, bottom + 1 + margin);
  if (newHeight >= height) return png;
  const out = Buffer.concat(rows.slice(0, newHeight).map((r) => Buffer.concat([Buffer.from([0]), r])));
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(newHeight, 4);
  ihdr[8] = 8;
  ihdr[9] = bpp === 4 ? 6 : 2;
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(out)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function main() {
  const { modelPath, out, lang } = parseArgs(process.argv.slice(2));
  const model: ReportModel = modelPath
    ? (JSON.parse(readFileSync(modelPath, 'utf8')) as ReportModel)
    : makeReportModel({ language: lang });
  const outDir = resolve(out);
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'render-previews-'));

  const soffice = findTool(['soffice', 'libreoffice']);
  const pdftoppm = findTool(['pdftoppm']);
  const chromium = findTool(['chromium', 'chromium-browser', 'google-chrome']);

  // Summary sheet. The other sheets are left out of this render only: the Summary does not
  // use them, and a 100k-row breakdown would make LibreOffice print thousands of pages.
  const summaryOnly: ReportModel = {
    ...model,
    breakdowns: [],
    trend: { ...model.trend, series: [] },
  };
  const xlsx = join(work, 'summary.xlsx');
  writeFileSync(xlsx, await renderWorkbook(summaryOnly));
  execFileSync(
    soffice,
    [
      `-env:UserInstallation=file://${join(work, 'lo-profile')}`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      work,
      xlsx,
    ],
    { stdio: 'ignore', timeout: 180_000 },
  );
  execFileSync(
    pdftoppm,
    [
      '-png',
      '-r',
      '100',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      join(work, 'summary.pdf'),
      join(work, 'summary'),
    ],
    {
      timeout: 60_000,
    },
  );
  renameSync(join(work, 'summary.png'), join(outDir, 'summary-sheet.png'));

  // Email as sent with the attachment (the common case).
  const workbook = await renderWorkbook(model);
  const email = renderEmail(model, { attachment: { filename: workbookFileName(model), content: workbook } });
  const html = join(work, 'email.html');
  writeFileSync(html, email.html);
  for (const [name, width, height] of [
    ['email.png', 420, 3200],
    ['email-desktop.png', 900, 2600],
  ] as const) {
    const shot = join(work, name);
    execFileSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${mkdtempSync(join(work, 'chrome-'))}`,
        `--window-size=${width},${height}`,
        `--screenshot=${shot}`,
        `file://${html}`,
      ],
      { stdio: 'ignore', timeout: 120_000 },
    );
    if (!existsSync(shot)) throw new Error(`chromium wrote no screenshot ${shot}`);
    writeFileSync(join(outDir, name), trimPngBottom(readFileSync(shot)));
  }
  console.log(`subject: ${email.subject}`);
  console.log(
    `wrote ${['summary-sheet.png', 'email.png', 'email-desktop.png'].map((f) => join(outDir, f)).join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
