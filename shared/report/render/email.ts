/**
 * Renders a ReportModel as an email (subject, HTML, plain text) and composes the raw MIME
 * message for SESv2. Like the workbook, every figure comes from the model: a scoped model
 * only holds its scope's figures, so the mail cannot show another scope's numbers.
 *
 * The HTML is built for mail clients, not browsers: table layout, inline styles only, no
 * external CSS or images, a single 640px column that shrinks to a phone's width. Status is
 * a coloured chip with the word inside (colour-blind safe, same palette as the workbook).
 */
import type { VarianceStatus } from '../../domain/types.ts';
import {
  DASH,
  formatInstant,
  formatKpiValue,
  formatNumber,
  formatPercent,
  formatVariance,
  formatVariancePct,
  isScoped,
  labels,
  milestoneStateWord,
  scopeLabel,
  statusWord,
} from '../i18n.ts';
import type { BreakdownRow, KpiRangeRow, Language, ReportKpi, ReportModel } from '../report-model.ts';
import { STATUS_COLOURS } from './excel.ts';
import { escapeHtml as esc } from './html.ts';

/** A download link to the archived workbook, sent instead of a too-large attachment. */
export type EmailLink =
  | {
      /** Each open gives a fresh download until `expiresAt` (AWS: the report-link function). */
      readonly kind: 'reusable';
      readonly url: string;
      /** ISO instant the link stops working: the token's own expiry, which its verifier enforces. */
      readonly expiresAt: string;
      /** Whom to ask for the report after that (contacts.operators). */
      readonly contact: string;
    }
  | {
      /** A presigned URL (the local runtime): works until `expiresAt`, then not at all. */
      readonly kind: 'presigned';
      readonly url: string;
      /** ISO instant the URL really stops working (capped by its signing credentials). */
      readonly expiresAt: string;
      /** The command that writes the same workbook locally, e.g. `npx plan-monitor report … --out out`. */
      readonly command: string;
    };

export interface RenderEmailOptions {
  /** The workbook sent with the mail (only its name and size are shown in the body). */
  readonly attachment?: { readonly filename: string; readonly content: Buffer };
  /** A download link instead of an attachment, for workbooks above the size limit. */
  readonly link?: EmailLink;
  /** Renders the short "no new data" note instead of the report summary. */
  readonly noNewDataNote?: boolean;
  /**
   * Chart images to show in the body, referenced as `<img src="cid:…">`; the same images
   * must be passed to `composeMime` as `inline` parts so the references resolve.
   */
  readonly charts?: readonly EmailChart[];
}

/** One chart image shown in the email body (a PNG sent as an inline CID part). */
export interface EmailChart {
  /** Content-ID without angle brackets, e.g. `trend@plan-monitor`. */
  readonly cid: string;
  /** Where the body shows it. */
  readonly placement: 'trend' | 'attribution';
  /** Alternative text: what the chart says, for clients that block images and for screen readers. */
  readonly alt: string;
  /** Display size in CSS pixels (the PNG itself may be 2× for sharp phone screens). */
  readonly width: number;
  readonly height: number;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** How many variance lines the "largest unfavourable" section lists. */
const TOP_UNFAVOURABLE = 5;
const FONT_STACK =
  "-apple-system,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Arial,sans-serif";

/** Text for a subject/header line: one line, no control characters. */
function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters from a header is the point
  return value.replace(/[\u0000-\u001F\u007F]+/g, ' ').trim();
}

function kpiLabel(kpis: ReadonlyMap<string, ReportKpi>, id: string, lang: Language): string {
  return kpis.get(id)?.name[lang] ?? id;
}

/** The headline fragment of the subject, e.g. `GMV MTD −5.0%`. */
function headlineText(model: ReportModel, kpis: ReadonlyMap<string, ReportKpi>): string {
  const lang = model.report.language;
  const h = model.headline;
  if (h) {
    const figure = h.variancePct === null ? statusWord(h.status, lang) : formatVariancePct(h.variancePct);
    return `${kpiLabel(kpis, h.kpi, lang)} ${h.range} ${figure}`;
  }
  return `${labels(lang).text.scorecard} ${formatPercent(model.scorecard.score)}`;
}

/** `每周进度偏差分析 · 2026-W47 · GMV MTD −5.0%` (scope inserted before the headline). */
export function emailSubject(
  model: ReportModel,
  options: Pick<RenderEmailOptions, 'noNewDataNote'> = {},
): string {
  const lang = model.report.language;
  const l = labels(lang);
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const parts = [model.report.name[lang], model.periodKey];
  if (isScoped(model)) parts.push(scopeLabel(model));
  parts.push(options.noNewDataNote ? l.text.noNewDataSubject : headlineText(model, kpis));
  return oneLine(parts.join(' · '));
}

interface Line {
  readonly title: string;
  readonly detail: string;
  readonly figure: string;
  readonly chip: { readonly word: string; readonly status: VarianceStatus } | null;
  /** Long free text (notes): not bold. */
  readonly plain?: boolean;
}

interface Content {
  readonly intro: readonly string[];
  readonly headline: { readonly title: string; readonly figure: string; readonly chip: Line['chip'] } | null;
  readonly score: { readonly title: string; readonly figure: string } | null;
  readonly sections: readonly {
    readonly title: string;
    readonly summary?: string;
    readonly lines: readonly Line[];
    readonly empty: string;
  }[];
  readonly kpiTable: {
    readonly title: string;
    readonly headers: readonly [string, string, string, string];
    readonly rows: readonly {
      readonly name: string;
      readonly actual: string;
      readonly target: string;
      readonly pct: string;
      readonly chip: NonNullable<Line['chip']>;
    }[];
  } | null;
  readonly delivery: readonly { readonly text: string; readonly href?: string; readonly code?: string }[];
  readonly footer: string;
}

function buildContent(model: ReportModel, options: RenderEmailOptions): Content {
  const lang = model.report.language;
  const l = labels(lang);
  const t = l.text;
  const kpis = new Map(model.kpis.map((k) => [k.id, k]));
  const ranges = new Map(model.ranges.map((r) => [r.kind, r]));
  const rangeText = (kind: string) => ranges.get(kind as never)?.label[lang] ?? kind;
  const colon = lang === 'zh' ? '：' : ': ';
  const intro = [
    `${t.period}${colon}${model.periodKey} · ${t.asOf}${colon}${model.asOf}`,
    isScoped(model)
      ? `${t.scoped}${lang === 'zh' ? '' : ' '}${scopeLabel(model)}`
      : `${t.scope}${colon}${l.allScope}`,
  ];

  // Data-quality warnings are shown in both the full mail and the no-new-data note.
  const dqLines: Line[] = [];
  for (const k of model.dataQuality.kpis) {
    if (k.stale) {
      dqLines.push({
        title: kpiLabel(kpis, k.kpi, lang),
        detail: `${t.staleKpi} ${k.dataThrough ?? DASH}`,
        figure: '',
        chip: { word: l.columns.stale, status: 'off_track' },
      });
    }
    for (const g of k.gaps) {
      if (k.stale && g.end === model.asOf) continue; // the stale line already says it
      dqLines.push({
        title: kpiLabel(kpis, k.kpi, lang),
        detail: `${t.gapIn}${colon}${g.start === g.end ? g.start : `${g.start} – ${g.end}`}`,
        figure: '',
        chip: null,
      });
    }
  }
  for (const m of model.dataQuality.targetMismatches) {
    const kpi = kpis.get(m.kpi);
    const group = Object.entries(m.group)
      .map(([d, v]) => `${d} = ${v}`)
      .join(', ');
    const fmt = (v: number) => (kpi ? formatKpiValue(v, kpi, lang) : formatNumber(v, 2));
    dqLines.push({
      title: `${kpiLabel(kpis, m.kpi, lang)} · ${m.period} · ${group || l.allScope}`,
      detail: `${t.mismatch}${colon}${fmt(m.explicitTarget)} / ${fmt(m.sumOfFinerTargets)}`,
      figure: formatVariancePct(m.differencePct),
      chip: null,
    });
  }
  for (const note of model.dataQuality.notes)
    dqLines.push({ title: note, detail: '', figure: '', chip: null, plain: true });
  const dqSection = { title: t.dataWarnings, lines: dqLines, empty: t.noneWarnings };
  const footer = `${t.generatedFooter} · ${t.generatedAt} ${formatInstant(model.about.generatedAt, model.about.timeZone)} (${model.about.timeZone}) · ${t.targetVersion} ${model.about.targetVersion} · ${t.configVersion} ${model.about.configVersion}`;

  if (options.noNewDataNote) {
    return {
      intro: [...intro, t.noNewData],
      headline: null,
      score: null,
      kpiTable: null,
      sections: [dqSection],
      delivery: [],
      footer,
    };
  }

  const h = model.headline;
  const headline = h
    ? {
        title: `${t.headline}${colon}${kpiLabel(kpis, h.kpi, lang)} · ${rangeText(h.range)}`,
        figure: h.variancePct === null ? DASH : formatVariancePct(h.variancePct),
        chip: { word: statusWord(h.status, lang), status: h.status },
      }
    : null;
  const score = {
    title: `${t.scorecard} · ${rangeText(model.scorecard.range)}`,
    figure: formatPercent(model.scorecard.score),
  };

  const focusRange = h?.range ?? model.scorecard.range ?? model.ranges[0]?.kind;
  const outlookOf = new Map(model.outlook.map((o) => [o.kpi, o]));
  const kpiRows = model.table
    .filter((r) => r.range === focusRange)
    .map((r) => {
      const kpi = kpis.get(r.kpi);
      const value = (v: number | null) => (kpi ? formatKpiValue(v, kpi, lang) : formatNumber(v, 2));
      // A snapshot holds for one period: say which, and without one in the range show the
      // latest value with its period (spec §7) rather than a bare dash.
      const o = outlookOf.get(r.kpi);
      const latest = r.actual === null && o?.kind === 'snapshot' && o.latestPeriod ? o : null;
      const actual = latest
        ? `${value(latest.latestValue)} (${latest.latestPeriod})`
        : r.valuePeriod
          ? `${value(r.actual)} (${r.valuePeriod})`
          : value(r.actual);
      return {
        name: kpiLabel(kpis, r.kpi, lang),
        actual,
        target: kpi ? formatKpiValue(r.target, kpi, lang) : formatNumber(r.target, 2),
        pct: formatVariancePct(r.variancePct),
        chip: { word: statusWord(r.status, lang), status: r.status },
      };
    });
  const kpiTable = {
    title: `${t.topKpis} · ${rangeText(focusRange ?? '')}`,
    headers: [
      l.columns.kpi,
      `${l.columns.actual} / ${l.columns.target}`,
      l.columns.variancePct,
      l.columns.status,
    ] as [string, string, string, string],
    rows: kpiRows,
  };

  // Largest unfavourable variances over the totals of every range and every breakdown row.
  // One line per KPI — its worst series — so one KPI split by channel cannot fill the list.
  type Candidate = { fav: number; kpi: string; line: Line };
  const candidates: Candidate[] = [];
  const unfavourable = (s: VarianceStatus) => s === 'at_risk' || s === 'off_track';
  const consider = (r: KpiRangeRow | BreakdownRow, title: string) => {
    if (r.favourablePct === null || r.favourablePct >= 0 || !unfavourable(r.status)) return;
    const kpi = kpis.get(r.kpi);
    candidates.push({
      fav: r.favourablePct,
      kpi: r.kpi,
      line: {
        title,
        detail: kpi
          ? `${formatKpiValue(r.actual, kpi, lang)} / ${formatKpiValue(r.target, kpi, lang)} (${formatVariance(r.variance, kpi, lang)})`
          : '',
        figure: formatVariancePct(r.variancePct),
        chip: { word: statusWord(r.status, lang), status: r.status },
      },
    });
  };
  for (const r of model.table) consider(r, `${kpiLabel(kpis, r.kpi, lang)} · ${rangeText(r.range)}`);
  for (const b of model.breakdowns) {
    for (const r of b.rows) {
      consider(
        r,
        `${kpiLabel(kpis, r.kpi, lang)} · ${b.dimensionName[lang]} = ${r.label[lang]} · ${rangeText(b.range)}`,
      );
    }
  }
  candidates.sort((a, b) => a.fav - b.fav);
  const seen = new Set<string>();
  const worst: Line[] = [];
  for (const cand of candidates) {
    if (seen.has(cand.kpi)) continue;
    seen.add(cand.kpi);
    worst.push(cand.line);
    if (worst.length === TOP_UNFAVOURABLE) break;
  }

  const msLines: Line[] = [];
  const attention = new Set(['overdue', 'blocked', 'behind']);
  const milestoneStatus = (state: string): VarianceStatus =>
    state === 'overdue' || state === 'blocked' ? 'off_track' : state === 'behind' ? 'at_risk' : 'on_track';
  const items = [...model.milestones.items].sort((a, b) => (b.daysOverdue ?? -1) - (a.daysOverdue ?? -1));
  for (const m of items) {
    if (!attention.has(m.state) && !m.dueSoon) continue;
    const bits = [`${l.columns.owner} ${m.owner}`, `${l.columns.due} ${m.due}`];
    if (m.daysOverdue !== null) bits.unshift(`${l.columns.daysOverdue} ${m.daysOverdue}`);
    if (m.progress !== null) {
      bits.push(
        `${l.columns.progress} ${formatPercent(m.progress, 0)}${m.expectedProgress === null ? '' : ` / ${l.columns.expectedProgress} ${formatPercent(m.expectedProgress, 0)}`}`,
      );
    }
    if (m.dueSoon) bits.push(l.columns.dueSoon);
    msLines.push({
      title: `${m.id} ${m.title}`,
      detail: bits.join(' · '),
      figure: '',
      chip: { word: milestoneStateWord(m.state, lang), status: milestoneStatus(m.state) },
    });
  }
  const ms = model.milestones;
  const msSummary = `${t.dueCount} ${ms.dueCount} · ${t.completion} ${formatPercent(ms.completion)} · ${t.onTime} ${formatPercent(ms.onTime)}`;

  const delivery: Content['delivery'][number][] = [];
  const link = options.link;
  if (link) {
    const expiry = `${formatInstant(link.expiresAt, model.about.timeZone)} (${model.about.timeZone})`;
    delivery.push({ text: t.linkIntro });
    delivery.push({ text: link.url, href: link.url });
    if (link.kind === 'reusable') {
      delivery.push({ text: t.linkFreshUntil.replace('{expiry}', expiry) });
      delivery.push({ text: t.linkAskAfter.replace('{contact}', link.contact) });
    } else {
      delivery.push({ text: `${t.linkValidUntil} ${expiry}${lang === 'zh' ? '。' : '.'}` });
      delivery.push({ text: t.linkLocalCommand, code: link.command });
    }
  } else if (options.attachment) {
    const kb = Math.max(1, Math.round(options.attachment.content.byteLength / 1024));
    delivery.push({ text: `${t.workbookAttached} ${options.attachment.filename} (${formatNumber(kb)} KB)` });
  }

  return {
    intro,
    headline,
    score,
    kpiTable,
    sections: [
      { title: t.largestUnfavourable, lines: worst, empty: t.noneUnfavourable },
      { title: t.milestonesAttention, summary: msSummary, lines: msLines, empty: t.noneMilestones },
      dqSection,
    ],
    delivery,
    footer,
  };
}

// ---------------------------------------------------------------------------------------
// HTML

function hex(argb: string): string {
  return `#${argb.slice(2)}`;
}

function chip(c: Line['chip']): string {
  if (!c) return '';
  const colours = STATUS_COLOURS[c.status];
  return `<span style="display:inline-block;padding:2px 8px;border-radius:10px;background:${hex(colours.fill)};color:${hex(colours.font)};font-weight:bold;font-size:12px;line-height:18px;white-space:nowrap;">${esc(c.word)}</span>`;
}

function renderHtml(model: ReportModel, c: Content, subject: string): string {
  const lang = model.report.language;
  const cell = 'padding:8px 6px;border-bottom:1px solid #e6e9ef;vertical-align:top;';
  const out: string[] = [];
  out.push(
    `<!DOCTYPE html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="x-apple-disable-message-reformatting"><title>${esc(subject)}</title></head>`,
  );
  out.push(`<body style="margin:0;padding:0;background:#f2f4f7;">`);
  out.push(
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f2f4f7;"><tr><td align="center" style="padding:16px 8px;">`,
  );
  out.push(
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;width:100%;background:#ffffff;border-collapse:collapse;font-family:${FONT_STACK};font-size:14px;line-height:20px;color:#1f2933;">`,
  );
  // Header band
  out.push(
    `<tr><td style="background:#1f3a5f;color:#ffffff;padding:16px 20px;"><div style="font-size:20px;line-height:26px;font-weight:bold;">${esc(model.report.name[lang])}</div>${c.intro
      .map((line) => `<div style="font-size:13px;line-height:19px;color:#dbe4ef;">${esc(line)}</div>`)
      .join('')}</td></tr>`,
  );
  // Headline + scorecard
  if (c.headline || c.score) {
    out.push(
      `<tr><td style="padding:16px 20px 4px 20px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>`,
    );
    if (c.headline) {
      out.push(
        `<td style="padding:0 12px 12px 0;vertical-align:top;"><div style="font-size:12px;color:#52606d;">${esc(c.headline.title)}</div><div style="font-size:26px;line-height:32px;font-weight:bold;">${esc(c.headline.figure)} ${chip(c.headline.chip)}</div></td>`,
      );
    }
    if (c.score) {
      out.push(
        `<td style="padding:0 0 12px 0;vertical-align:top;"><div style="font-size:12px;color:#52606d;">${esc(c.score.title)}</div><div style="font-size:26px;line-height:32px;font-weight:bold;">${esc(c.score.figure)}</div></td>`,
      );
    }
    out.push(`</tr></table></td></tr>`);
  }
  const sectionTitle = (title: string) =>
    `<tr><td style="padding:16px 20px 6px 20px;"><div style="font-size:16px;line-height:22px;font-weight:bold;color:#1f3a5f;border-bottom:2px solid #1f3a5f;padding-bottom:4px;">${esc(title)}</div></td></tr>`;
  // KPI table
  if (c.kpiTable) {
    out.push(sectionTitle(c.kpiTable.title));
    const [h1, h2, h3, h4] = c.kpiTable.headers;
    const th = 'padding:6px;font-size:12px;color:#52606d;border-bottom:1px solid #cbd2d9;font-weight:normal;';
    out.push(
      `<tr><td style="padding:0 14px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;"><tr><th align="left" style="${th}">${esc(h1)}</th><th align="right" style="${th}">${esc(h2)}</th><th align="right" style="${th}">${esc(h3)}</th><th align="center" style="${th}">${esc(h4)}</th></tr>`,
    );
    for (const r of c.kpiTable.rows) {
      out.push(
        `<tr><td style="${cell}font-weight:bold;">${esc(r.name)}</td><td align="right" style="${cell}white-space:nowrap;">${esc(r.actual)}<div style="font-size:12px;color:#7b8794;">${esc(r.target)}</div></td><td align="right" style="${cell}white-space:nowrap;">${esc(r.pct)}</td><td align="center" style="${cell}">${chip(r.chip)}</td></tr>`,
      );
    }
    out.push(`</table></td></tr>`);
  }
  // Sections of lines
  for (const s of c.sections) {
    out.push(sectionTitle(s.title));
    if (s.summary)
      out.push(`<tr><td style="padding:2px 20px;font-size:13px;color:#52606d;">${esc(s.summary)}</td></tr>`);
    if (s.lines.length === 0) {
      out.push(`<tr><td style="padding:4px 20px;color:#52606d;">${esc(s.empty)}</td></tr>`);
      continue;
    }
    out.push(
      `<tr><td style="padding:0 14px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">`,
    );
    for (const line of s.lines) {
      out.push(
        `<tr><td style="${cell}"><div style="${line.plain ? 'font-size:13px;' : 'font-weight:bold;'}">${esc(line.title)}</div>${line.detail ? `<div style="font-size:12px;line-height:17px;color:#52606d;">${esc(line.detail)}</div>` : ''}</td><td align="right" style="${cell}white-space:nowrap;">${line.figure ? `<div style="font-weight:bold;">${esc(line.figure)}</div>` : ''}${chip(line.chip)}</td></tr>`,
      );
    }
    out.push(`</table></td></tr>`);
  }
  // Delivery
  if (c.delivery.length > 0) {
    out.push(
      `<tr><td style="padding:16px 20px;"><div style="background:#f5f7fa;border-left:4px solid #1f3a5f;padding:10px 12px;">`,
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
    out.push(`</div></td></tr>`);
  }
  out.push(
    `<tr><td style="padding:12px 20px 20px 20px;font-size:11px;line-height:16px;color:#7b8794;">${esc(c.footer)}</td></tr>`,
  );
  out.push(`</table></td></tr></table></body></html>`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// Plain text

function renderText(model: ReportModel, c: Content): string {
  const lang = model.report.language;
  const out: string[] = [model.report.name[lang], ...c.intro, ''];
  if (c.headline) out.push(`${c.headline.title}: ${c.headline.figure} [${c.headline.chip?.word ?? ''}]`);
  if (c.score) out.push(`${c.score.title}: ${c.score.figure}`);
  const heading = (title: string) => {
    out.push('', title, '-'.repeat(Math.min(60, [...title].length * 2)));
  };
  if (c.kpiTable) {
    heading(c.kpiTable.title);
    for (const r of c.kpiTable.rows) {
      out.push(`- ${r.name}: ${r.actual} / ${r.target}  ${r.pct}  [${r.chip.word}]`);
    }
  }
  for (const s of c.sections) {
    heading(s.title);
    if (s.summary) out.push(s.summary);
    if (s.lines.length === 0) out.push(s.empty);
    for (const line of s.lines) {
      const tail = [line.figure, line.chip ? `[${line.chip.word}]` : ''].filter(Boolean).join(' ');
      out.push(`- ${line.title}${tail ? `  ${tail}` : ''}`);
      if (line.detail) out.push(`  ${line.detail}`);
    }
  }
  if (c.delivery.length > 0) {
    out.push('');
    for (const d of c.delivery) {
      if (d.code) out.push(`${d.text} ${d.code}`);
      else out.push(d.text);
    }
  }
  out.push('', '--', c.footer, '');
  return out.join('\n');
}

/**
 * Renders the report email: subject `name · period · [scope ·] headline`, an HTML summary
 * (headline and scorecard, key KPIs with status, largest unfavourable variances, milestones
 * needing attention, data-quality warnings, the attachment or the link with its real
 * expiry) and a plain-text part with the same content.
 */
export function renderEmail(model: ReportModel, options: RenderEmailOptions = {}): RenderedEmail {
  const subject = emailSubject(model, options);
  const content = buildContent(model, options);
  return { subject, html: renderHtml(model, content, subject), text: renderText(model, content) };
}
