import { describe, expect, it } from 'vitest';
import { ReportScheduleError } from '../../infra/constructs/report-schedules.ts';
import { PlanConfigError } from '../../shared/config/define-config.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import { buildStack, configInput, report, testConfig } from './support/stack.ts';

const resourcesOf = (config: PlanConfig) =>
  buildStack({ config }).template.toJSON().Resources as Record<string, { Type: string }>;

const base = [report('weekly-progress'), report('monthly-close', 'cron(0 8 2 * ? *)', 'UTC')];

describe('logical ids', () => {
  it('adding a report adds exactly one schedule and keeps every other logical id', () => {
    const before = resourcesOf(testConfig(base));
    const after = resourcesOf(testConfig([...base, report('daily-flash', 'cron(0 7 * * ? *)')]));
    const added = Object.keys(after).filter((id) => !(id in before));
    const removed = Object.keys(before).filter((id) => !(id in after));
    expect(removed).toEqual([]);
    expect(added).toHaveLength(1);
    expect(after[added[0]!]!.Type).toBe('AWS::Scheduler::Schedule');
    // Nothing else changes either: every shared resource renders identically.
    for (const id of Object.keys(before)) expect(after[id], id).toEqual(before[id]);
  });

  it('inserting a report in the middle changes no other resource', () => {
    const before = resourcesOf(testConfig(base));
    const after = resourcesOf(testConfig([base[0]!, report('mid-week', 'cron(0 9 ? * WED *)'), base[1]!]));
    const added = Object.keys(after).filter((id) => !(id in before));
    expect(added).toHaveLength(1);
    for (const id of Object.keys(before)) expect(after[id], id).toEqual(before[id]);
  });

  it('reordering reports changes nothing in the template', () => {
    const forward = resourcesOf(testConfig(base));
    const reversed = resourcesOf(testConfig([...base].reverse()));
    expect(reversed).toEqual(forward);
  });
});

describe('invalid schedules fail synthesis naming the report', () => {
  const bad = (cron: string, timeZone?: string) =>
    [report('weekly-progress'), report('broken-report', cron, timeZone)] as const;

  it('rejects an invalid cron through the configuration check', () => {
    expect(() => testConfig([...bad('cron(0 9 * * MON *)')])).toThrow(PlanConfigError);
  });

  it('rejects an invalid cron in a raw configuration that skipped the check', () => {
    const raw = { ...testConfig([report('weekly-progress')]) };
    raw.reports = [
      ...raw.reports,
      { ...raw.reports[0]!, id: 'broken-report', schedule: { cron: 'cron(61 9 ? * MON *)', enabled: true } },
    ];
    expect(() => buildStack({ config: raw })).toThrow(ReportScheduleError);
    expect(() => buildStack({ config: raw })).toThrow(/broken-report/);
    expect(() => buildStack({ config: raw })).toThrow(/cron/);
  });

  it('rejects an unknown time zone in a raw configuration, naming the report', () => {
    const raw = { ...testConfig([report('weekly-progress')]) };
    raw.reports = [
      ...raw.reports,
      {
        ...raw.reports[0]!,
        id: 'broken-report',
        schedule: { cron: 'cron(0 9 ? * MON *)', timeZone: 'Asia/Shanghi', enabled: true },
      },
    ];
    expect(() => buildStack({ config: raw })).toThrow(/report "broken-report".*Asia\/Shanghi/s);
  });

  it('rejects a bad time zone through the configuration check too', () => {
    expect(() => testConfig([...bad('cron(0 9 ? * MON *)', 'Mars/Olympus')])).toThrow(/Mars\/Olympus/);
  });

  it('accepts the same reports when the schedule is valid', () => {
    expect(() =>
      buildStack({ config: testConfig([...bad('cron(0 9 ? * MON *)', 'Asia/Tokyo')]) }),
    ).not.toThrow();
  });

  it('sanity: the raw input helper is itself valid', () => {
    expect(configInput([report('x')]).reports).toHaveLength(1);
  });
});
