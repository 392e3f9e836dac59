/**
 * Draws the email content twice: HTML for mail clients (table layout, inline styles only, a
 * single 640px column that shrinks to a phone's width, charts as `cid:` images with alt text
 * and fixed size) and plain text with the same content. Status is a coloured chip with the
 * word inside (colour-blind safe, the workbook's palette from ../styles.ts).
 */
import { labels } from '../../i18n.ts';
import type { ReportModel } from '../../report-model.ts';
import { escapeHtml as esc } from '../html.ts';
import { COLOURS, cssColour, EMAIL_FONT_STACK, STATUS_COLOURS } from '../styles.ts';
import type { ChartRef, Chip, Content, Section } from './content.ts';

const BRAND = cssColour(COLOURS.brand);
const CELL = 'padding:8px 6px;border-bottom:1px solid #e6e9ef;vertical-align:top;';
const SMALL = 'font-size:12px;line-height:17px;color:#52606d;';

function chip(c: Chip | null | undefined): string {
  if (!c) return '';
  const colours = STATUS_COLOURS[c.status];
  return `<span style="display:inline-block;padding:2px 8px;border-radius:10px;background:${cssColour(colours.fill)};color:${cssColour(colours.font)};font-weight:bold;font-size:12px;line-height:18px;white-space:nowrap;">${esc(c.word)}</span>`;
}

function image(c: ChartRef): string {
  return `<tr><td style="padding:8px 20px;"><img src="cid:${esc(c.cid)}" alt="${esc(c.alt)}" width="${c.width}" height="${c.height}" style="display:block;width:100%;max-width:${c.width}px;height:auto;border:0;"></td></tr>`;
}

function sectionHtml(s: Section): string {
  const out: string[] = [
    `<tr><td style="padding:16px 20px 6px 20px;"><div style="font-size:16px;line-height:22px;font-weight:bold;color:${BRAND};border-bottom:2px solid ${BRAND};padding-bottom:4px;">${esc(s.title)}</div></td></tr>`,
  ];
  if (s.summary)
    out.push(`<tr><td style="padding:2px 20px;font-size:13px;color:#52606d;">${esc(s.summary)}</td></tr>`);
  if (s.chart) out.push(image(s.chart));
  if (s.table) {
    const th = 'padding:6px;font-size:12px;color:#52606d;border-bottom:1px solid #cbd2d9;font-weight:normal;';
    const heads = s.table.headers
      .map((h, i) => `<th align="${s.table?.align[i] ?? 'right'}" style="${th}">${esc(h)}</th>`)
      .join('');
    out.push(
      `<tr><td style="padding:0 14px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;"><tr>${heads}</tr>`,
    );
    for (const r of s.table.rows) {
      const cells = r.cells.map((v, i) => {
        const under = r.under?.[i] ? `<div style="${SMALL}">${esc(r.under[i] ?? '')}</div>` : '';
        const weight = i === 0 && r.bold !== false ? 'font-weight:bold;' : '';
        // The name column wraps (even inside a Chinese word) so a phone never scrolls sideways.
        const wrap = i > 0 ? 'white-space:nowrap;' : '';
        return `<td align="${s.table?.align[i] ?? 'right'}" style="${CELL}${weight}${wrap}">${esc(v)}${under}</td>`;
      });
      if (r.chip !== undefined) cells.push(`<td align="center" style="${CELL}">${chip(r.chip)}</td>`);
      out.push(`<tr>${cells.join('')}</tr>`);
    }
    out.push('</table></td></tr>');
  }
  const lines = s.lines ?? [];
  if (lines.length > 0) {
    out.push(
      `<tr><td style="padding:0 14px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">`,
    );
    for (const line of lines) {
      const more = (line.more ?? []).map((m) => `<div style="${SMALL}">${esc(m)}</div>`).join('');
      out.push(
        `<tr><td style="${CELL}"><div style="${line.plain ? 'font-size:13px;' : 'font-weight:bold;'}">${esc(line.title)}</div>${line.detail ? `<div style="${SMALL}">${esc(line.detail)}</div>` : ''}${more}</td><td align="right" style="${CELL}white-space:nowrap;">${line.figure ? `<div style="font-weight:bold;">${esc(line.figure)}</div>` : ''}${chip(line.chip)}</td></tr>`,
      );
    }
    out.push('</table></td></tr>');
  } else if (!s.table && !s.chart && s.empty) {
    out.push(`<tr><td style="padding:4px 20px;color:#52606d;">${esc(s.empty)}</td></tr>`);
  }
  return out.join('\n');
}

export function renderHtml(model: ReportModel, c: Content, subject: string): string {
  const lang = model.report.language;
  const out: string[] = [
    `<!DOCTYPE html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="x-apple-disable-message-reformatting"><title>${esc(subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f2f4f7;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f2f4f7;"><tr><td align="center" style="padding:16px 8px;">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;width:100%;background:#ffffff;border-collapse:collapse;font-family:${EMAIL_FONT_STACK};font-size:14px;line-height:20px;color:#1f2933;">`,
    `<tr><td style="background:${BRAND};color:#ffffff;padding:16px 20px;"><div style="font-size:20px;line-height:26px;font-weight:bold;">${esc(model.report.name[lang])}</div>${c.intro
      .map((line) => `<div style="font-size:13px;line-height:19px;color:#dbe4ef;">${esc(line)}</div>`)
      .join('')}</td></tr>`,
  ];
  if (c.lead) {
    const rows = c.lead.rows
      .map(
        (r) =>
          `<tr><td style="padding:4px 8px 4px 0;${SMALL}white-space:nowrap;vertical-align:top;">${esc(r.label)}</td><td style="padding:4px 0;font-size:13px;line-height:18px;vertical-align:top;">${esc(r.text)} ${chip(r.chip)}</td></tr>`,
      )
      .join('');
    out.push(
      `<tr><td style="padding:16px 20px 4px 20px;"><div style="font-size:13px;color:#52606d;">${esc(c.lead.title)}</div><div style="font-size:26px;line-height:34px;font-weight:bold;">${esc(c.lead.figure)} ${chip(c.lead.chip)}</div><div style="font-size:13px;color:#52606d;">${esc(c.lead.detail)}</div>${rows ? `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:8px;border-collapse:collapse;">${rows}</table>` : ''}</td></tr>`,
    );
  }
  for (const s of c.sections) out.push(sectionHtml(s));
  if (c.delivery.length > 0) {
    out.push(
      `<tr><td style="padding:16px 20px;"><div style="background:#f5f7fa;border-left:4px solid ${BRAND};padding:10px 12px;">`,
    );
    for (const d of c.delivery) {
      if (d.href) {
        out.push(
          `<div style="margin:4px 0;word-break:break-all;"><a href="${esc(d.href)}" style="color:#0b5cad;">${esc(d.href)}</a></div>`,
        );
      } else if (d.code) {
        out.push(
          `<div style="margin:4px 0;">${esc(d.text)} <code style="font-family:Menlo,Consolas,monospace;font-size:12px;background:#e4e7eb;padding:1px 4px;word-break:break-all;">${esc(d.code)}</code></div>`,
        );
      } else out.push(`<div style="margin:4px 0;">${esc(d.text)}</div>`);
    }
    out.push('</div></td></tr>');
  }
  if (c.legend.length > 0) {
    const t = labels(lang).text;
    out.push(
      `<tr><td style="padding:8px 20px 0 20px;font-size:12px;color:#52606d;">${esc(t.legend)}${lang === 'zh' ? '：' : ': '}${c.legend.map(chip).join(' ')}<div style="${SMALL}">${esc(t.legendIntro)}</div></td></tr>`,
    );
  }
  out.push(
    `<tr><td style="padding:12px 20px 20px 20px;font-size:11px;line-height:16px;color:#7b8794;">${esc(c.footer)}</td></tr>`,
    `</table></td></tr></table></body></html>`,
  );
  return out.join('\n');
}

export function renderText(model: ReportModel, c: Content): string {
  const lang = model.report.language;
  const out: string[] = [model.report.name[lang], ...c.intro, ''];
  if (c.lead) {
    out.push(c.lead.title, `${c.lead.figure} [${c.lead.chip?.word ?? ''}]`, c.lead.detail);
    for (const r of c.lead.rows) out.push(`  ${r.label}: ${r.text}${r.chip ? ` [${r.chip.word}]` : ''}`);
  }
  for (const s of c.sections) {
    out.push('', s.title, '-'.repeat(Math.min(60, [...s.title].length * 2)));
    if (s.summary) out.push(s.summary);
    if (s.chart) out.push(`[${s.chart.alt}]`);
    if (s.table) {
      out.push(`  ${s.table.headers.join(' | ')}`);
      for (const r of s.table.rows) {
        const cells = r.cells.map((v, i) => (r.under?.[i] ? `${v} / ${r.under[i]}` : v));
        out.push(`- ${cells.join('  ')}${r.chip ? `  [${r.chip.word}]` : ''}`);
      }
    }
    const lines = s.lines ?? [];
    if (lines.length === 0 && !s.table && !s.chart && s.empty) out.push(s.empty);
    for (const line of lines) {
      const tail = [line.figure, line.chip ? `[${line.chip.word}]` : ''].filter(Boolean).join(' ');
      out.push(`- ${line.title}${tail ? `  ${tail}` : ''}`);
      if (line.detail) out.push(`  ${line.detail}`);
      for (const m of line.more ?? []) out.push(`  ${m}`);
    }
  }
  if (c.delivery.length > 0) {
    out.push('');
    for (const d of c.delivery) out.push(d.code ? `${d.text} ${d.code}` : d.text);
  }
  out.push('', '--', c.footer, '');
  return out.join('\n');
}
