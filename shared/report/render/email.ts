/**
 * Renders a ReportModel as an email (subject, HTML, plain text). One module per section under
 * ./email/ builds plain content; ./email/layout.ts draws it as HTML and as text. Like the
 * workbook, every figure comes from the model: a scoped model only holds its scope's
 * figures, so the mail cannot show another scope's numbers.
 *
 * Order, for a reader on a phone: the report's own period (this week) against plan in money
 * and percent with last week, month to date and the year's outlook; the trend; every KPI of
 * the period; the largest unfavourable variances ranked by money with where each comes from;
 * comparisons; milestones; data-quality counts; the workbook; the legend.
 */
import { formatPercent, formatVariancePct, isScoped, labels, scopeLabel, statusWord } from '../i18n.ts';
import type { Language, ReportKpi, ReportModel } from '../report-model.ts';
import { attributionOfEmail } from './email/attribution.ts';
import { comparisonsOf, trendOf } from './email/comparisons.ts';
import { type ChartRef, type Content, ctxOf } from './email/content.ts';
import { dataQualityOf } from './email/data-quality.ts';
import { deliveryOf, footerOf } from './email/footer.ts';
import { leadOf } from './email/headline.ts';
import { kpiTableOf } from './email/kpi-table.ts';
import { renderHtml, renderText } from './email/layout.ts';
import { milestonesOf } from './email/milestones.ts';
import { STATUS_ORDER } from './styles.ts';

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

function buildContent(model: ReportModel, options: RenderEmailOptions): Content {
  const ctx = ctxOf(model);
  const { lang, colon } = ctx;
  const l = labels(lang);
  const t = l.text;
  const intro = [
    `${t.period}${colon}${model.periodKey} · ${t.asOf}${colon}${model.asOf}`,
    isScoped(model)
      ? `${t.scoped}${lang === 'zh' ? '' : ' '}${scopeLabel(model)}`
      : `${t.scope}${colon}${l.allScope}`,
  ];
  const footer = footerOf(ctx);
  const legend = STATUS_ORDER.filter((s) => s !== 'no_target').map((s) => ({
    word: statusWord(s, lang),
    status: s,
  }));
  if (options.noNewDataNote) {
    return {
      intro: [...intro, t.noNewData],
      lead: null,
      sections: [dataQualityOf(ctx)],
      delivery: [],
      legend: [],
      footer,
    };
  }
  const chart = (placement: 'trend' | 'attribution'): ChartRef | undefined =>
    options.charts?.find((c) => c.placement === placement);
  const sections = [
    trendOf(ctx, chart('trend')),
    kpiTableOf(ctx),
    attributionOfEmail(ctx, chart('attribution')),
    comparisonsOf(ctx),
    milestonesOf(ctx),
    dataQualityOf(ctx),
  ].filter((s) => s !== null);
  return { intro, lead: leadOf(ctx), sections, delivery: deliveryOf(ctx, options), legend, footer };
}

/**
 * Renders the report email: subject `name · period · [scope ·] headline`, an HTML summary
 * and a plain-text part with the same content.
 */
export function renderEmail(model: ReportModel, options: RenderEmailOptions = {}): RenderedEmail {
  const subject = emailSubject(model, options);
  const content = buildContent(model, options);
  return { subject, html: renderHtml(model, content, subject), text: renderText(model, content) };
}
