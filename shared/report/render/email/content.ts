/**
 * The email's content as plain data, built by one module per section and drawn by
 * ./layout.ts twice (HTML and plain text), so both parts always say the same.
 */
import type { VarianceStatus } from '../../../domain/types.ts';
import type { Language, ReportModel } from '../../report-model.ts';

export interface Chip {
  readonly word: string;
  readonly status: VarianceStatus;
}

export interface Line {
  readonly title: string;
  readonly detail: string;
  readonly figure: string;
  readonly chip: Chip | null;
  /** Long free text (notes): not bold. */
  readonly plain?: boolean;
  /** Further lines under the line (e.g. where the gap comes from), smaller. */
  readonly more?: readonly string[];
}

/** A chart image placed in a section (see RenderEmailOptions.charts). */
export interface ChartRef {
  readonly cid: string;
  readonly alt: string;
  readonly width: number;
  readonly height: number;
}

export interface Table {
  readonly headers: readonly string[];
  /** Column alignment; the first column is the row name. */
  readonly align: readonly ('left' | 'right' | 'center')[];
  readonly rows: readonly {
    readonly cells: readonly string[];
    /** Small second lines per cell (e.g. the target under the actual). */
    readonly under?: readonly string[];
    readonly chip?: Chip | null;
    readonly bold?: boolean;
  }[];
}

export interface Section {
  readonly title: string;
  readonly summary?: string;
  readonly lines?: readonly Line[];
  readonly table?: Table;
  readonly chart?: ChartRef;
  /** Shown when there are neither lines nor a table. */
  readonly empty?: string;
}

/** The big block at the top: the period's own result, then month and year. */
export interface Lead {
  readonly title: string;
  readonly figure: string;
  readonly detail: string;
  readonly chip: Chip | null;
  /** Smaller lines below: vs previous period, month to date, year with outlook. */
  readonly rows: readonly { readonly label: string; readonly text: string; readonly chip: Chip | null }[];
}

export interface Content {
  readonly intro: readonly string[];
  readonly lead: Lead | null;
  readonly sections: readonly Section[];
  readonly delivery: readonly { readonly text: string; readonly href?: string; readonly code?: string }[];
  readonly legend: readonly Chip[];
  readonly footer: string;
}

/** Shared context of the section builders. */
export interface Ctx {
  readonly model: ReportModel;
  readonly lang: Language;
  readonly colon: string;
}

export function ctxOf(model: ReportModel): Ctx {
  const lang = model.report.language;
  return { model, lang, colon: lang === 'zh' ? '：' : ': ' };
}
