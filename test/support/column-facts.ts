import { addDays } from '../../shared/domain/calendar.ts';
import type { ActualFact, PlanData } from '../../shared/domain/types.ts';

/** The daily facts a plan's actual columns hold, as fact objects (covered days only). */
export function columnFacts(data: PlanData): ActualFact[] {
  const out: ActualFact[] = [];
  for (const s of data.actualColumns?.daily ?? []) {
    for (let i = 0; i < s.values.length; i++) {
      if (!s.covered[i]) continue;
      out.push({ kpi: s.kpi, period: addDays(s.start, i), dims: s.dims, value: s.values[i]! });
    }
  }
  return out;
}
