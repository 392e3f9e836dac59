/**
 * Turns a sent report (.eml) into an HTML file a browser can show: the HTML part, with each
 * `cid:` image written beside it and referenced by file name. Used by docs/images/render.sh.
 *
 *   npx tsx scripts/eml-to-html.ts out/ses-123.eml /tmp/mail   # writes /tmp/mail/index.html
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';

const [eml, dir] = process.argv.slice(2);
if (!eml || !dir) {
  console.error('usage: npx tsx scripts/eml-to-html.ts <file.eml> <out-dir>');
  process.exit(2);
}
const mail = await simpleParser(readFileSync(eml));
mkdirSync(dir, { recursive: true });
let html = typeof mail.html === 'string' ? mail.html : '';
mail.attachments.forEach((a, i) => {
  if (!a.cid) return;
  const name = `image-${i}.png`;
  writeFileSync(join(dir, name), a.content);
  html = html.split(`cid:${a.cid}`).join(name);
});
// mailparser already turns cid references into data: URLs for some parts; both work offline.
writeFileSync(join(dir, 'index.html'), html);
console.log(join(dir, 'index.html'));
