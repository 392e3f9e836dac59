import { describe, expect, it } from 'vitest';
import { defineConfig, PlanConfigError } from '../../../shared/config/define-config.ts';
import { PlanConfigSchema } from '../../../shared/config/schema.ts';
import { type BaseConfig, baseConfig } from './base-config.ts';

/** The problems defineConfig reports for a configuration (fails the test if it passes). */
function problemsOf(config: BaseConfig): { path: string; message: string }[] {
  try {
    defineConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(PlanConfigError);
    return [...(error as PlanConfigError).problems];
  }
  throw new Error('expected the configuration to be rejected, but it was accepted');
}

interface InvalidCase {
  readonly name: string;
  readonly breakIt: (config: BaseConfig) => void;
  /** The path the problem must be reported at. */
  readonly path: string;
  /** Text the message must contain: what is wrong and how to fix it. */
  readonly says: readonly string[];
}

const cases: readonly InvalidCase[] = [
  {
    name: 'a report naming an unknown KPI suggests the closest one',
    breakIt: (c) => {
      c.reports[0]!.kpis[1] = 'gmw';
    },
    path: 'reports[0].kpis[1]',
    says: ['report "weekly-progress" names unknown KPI "gmw"', 'Did you mean "gmv"?'],
  },
  {
    name: 'a report naming a KPI far from any known one says where to declare it',
    breakIt: (c) => {
      c.reports[0]!.kpis.push('ebitda_margin');
    },
    path: 'reports[0].kpis[2]',
    says: ['unknown KPI "ebitda_margin"', 'declare it under kpis'],
  },
  {
    name: 'an unknown headline KPI',
    breakIt: (c) => {
      c.reports[0]!.headline = { kpi: 'sessons', range: 'MTD' };
    },
    path: 'reports[0].headline.kpi',
    says: ['unknown KPI "sessons"', 'Did you mean "sessions"?'],
  },
  {
    name: 'an unknown scorecard KPI',
    breakIt: (c) => {
      c.reports[0]!.scorecard = { kpis: ['gmv', 'conversion'] };
    },
    path: 'reports[0].scorecard.kpis[1]',
    says: ['unknown KPI "conversion"'],
  },
  {
    name: 'a ratio KPI without a denominator',
    breakIt: (c) => {
      delete c.kpis[3]!.denominator;
    },
    path: 'kpis[3].denominator',
    says: ['ratio KPI "conversion_rate" needs a denominator', 'id of a sum KPI'],
  },
  {
    name: 'a ratio KPI without a numerator',
    breakIt: (c) => {
      delete c.kpis[3]!.numerator;
    },
    path: 'kpis[3].numerator',
    says: ['needs a numerator'],
  },
  {
    name: 'a ratio KPI whose component is not declared',
    breakIt: (c) => {
      c.kpis[3]!.numerator = 'order';
    },
    path: 'kpis[3].numerator',
    says: ['unknown KPI "order"', 'Did you mean "orders"?'],
  },
  {
    name: 'a ratio KPI whose component is a snapshot KPI',
    breakIt: (c) => {
      c.kpis[3]!.numerator = 'repurchase_rate';
    },
    path: 'kpis[3].numerator',
    says: ['is a snapshot KPI', 'ratio components must be sum KPIs', 'point it at a sum KPI'],
  },
  {
    name: 'a ratio KPI whose component is another ratio',
    breakIt: (c) => {
      c.kpis[3]!.denominator = 'conversion_rate';
    },
    path: 'kpis[3].denominator',
    says: ['is a ratio KPI', 'must be sum KPIs'],
  },
  {
    name: 'a sum KPI with a numerator',
    breakIt: (c) => {
      c.kpis[0]!.numerator = 'orders';
    },
    path: 'kpis[0].aggregation',
    says: ["set aggregation: 'ratio' or remove numerator and denominator"],
  },
  {
    name: 'a cron with the wrong number of fields',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = 'cron(0 9 ? * MON)';
    },
    path: 'reports[0].schedule.cron',
    // The report's id, not just its position: admins know reports by id.
    says: ['report "weekly-progress"', 'has 5 field(s)', 'needs 6', 'cron(0 9 ? * MON *)'],
  },
  {
    name: 'a cron with "?" in both day fields',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = 'cron(0 9 ? * ? *)';
    },
    path: 'reports[0].schedule.cron',
    says: ['exactly one of day-of-month and day-of-week must be "?"'],
  },
  {
    name: 'a cron with "?" in neither day field',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = 'cron(0 9 * * MON *)';
    },
    path: 'reports[0].schedule.cron',
    says: ['exactly one of day-of-month and day-of-week must be "?"'],
  },
  {
    name: 'a cron with an out-of-range value',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = 'cron(0 24 ? * MON *)';
    },
    path: 'reports[0].schedule.cron',
    says: ['hours value 24 is out of range: use 0–23'],
  },
  {
    name: 'a Unix crontab not wrapped in cron()',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = '0 9 * * 1';
    },
    path: 'reports[0].schedule.cron',
    says: [
      'is not an EventBridge cron expression',
      'write it as cron(minutes hours day-of-month month day-of-week year)',
    ],
  },
  {
    name: 'a cron that never fires',
    breakIt: (c) => {
      c.reports[0]!.schedule.cron = 'cron(0 9 30 2 ? *)';
    },
    path: 'reports[0].schedule.cron',
    says: ['never fires', 'day-of-month 30 does not occur in month 2'],
  },
  {
    name: 'an unknown calendar time zone suggests the closest IANA name',
    breakIt: (c) => {
      c.calendar.timeZone = 'Asia/Shangai';
    },
    path: 'calendar.timeZone',
    says: ['"Asia/Shangai" is not an IANA time zone', 'Did you mean "Asia/Shanghai"?'],
  },
  {
    name: 'an unknown report time zone',
    breakIt: (c) => {
      c.reports[1]!.schedule.timeZone = 'China/Beijing';
    },
    path: 'reports[1].schedule.timeZone',
    says: ['report "category-weekly"', 'is not an IANA time zone', 'Asia/Shanghai'],
  },
  {
    name: 'a time zone spelled in the wrong case',
    breakIt: (c) => {
      c.calendar.timeZone = 'asia/shanghai';
    },
    path: 'calendar.timeZone',
    says: ['write "Asia/Shanghai"'],
  },
  {
    name: 'a UTC offset instead of a time zone',
    breakIt: (c) => {
      c.calendar.timeZone = '+08:00';
    },
    path: 'calendar.timeZone',
    says: ['Asia/Shanghai'],
  },
  {
    name: 'a duplicate KPI id',
    breakIt: (c) => {
      c.kpis.push({ ...structuredClone(c.kpis[1]!), name: { en: 'Orders again', zh: '订单' } });
    },
    path: 'kpis[6].id',
    says: ['duplicate id "orders"', 'another KPI already uses it', 'rename one of them'],
  },
  {
    name: 'a duplicate report id',
    breakIt: (c) => {
      c.reports[1]!.id = 'weekly-progress';
    },
    path: 'reports[1].id',
    says: ['duplicate report id "weekly-progress"', 'rename one of them'],
  },
  {
    name: 'a duplicate dimension id',
    breakIt: (c) => {
      c.dimensions[1]!.id = 'channel';
    },
    path: 'dimensions[1].id',
    says: ['duplicate id "channel"', 'another dimension already uses it'],
  },
  {
    name: 'a duplicate dimension value id',
    breakIt: (c) => {
      c.dimensions[0]!.values.push({ id: 'tmall', name: { en: 'Tmall 2', zh: '天猫二店' } });
    },
    path: 'dimensions[0].values[2].id',
    says: ['duplicate id "tmall"', 'value of dimension "channel"'],
  },
  {
    name: 'a value alias that already names another value',
    breakIt: (c) => {
      c.dimensions[0]!.values[1]!.aliases = ['天貓', '自营'];
    },
    path: 'dimensions[0].values[1].aliases[1]',
    says: [
      '"自营" already names value "self_operated" of dimension "channel"',
      'remove or change it on one of them',
    ],
  },
  {
    name: 'a KPI alias that already names another KPI (ignoring case and spacing)',
    breakIt: (c) => {
      c.kpis[1]!.aliases = ['Sales', ' 销售额 '];
    },
    path: 'kpis[1].aliases[1]',
    says: ['already names KPI "gmv"'],
  },
  {
    name: 'a KPI alias that names another KPI once read as simplified Chinese (as uploads are)',
    breakIt: (c) => {
      c.kpis[1]!.aliases = ['銷售額'];
    },
    path: 'kpis[1].aliases[0]',
    says: ['"銷售額" already names KPI "gmv"', 'remove or change it on one of them'],
  },
  {
    name: 'a scope on an undeclared dimension',
    breakIt: (c) => {
      c.reports[1]!.recipients[0]!.scope = { categroy: 'pets' };
    },
    path: 'reports[1].recipients[0].scope.categroy',
    says: ['scope on undeclared dimension "categroy"', 'Did you mean "category"?'],
  },
  {
    name: 'a scope on an undeclared value',
    breakIt: (c) => {
      c.reports[1]!.recipients[0]!.scope = { category: 'pet' };
    },
    path: 'reports[1].recipients[0].scope.category',
    says: ['scope category = pet names an undeclared value of "category"', 'Did you mean "pets"?'],
  },
  {
    name: 'a recipient outside the allowed domains',
    breakIt: (c) => {
      c.reports[0]!.recipients.push({ email: 'boss@gmail.com' });
    },
    path: 'reports[0].recipients[1].email',
    says: [
      'boss@gmail.com',
      'outside the allowed domains (example-shop.com)',
      'add its domain to email.allowedDomains',
    ],
  },
  {
    name: 'the same recipient twice with the same scope',
    breakIt: (c) => {
      c.reports[1]!.recipients.push({ email: 'Pets@example-shop.com', scope: { category: 'pets' } });
    },
    path: 'reports[1].recipients[1]',
    says: ['listed twice with the same scope', 'remove one'],
  },
  {
    name: 'a tolerance whose atRisk is larger than offTrack',
    breakIt: (c) => {
      c.kpis[5]!.tolerance = { atRisk: 0.15, offTrack: 0.05 };
    },
    path: 'kpis[5].tolerance.atRisk',
    says: ['atRisk (0.15) must not be larger than offTrack (0.05)', 'swap them'],
  },
  {
    name: 'an unknown phasing profile',
    breakIt: (c) => {
      c.kpis[0]!.phasing = 'promo_peak';
    },
    path: 'kpis[0].phasing',
    says: ['unknown phasing profile "promo_peak"', 'Did you mean "promo_peaks"?'],
  },
  {
    name: 'a phasing profile that redefines the built-in calendar_days',
    breakIt: (c) => {
      c.phasing.push({ id: 'calendar_days', months: { 1: 2 } });
    },
    path: 'phasing[1].id',
    says: ['"calendar_days" is built in'],
  },
  {
    name: 'a phasing day that is not a day of the year',
    breakIt: (c) => {
      c.phasing[0]!.days = { '02-30': 2 };
    },
    path: 'phasing[0].days.02-30',
    says: ['key "02-30" is not a day of the year', 'e.g. 06-18'],
  },
  {
    name: 'a phasing month that is not a month number',
    breakIt: (c) => {
      c.phasing[0]!.months = { 13: 1.2 };
    },
    path: 'phasing[0].months.13',
    says: ['key "13" must be a month number 1–12'],
  },
  {
    name: 'a month weighing zero',
    breakIt: (c) => {
      c.phasing[0]!.months = { 2: 0 };
    },
    path: 'phasing[0].months.2',
    says: ['month weights must be > 0'],
  },
  {
    name: 'an undeclared KPI owner',
    breakIt: (c) => {
      c.kpis[0]!.owner = 'operation';
    },
    path: 'kpis[0].owner',
    says: ['unknown owner "operation"', 'declare it under owners', 'Did you mean "operations"?'],
  },
  {
    name: 'a breakdown by an undeclared dimension',
    breakIt: (c) => {
      c.reports[0]!.breakdowns = ['channels'];
    },
    path: 'reports[0].breakdowns[0]',
    says: ['unknown dimension "channels"', 'Did you mean "channel"?'],
  },
  {
    name: 'a headline range the report does not show',
    breakIt: (c) => {
      c.reports[0]!.headline = { kpi: 'gmv', range: 'YTD' };
    },
    path: 'reports[0].headline.range',
    says: ['uses range YTD, which is not in its ranges (WTD, MTD)', 'add it to ranges'],
  },
  {
    name: 'an undeclared comparison target version',
    breakIt: (c) => {
      c.reports[0]!.compareVersion = 'reforecast';
    },
    path: 'reports[0].compareVersion',
    says: ['unknown target version "reforecast"', 'declare it under targetVersions'],
  },
  {
    name: 'a KPI listed twice in one report',
    breakIt: (c) => {
      c.reports[0]!.kpis.push('gmv');
    },
    path: 'reports[0].kpis[2]',
    says: ['KPI "gmv" is listed twice'],
  },
  {
    name: 'a misspelt KPI field (which would otherwise be silently ignored)',
    breakIt: (c) => {
      const { tolerance, ...rest } = c.kpis[5]!;
      c.kpis[5] = { ...rest, tolerence: tolerance } as typeof rest;
    },
    path: 'kpis[5].tolerence',
    says: ['unknown field "tolerence"', 'did you mean "tolerance"?'],
  },
  {
    name: 'a cut-short calendar field',
    breakIt: (c) => {
      Object.assign(c.calendar, { fiscalYearStart: 4 });
    },
    path: 'calendar.fiscalYearStart',
    says: ['did you mean "fiscalYearStartMonth"?'],
  },
  {
    name: 'a field that resembles nothing, listing the allowed ones',
    breakIt: (c) => {
      Object.assign(c.reports[1]!.recipients[0]!, { cc: 'x@example-shop.com' });
    },
    path: 'reports[1].recipients[0].cc',
    says: ['unknown field "cc"', 'fix its spelling or remove it (allowed: email, name, scope)'],
  },
  {
    name: 'a report id that is not kebab-case',
    breakIt: (c) => {
      c.reports[0]!.id = 'weekly_progress';
    },
    path: 'reports[0].id',
    says: ['kebab-case'],
  },
];

describe('PlanConfigSchema', () => {
  it('accepts the base configuration the invalid variants are built from', () => {
    expect(PlanConfigSchema.safeParse(baseConfig()).success).toBe(true);
  });

  it.each(cases)('rejects $name at $path', ({ breakIt, path, says }) => {
    const config = baseConfig();
    breakIt(config);
    const problems = problemsOf(config);
    const problem = problems.find((p) => p.path === path);
    expect(problem, `no problem at ${path}; got ${JSON.stringify(problems)}`).toBeDefined();
    for (const text of says) expect(problem!.message).toContain(text);
  });

  it('lists every problem at once, each line naming its path', () => {
    const config = baseConfig();
    config.reports[0]!.kpis[1] = 'gmw';
    config.calendar.timeZone = 'Mars/Olympus';
    let error: unknown;
    try {
      defineConfig(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid plan configuration \(2 problem\(s\)\):/);
    expect(message).toContain('  - reports[0].kpis[1]: report "weekly-progress" names unknown KPI "gmw"');
    expect(message).toContain('  - calendar.timeZone: "Mars/Olympus" is not an IANA time zone');
  });

  it('fills in the documented defaults', () => {
    const config = baseConfig();
    delete config.kpis[1]!.tolerance;
    const parsed = defineConfig(config);
    const orders = parsed.kpis[1]!;
    expect(orders.tolerance).toEqual({ atRisk: 0.02, offTrack: 0.1 });
    expect(orders).toMatchObject({ weight: 1, phasing: 'calendar_days', currency: 'CNY', aliases: [] });
    expect(parsed.targetVersions.map((v) => v.id)).toEqual(['budget']);
    expect(parsed.reports[0]).toMatchObject({
      language: 'zh',
      targetVersion: 'budget',
      whenNoNewData: 'send',
    });
    expect(parsed.calendar.graceDays).toBe(0);
  });

  it('gives the same result when an already validated configuration is validated again', () => {
    const once = defineConfig(baseConfig());
    expect(defineConfig(once)).toEqual(once);
  });
});
