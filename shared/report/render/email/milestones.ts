/**
 * Milestones needing attention (overdue, blocked, behind, due soon), most overdue first,
 * with owner names from the configuration. Absent when the report has no milestones.
 */
import type { VarianceStatus } from '../../../domain/types.ts';
import { formatPercent, labels, milestoneStateWord, ownerName } from '../../i18n.ts';
import type { Ctx, Line, Section } from './content.ts';

const ATTENTION = new Set(['overdue', 'blocked', 'behind']);

function colourOf(state: string): VarianceStatus {
  return state === 'overdue' || state === 'blocked'
    ? 'off_track'
    : state === 'behind'
      ? 'at_risk'
      : 'on_track';
}

export function milestonesOf({ model, lang }: Ctx): Section | null {
  const ms = model.milestones;
  if (ms.items.length === 0) return null;
  const l = labels(lang);
  const t = l.text;
  const lines: Line[] = [];
  const items = [...ms.items].sort((a, b) => (b.daysOverdue ?? -1) - (a.daysOverdue ?? -1));
  for (const m of items) {
    if (!ATTENTION.has(m.state) && !m.dueSoon) continue;
    const bits = [`${l.columns.owner} ${ownerName(model, m.owner)}`, `${l.columns.due} ${m.due}`];
    if (m.daysOverdue !== null) bits.unshift(`${l.columns.daysOverdue} ${m.daysOverdue}`);
    if (m.progress !== null) {
      bits.push(
        `${l.columns.progress} ${formatPercent(m.progress, 0)}${m.expectedProgress === null ? '' : ` / ${l.columns.expectedProgress} ${formatPercent(m.expectedProgress, 0)}`}`,
      );
    }
    if (m.dueSoon) bits.push(l.columns.dueSoon);
    lines.push({
      title: `${m.id} ${m.title}`,
      detail: bits.join(' · '),
      figure: '',
      chip: { word: milestoneStateWord(m.state, lang), status: colourOf(m.state) },
    });
  }
  return {
    title: t.milestonesAttention,
    summary: `${t.dueCount} ${ms.dueCount} · ${t.completion} ${formatPercent(ms.completion)} · ${t.onTime} ${formatPercent(ms.onTime)}`,
    lines,
    empty: t.noneMilestones,
  };
}
