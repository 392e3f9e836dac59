/**
 * Phasing (spec §3): spreading a coarse `sum` target over its days, t_d = V · w_d / Σ_{d∈P} w_d.
 */
import { daysInMonth, fromEpochDay, toEpochDay } from './calendar.ts';
import type { DateRange, PhasingProfile } from './types.ts';

/** The built-in profile: every day weighs the same. */
export const CALENDAR_DAYS: PhasingProfile = { id: 'calendar_days' };

/**
 * Weight of one day under a profile (see {@link PhasingProfile}): the month's weight spread
 * over its days in proportion to the day weights. Decisions where the contract is silent:
 * - `calendar_days`, and any profile with neither `months` nor `days`, weighs every day 1.
 * - A profile WITHOUT a `months` table weighs each month by its number of days (so a
 *   day-only profile such as "Double 11 = 5" keeps calendar-day shares between months);
 *   a profile WITH a `months` table weighs a missing month 1, as documented.
 */
export function dayWeight(profile: PhasingProfile, date: string): number {
  const months = profile.months;
  const days = profile.days;
  if (!months && !days) return 1;
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const monthLength = daysInMonth(year, month);
  const monthWeight = months ? (months[month] ?? 1) : monthLength;
  if (!days) return monthWeight / monthLength;
  const mm = date.slice(5, 7);
  let total = 0;
  for (let d = 1; d <= monthLength; d++) total += days[`${mm}-${d < 10 ? `0${d}` : d}`] ?? 1;
  const own = days[date.slice(5, 10)] ?? 1;
  return total > 0 ? (monthWeight * own) / total : 0;
}

/**
 * Daily targets of a period target V: one number per day of `period` (in order). When every
 * weight is 0 (a profile that zeroes the whole period) the target is spread equally instead,
 * so the period's target is never lost.
 */
export function phaseTarget(
  value: number,
  period: DateRange,
  profile: PhasingProfile = CALENDAR_DAYS,
): number[] {
  const first = toEpochDay(period.start);
  const last = toEpochDay(period.end);
  const weights: number[] = [];
  let total = 0;
  for (let n = first; n <= last; n++) {
    const w = dayWeight(profile, fromEpochDay(n));
    weights.push(w);
    total += w;
  }
  if (!(total > 0)) return weights.map(() => value / weights.length);
  // Each day's share first: value · w could underflow to 0 for tiny (subnormal) weights and
  // lose the whole period's target, while w / total stays a share of 1.
  return weights.map((w) => value * (w / total));
}
