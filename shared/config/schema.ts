/**
 * The plan configuration: one file (`plan.config.ts`) that admins edit and deploy. This
 * schema checks each field, then cross-checks references (a report naming an unknown KPI,
 * a ratio KPI whose components are not `sum` KPIs, …) so that a mistake fails `cdk synth`,
 * `npm test` and every CLI command with a message naming the path and the fix.
 */
import awsCronParser from 'aws-cron-parser';
import * as z from 'zod';
import { dimsKey } from '../domain/engine.ts';
import { closestMatch } from '../domain/suggest.ts';
import { namesOf } from './aliases.ts';
import { foldName } from './fold-name.ts';

const ID = /^[a-z][a-z0-9_]*$/;
const idSchema = z
  .string()
  .regex(ID, 'must be snake_case: lower-case letters, digits and underscores, starting with a letter');
const kebabIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be kebab-case: lower-case letters, digits and hyphens')
  // Report ids name EventBridge schedules, which allow 64 characters with the group prefix.
  .max(40, 'keep report ids to 40 characters: they name the EventBridge schedules');
const emailSchema = z.email('must be an email address such as ops@example.com');

export const LocalizedTextSchema = z.strictObject({
  en: z.string().min(1, 'give the English name'),
  zh: z.string().min(1, 'give the Chinese name'),
});

export const DEFAULT_TOLERANCE = { atRisk: 0.02, offTrack: 0.1 } as const;

/** Shortfalls (fractions of target) at which a KPI turns `at_risk` and then `off_track`. */
export const ToleranceSchema = z
  .strictObject({
    atRisk: z.number().min(0, 'must be ≥ 0 (a fraction of target: 0.02 = 2 %)'),
    offTrack: z.number().min(0, 'must be ≥ 0 (a fraction of target: 0.10 = 10 %)'),
  })
  .superRefine((t, ctx) => {
    if (t.atRisk > t.offTrack) {
      ctx.addIssue({
        code: 'custom',
        path: ['atRisk'],
        message: `atRisk (${t.atRisk}) must not be larger than offTrack (${t.offTrack}): atRisk is the smaller shortfall — swap them, e.g. { atRisk: 0.02, offTrack: 0.10 }`,
      });
    }
  });

export const KpiSchema = z.strictObject({
  id: idSchema,
  name: LocalizedTextSchema,
  unit: z.enum(['currency', 'count', 'percent', 'number', 'minutes', 'days']),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
    .default('CNY'),
  aggregation: z.enum(['sum', 'ratio', 'snapshot']),
  numerator: idSchema.optional(),
  denominator: idSchema.optional(),
  direction: z.enum(['higher_is_better', 'lower_is_better', 'closer_is_better']),
  tolerance: ToleranceSchema.default({ ...DEFAULT_TOLERANCE }),
  weight: z.number().positive().default(1),
  benchmark: z.number().optional(),
  phasing: idSchema.default('calendar_days'),
  owner: idSchema.optional(),
  aliases: z.array(z.string().min(1)).default([]),
  /**
   * Values the KPI can take, inclusive: a value outside is a data-quality finding in reports
   * and a row error at upload. For a ratio KPI the bounds hold for the ratio of its components
   * per period and dimension values ({ min: 0, max: 1 }: the numerator never exceeds the
   * denominator). Percent KPIs are fractions (100 % = 1).
   */
  bounds: z
    .strictObject({ min: z.number().optional(), max: z.number().optional() })
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
      message: 'min must not be larger than max: swap them, e.g. { min: 0, max: 1 }',
    })
    .optional(),
});
export type KpiConfig = z.infer<typeof KpiSchema>;

const MonthDaySchema = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD, e.g. 11-11');

const DAYS_IN_MONTH_MAX = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Spreads a coarse target over its days (spec §3): a month weight is the month's share of a
 * quarter or year target; a day weight makes a day heavier than the other days of its own
 * month (e.g. `'11-11': 5`). Missing months and days weigh 1. Month weights must be > 0 so
 * that every month's own target can still be spread over its days.
 */
export const PhasingProfileSchema = z.strictObject({
  id: idSchema,
  name: LocalizedTextSchema.optional(),
  months: z
    .record(
      z.string().regex(/^(?:[1-9]|1[0-2])$/, 'must be a month number 1–12 (1 = January), e.g. { 11: 1.6 }'),
      z.number().positive('month weights must be > 0: a month weighing 0 could not hold its own target'),
    )
    .optional(),
  days: z
    .record(
      MonthDaySchema.refine((md) => {
        const [month, day] = md.split('-').map(Number);
        return day! <= DAYS_IN_MONTH_MAX[month! - 1]!;
      }, 'is not a day of the year: check the month and day, e.g. 06-18 or 11-11'),
      z.number().nonnegative('day weights must be ≥ 0'),
    )
    .optional(),
});
export type PhasingProfileConfig = z.infer<typeof PhasingProfileSchema>;

export const DimensionValueSchema = z.strictObject({
  id: idSchema,
  name: LocalizedTextSchema,
  /** Other spellings uploaders use for this value (`天猫`, `天貓`, `Tmall`). */
  aliases: z.array(z.string().min(1)).default([]),
  /** Owner (an id under owners) answering for this value, e.g. a category manager's team. */
  owner: idSchema.optional(),
});
export type DimensionValueConfig = z.infer<typeof DimensionValueSchema>;

export const DimensionSchema = z.strictObject({
  id: idSchema,
  name: LocalizedTextSchema,
  aliases: z.array(z.string().min(1)).default([]),
  values: z.array(DimensionValueSchema).min(1, 'declare at least one allowed value'),
});
export type DimensionConfig = z.infer<typeof DimensionSchema>;

export const TargetVersionSchema = z.strictObject({
  id: idSchema,
  name: LocalizedTextSchema,
  description: z.string().optional(),
});
export type TargetVersionConfig = z.infer<typeof TargetVersionSchema>;

export const OwnerSchema = z.strictObject({ id: idSchema, name: LocalizedTextSchema });
export type OwnerConfig = z.infer<typeof OwnerSchema>;

/** `dimension=value` pairs a recipient's report is restricted to. */
export const ScopeSchema = z.record(idSchema, idSchema);

export const RecipientSchema = z.strictObject({
  email: emailSchema,
  name: z.string().optional(),
  /** Restricts this recipient's copy to these dimension values, e.g. `{ category: 'pets' }`. */
  scope: ScopeSchema.optional(),
});
export type Recipient = z.infer<typeof RecipientSchema>;

export const RANGE_KINDS = ['WTD', 'MTD', 'QTD', 'YTD', 'LAST_WEEK', 'LAST_MONTH', 'LAST_QUARTER'] as const;
export const RangeKindSchema = z.enum(RANGE_KINDS);

/**
 * How a run's asOf follows from the time the schedule fired (in the report's time zone):
 * the last day of the last complete ISO week / month / fiscal quarter, or the day before.
 */
export const AsOfRuleSchema = z.enum([
  'last_complete_week',
  'last_complete_month',
  'last_complete_quarter',
  'previous_day',
]);
export type AsOfRule = z.infer<typeof AsOfRuleSchema>;

/** EventBridge Scheduler cron: `cron(min hour day-of-month month day-of-week year)`. */
export const CronSchema = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names usable instead of numbers, mapped to their number. */
  readonly names?: Readonly<Record<string, number>>;
  /** Allows EventBridge's L / W forms (day-of-month) or L / # forms (day-of-week). */
  readonly special?: 'day-of-month' | 'day-of-week';
}

const MONTH_NAMES = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
// EventBridge counts the week from Sunday = 1 (not the ISO Monday = 1).
const WEEKDAY_NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: 'day-of-month' },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAY_NAMES, special: 'day-of-week' },
  { name: 'year', min: 1970, max: 2199 },
];
const CRON_EXAMPLE =
  'e.g. cron(0 9 ? * MON *) for Mondays 09:00 or cron(0 9 1 * ? *) for the 1st of each month';

/** One value of a field: a number in range or a name; returns the number or a problem. */
function cronValue(token: string, field: CronField): number | string {
  const named = field.names?.[token.toUpperCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(token)) {
    const names = field.names ? ` or one of ${Object.keys(field.names).join(', ')}` : '';
    return `${field.name} value "${token}" is not a number ${field.min}–${field.max}${names}`;
  }
  const n = Number(token);
  if (n < field.min || n > field.max) {
    return `${field.name} value ${n} is out of range: use ${field.min}–${field.max}`;
  }
  return n;
}

/**
 * EventBridge's special forms: day-of-month `L` (last day), `LW` (last weekday), `L-3`,
 * `15W` (weekday nearest the 15th); day-of-week `L`, `6L` (last Friday), `2#1` (first
 * Monday). `'special'` when valid, a problem, or `null` when `text` is no special form.
 */
function cronSpecial(text: string, field: CronField): 'special' | string | null {
  const check = (token: string, within: CronField = field): string | null => {
    const value = cronValue(token, within);
    return typeof value === 'string' ? value : null;
  };
  if (field.special === 'day-of-month') {
    if (text === 'L' || text === 'LW') return 'special';
    const offset = /^L-(\d+)$/.exec(text);
    if (offset) return check(offset[1]!, { ...field, name: 'day-of-month offset', max: 30 }) ?? 'special';
    const weekday = /^(\d+)W$/.exec(text);
    if (weekday) return check(weekday[1]!) ?? 'special';
  }
  if (field.special === 'day-of-week') {
    if (text === 'L') return 'special';
    const last = /^([0-9A-Z]+)L$/.exec(text);
    if (last) return check(last[1]!) ?? 'special';
    const nth = /^([0-9A-Z]+)#(\d+)$/.exec(text);
    if (nth) {
      const occurrence: CronField = { name: 'day-of-week occurrence (#)', min: 1, max: 5 };
      return check(nth[1]!) ?? check(nth[2]!, occurrence) ?? 'special';
    }
  }
  return null;
}

/** The numbers a plain field allows (`*`, lists, ranges, steps), or a problem. */
function cronFieldValues(text: string, field: CronField): number[] | 'special' | string {
  if (text === '?') return 'special';
  const special = cronSpecial(text.toUpperCase(), field);
  if (special !== null) return special;
  const values: number[] = [];
  for (const item of text.split(',')) {
    const [rangeText = '', stepText, extra] = item.split('/');
    if (extra !== undefined || item === '') return `${field.name} "${text}" is malformed`;
    let from = field.min;
    let to = field.max;
    if (rangeText !== '*') {
      const [a = '', b, more] = rangeText.split('-');
      if (more !== undefined) return `${field.name} range "${rangeText}" is malformed`;
      const start = cronValue(a, field);
      if (typeof start === 'string') return start;
      from = start;
      to = stepText === undefined ? start : field.max;
      if (b !== undefined) {
        const end = cronValue(b, field);
        if (typeof end === 'string') return end;
        if (end < start)
          return `${field.name} range ${rangeText} runs backwards: write the smaller value first`;
        to = end;
      }
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        return `${field.name} step "/${stepText}" must be a positive whole number`;
      }
      step = Number(stepText);
    }
    for (let v = from; v <= to; v += step) values.push(v);
  }
  return values;
}

const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why an EventBridge Scheduler cron expression is invalid, or `null` when it is valid:
 * the `cron(...)` wrapper, six fields, exactly one `?` in day-of-month / day-of-week, every
 * value in range, and at least one real date (no `cron(0 9 31 2 ? *)`).
 */
export function cronProblem(expression: string): string | null {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    const bare = expression.trim().split(/\s+/).length;
    const hint = bare === 5 ? ' (a 5-field Unix crontab needs a year field and a "?" as well)' : '';
    return `"${expression}" is not an EventBridge cron expression${hint}: write it as cron(minutes hours day-of-month month day-of-week year), ${CRON_EXAMPLE}`;
  }
  const fields = match[1]!
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length !== 6) {
    return `"${expression}" has ${fields.length} field(s); EventBridge cron needs 6 (minutes hours day-of-month month day-of-week year), ${CRON_EXAMPLE}`;
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return `"${expression}": exactly one of day-of-month and day-of-week must be "?", ${CRON_EXAMPLE}`;
  }
  const allowed: (number[] | 'special')[] = [];
  for (const [i, field] of CRON_FIELDS.entries()) {
    const text = fields[i]!;
    if (text === '?' && i !== 2 && i !== 4) {
      return `"${expression}": "?" is only allowed in day-of-month or day-of-week, not in ${field.name}`;
    }
    const values = cronFieldValues(text, field);
    if (typeof values === 'string' && values !== 'special')
      return `"${expression}": ${values}. ${CRON_EXAMPLE}`;
    allowed.push(values);
  }
  const [, , days, months] = allowed;
  if (Array.isArray(days) && Array.isArray(months)) {
    const fires = months.some((m) => days.some((d) => d <= MAX_DAYS_IN_MONTH[m - 1]!));
    if (!fires) {
      return `"${expression}" never fires: day-of-month ${fields[2]} does not occur in month ${fields[3]}`;
    }
  }
  try {
    // A second opinion from the parser the scheduler tests use.
    awsCronParser.parse(fields.join(' '));
  } catch (error) {
    return `"${expression}" is not a valid cron expression (${(error as Error).message}). ${CRON_EXAMPLE}`;
  }
  return null;
}

/**
 * Why a time zone is not usable by EventBridge Scheduler, or `null`: it must be an IANA
 * name spelled exactly (Scheduler is case-sensitive), not a UTC offset.
 */
export function timeZoneProblem(timeZone: string): string | null {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    const close = closestMatch(timeZone, knownTimeZones());
    const hint = close ? ` Did you mean "${close}"?` : '';
    return `"${timeZone}" is not an IANA time zone: use a name such as Asia/Shanghai.${hint}`;
  }
  if (/^[+-]/.test(timeZone)) {
    return `"${timeZone}" is a UTC offset, not an IANA time zone: use a name such as Asia/Shanghai`;
  }
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase()) {
    return `"${timeZone}" must be spelled exactly: write "${resolved}"`;
  }
  return null;
}

function knownTimeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['Asia/Shanghai', 'UTC'];
}

export const TimeZoneSchema = z.string().superRefine((value, ctx) => {
  const problem = timeZoneProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const ReportSchema = z.strictObject({
  id: kebabIdSchema,
  name: LocalizedTextSchema,
  description: z.string().optional(),
  schedule: z.strictObject({
    cron: CronSchema,
    /** Defaults to the calendar's business time zone. */
    timeZone: TimeZoneSchema.optional(),
    /** Turn a schedule off without deleting the report. */
    enabled: z.boolean().default(true),
  }),
  asOfRule: AsOfRuleSchema,
  ranges: z.array(RangeKindSchema).min(1, 'show at least one range, e.g. ["WTD", "MTD", "YTD"]'),
  /** KPIs in display order. */
  kpis: z.array(idSchema).min(1, 'list at least one KPI id'),
  /**
   * Breakdown sheets: a dimension id (one row per value), or two ids for a two-dimension
   * breakdown (one row per pair of values, e.g. ['channel', 'category']).
   */
  breakdowns: z.array(z.union([idSchema, z.tuple([idSchema, idSchema])])).default([]),
  /** Range of the breakdown sheets; defaults to the first range. */
  breakdownRange: RangeKindSchema.optional(),
  trend: z.enum(['week', 'month']).default('week'),
  scorecard: z
    .strictObject({
      range: RangeKindSchema.optional(),
      cap: z.number().positive().default(1.2),
      /** Defaults to the report's KPIs. */
      kpis: z.array(idSchema).optional(),
    })
    .default({ cap: 1.2 }),
  headline: z.strictObject({ kpi: idSchema, range: RangeKindSchema }).optional(),
  /**
   * The ranges the report opens with for its headline KPI, in reading order. Default: the
   * period its asOfRule reports on, then the coarser to-date ranges (weekly: LAST_WEEK, MTD,
   * YTD; monthly: LAST_MONTH, YTD; quarterly: LAST_QUARTER, YTD; daily: WTD, MTD, YTD).
   * They need not be among `ranges`. Each is also compared with the period before and the
   * same period last year.
   */
  lead: z
    .array(RangeKindSchema)
    .min(1, 'lead with at least one range, e.g. ["LAST_WEEK", "MTD", "YTD"]')
    .optional(),
  includeMilestones: z.boolean().default(true),
  language: z.enum(['zh', 'en']).default('zh'),
  targetVersion: idSchema.default('budget'),
  compareVersion: idSchema.optional(),
  recipients: z.array(RecipientSchema).min(1, 'add at least one recipient'),
  attachment: z
    .strictObject({
      /** Above this many raw bytes the email carries a link instead of the workbook. */
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(30 * 1024 * 1024, 'SES takes 40 MB after base64: keep maxBytes ≤ 30 MB')
        .default(7 * 1024 * 1024),
      /**
       * Days the emailed download link works (each open gives a fresh download until then).
       * The stack refuses a value longer than a stage keeps archived reports.
       */
      linkDays: z.number().int().min(1).max(365, 'keep linkDays ≤ 365').default(30),
    })
    .default({ maxBytes: 7 * 1024 * 1024, linkDays: 30 }),
  /** When no fact arrived since the last sent run: send anyway, send a short note, or skip. */
  whenNoNewData: z.enum(['send', 'note', 'skip']).default('send'),
});
export type ReportConfig = z.infer<typeof ReportSchema>;

export const PlanConfigSchema = z
  .strictObject({
    /** Shown in every report's About sheet; bump it when you change the plan. */
    version: z.string().min(1),
    company: LocalizedTextSchema,
    calendar: z.strictObject({
      timeZone: TimeZoneSchema.default('Asia/Shanghai'),
      fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
      /** Fiscal years uploads may hold dates in, e.g. ["FY2026", "FY2027"]. */
      fiscalYears: z
        .array(z.string().regex(/^FY\d{4}$/, 'must look like FY2026'))
        .min(1, 'list the fiscal years uploads may cover, e.g. ["FY2026"]'),
      /** A KPI is stale when its data ends more than this many days before asOf. */
      graceDays: z.number().int().min(0).default(0),
    }),
    dimensions: z.array(DimensionSchema),
    kpis: z.array(KpiSchema).min(1),
    reports: z.array(ReportSchema).min(1),
    phasing: z.array(PhasingProfileSchema).default([]),
    targetVersions: z
      .array(TargetVersionSchema)
      .default([{ id: 'budget', name: { en: 'Budget', zh: '预算' } }]),
    owners: z.array(OwnerSchema).default([]),
    email: z.strictObject({
      from: emailSchema,
      /** Recipients must be in one of these domains: a typo cannot mail the plan outside. */
      allowedDomains: z.array(z.string().min(3)).min(1),
      replyTo: emailSchema.optional(),
    }),
    contacts: z.strictObject({
      /** Receives alarms; named in report emails and link pages as whom to ask for an expired link. */
      operators: emailSchema,
      /** Who hears about a rejected upload when the object names no uploader. */
      uploads: z.strictObject({ actuals: emailSchema, targets: emailSchema, milestones: emailSchema }),
    }),
    ingest: z
      .strictObject({
        maxFileBytes: z
          .number()
          .int()
          .positive()
          .default(100 * 1024 * 1024),
        maxRows: z.number().int().positive().default(2_000_000),
      })
      .default({ maxFileBytes: 100 * 1024 * 1024, maxRows: 2_000_000 }),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const suggest = (value: string, known: Iterable<string>) => {
      const options = [...known];
      const close = closestMatch(value, options);
      if (close) return ` Did you mean "${close}"?`;
      return options.length ? ` Known: ${options.join(', ')}.` : '';
    };

    const duplicates = (items: readonly { id: string }[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id)) {
          issue(
            [...path, i, 'id'],
            `duplicate id "${item.id}": another ${what} already uses it — rename one of them`,
          );
        }
        seen.add(item.id);
      });
    };
    duplicates(config.kpis, ['kpis'], 'KPI');
    duplicates(config.dimensions, ['dimensions'], 'dimension');
    duplicates(config.phasing, ['phasing'], 'phasing profile');
    duplicates(config.targetVersions, ['targetVersions'], 'target version');
    duplicates(config.owners, ['owners'], 'owner');
    config.dimensions.forEach((dimension, d) => {
      duplicates(dimension.values, ['dimensions', d, 'values'], `value of dimension "${dimension.id}"`);
    });
    config.phasing.forEach((profile, p) => {
      if (profile.id === 'calendar_days') {
        issue(
          ['phasing', p, 'id'],
          '"calendar_days" is built in (equal weight per day): give this profile another id',
        );
      }
    });

    // An uploaded name (KPI name, column header, dimension value) must point to one thing
    // only, or the same file could load differently after an unrelated config edit.
    const ambiguousNames = (
      items: readonly { id: string; name: { en: string; zh: string }; aliases: string[] }[],
      path: (string | number)[],
      describe: (id: string) => string,
    ) => {
      const owner = new Map<string, string>();
      items.forEach((item, i) => {
        const mine = new Set<string>();
        namesOf(item).forEach((name, n) => {
          const key = foldName(name);
          if (!key || mine.has(key)) return;
          mine.add(key);
          const other = owner.get(key);
          if (other === item.id) return; // a duplicate id, reported above
          if (other !== undefined) {
            const at =
              n === 0 ? ['id'] : n === 1 ? ['name', 'en'] : n === 2 ? ['name', 'zh'] : ['aliases', n - 3];
            issue(
              [...path, i, ...at],
              `"${name}" already names ${describe(other)}, so uploads could not tell it from ${describe(item.id)}: remove or change it on one of them`,
            );
          } else {
            owner.set(key, item.id);
          }
        });
      });
    };
    ambiguousNames(config.kpis, ['kpis'], (id) => `KPI "${id}"`);
    ambiguousNames(config.dimensions, ['dimensions'], (id) => `dimension "${id}"`);
    config.dimensions.forEach((dimension, d) => {
      ambiguousNames(
        dimension.values,
        ['dimensions', d, 'values'],
        (id) => `value "${id}" of dimension "${dimension.id}"`,
      );
    });

    const kpis = new Map(config.kpis.map((k) => [k.id, k]));
    const phasingIds = new Set(['calendar_days', ...config.phasing.map((p) => p.id)]);
    const dimensions = new Map(config.dimensions.map((d) => [d.id, new Set(d.values.map((v) => v.id))]));
    const versions = new Set(config.targetVersions.map((v) => v.id));
    const owners = new Set(config.owners.map((o) => o.id));
    config.dimensions.forEach((dimension, d) => {
      dimension.values.forEach((value, v) => {
        if (value.owner && owners.size > 0 && !owners.has(value.owner)) {
          issue(
            ['dimensions', d, 'values', v, 'owner'],
            `unknown owner "${value.owner}": declare it under owners.${suggest(value.owner, owners)}`,
          );
        }
      });
    });

    config.kpis.forEach((kpi, i) => {
      if (kpi.aggregation === 'ratio') {
        for (const part of ['numerator', 'denominator'] as const) {
          const ref = kpi[part];
          if (!ref) {
            issue(
              ['kpis', i, part],
              `ratio KPI "${kpi.id}" needs a ${part}: set ${part} to the id of a sum KPI (e.g. conversion_rate = orders ÷ sessions)`,
            );
          } else if (!kpis.has(ref)) {
            issue(
              ['kpis', i, part],
              `unknown KPI "${ref}" as ${part} of "${kpi.id}": declare it under kpis or fix the id.${suggest(ref, kpis.keys())}`,
            );
          } else if (kpis.get(ref)!.aggregation !== 'sum') {
            issue(
              ['kpis', i, part],
              `${part} "${ref}" of ratio KPI "${kpi.id}" is a ${kpis.get(ref)!.aggregation} KPI; ratio components must be sum KPIs (a ratio is recomputed from summed parts): point it at a sum KPI`,
            );
          }
        }
      } else if (kpi.numerator || kpi.denominator) {
        issue(
          ['kpis', i, 'aggregation'],
          `"${kpi.id}" has a numerator/denominator but is a ${kpi.aggregation} KPI: set aggregation: 'ratio' or remove numerator and denominator`,
        );
      }
      if (!phasingIds.has(kpi.phasing)) {
        issue(
          ['kpis', i, 'phasing'],
          `unknown phasing profile "${kpi.phasing}": declare it under phasing or use calendar_days.${suggest(kpi.phasing, phasingIds)}`,
        );
      }
      if (kpi.owner && owners.size > 0 && !owners.has(kpi.owner)) {
        issue(
          ['kpis', i, 'owner'],
          `unknown owner "${kpi.owner}": declare it under owners.${suggest(kpi.owner, owners)}`,
        );
      }
    });

    const domains = config.email.allowedDomains.map((d) => d.toLowerCase());
    const reportIds = new Set<string>();
    config.reports.forEach((report, r) => {
      const at = (...rest: (string | number)[]) => ['reports', r, ...rest];
      if (reportIds.has(report.id)) {
        issue(
          at('id'),
          `duplicate report id "${report.id}": another report already uses it — rename one of them`,
        );
      }
      reportIds.add(report.id);
      const checkKpi = (id: string, path: (string | number)[]) => {
        if (!kpis.has(id))
          issue(
            path,
            `report "${report.id}" names unknown KPI "${id}": declare it under kpis or fix the id.${suggest(id, kpis.keys())}`,
          );
      };
      const twice = (items: readonly string[], path: string, what: string) => {
        items.forEach((item, n) => {
          if (items.indexOf(item) !== n) issue(at(path, n), `${what} "${item}" is listed twice: remove one`);
        });
      };
      report.kpis.forEach((id, k) => {
        checkKpi(id, at('kpis', k));
      });
      twice(report.kpis, 'kpis', 'KPI');
      twice(report.ranges, 'ranges', 'range');
      twice(
        report.breakdowns.map((b) => (typeof b === 'string' ? b : b.join(' × '))),
        'breakdowns',
        'breakdown',
      );
      report.scorecard.kpis?.forEach((id, k) => {
        checkKpi(id, at('scorecard', 'kpis', k));
      });
      if (report.headline) checkKpi(report.headline.kpi, at('headline', 'kpi'));
      report.breakdowns.forEach((breakdown, b) => {
        const dims = typeof breakdown === 'string' ? [breakdown] : breakdown;
        dims.forEach((dim, n) => {
          const path = typeof breakdown === 'string' ? at('breakdowns', b) : at('breakdowns', b, n);
          if (!dimensions.has(dim)) {
            issue(
              path,
              `report "${report.id}" breaks down by unknown dimension "${dim}": declare it under dimensions or fix the id.${suggest(dim, dimensions.keys())}`,
            );
          }
        });
        if (dims.length === 2 && dims[0] === dims[1]) {
          issue(
            at('breakdowns', b),
            `a two-dimension breakdown needs two different dimensions, not "${dims[0]}" twice: e.g. ['channel', 'category']`,
          );
        }
      });
      for (const field of ['targetVersion', 'compareVersion'] as const) {
        const version = report[field];
        if (version && !versions.has(version)) {
          issue(
            at(field),
            `report "${report.id}" uses unknown target version "${version}": declare it under targetVersions.${suggest(version, versions)}`,
          );
        }
      }
      if (report.compareVersion && report.compareVersion === report.targetVersion) {
        issue(
          at('compareVersion'),
          `compareVersion is the same as targetVersion ("${report.targetVersion}"): compare with another version or remove it`,
        );
      }
      const ranges = new Set(report.ranges);
      for (const [path, range] of [
        [at('breakdownRange'), report.breakdownRange],
        [at('scorecard', 'range'), report.scorecard.range],
        [at('headline', 'range'), report.headline?.range],
      ] as const) {
        if (range && !ranges.has(range)) {
          issue(
            [...path],
            `report "${report.id}" uses range ${range}, which is not in its ranges (${report.ranges.join(', ')}): add it to ranges or pick one of those`,
          );
        }
      }
      const sameRecipient = new Set<string>();
      report.recipients.forEach((recipient, p) => {
        const who = `${recipient.email.toLowerCase()} ${dimsKey(recipient.scope ?? {})}`;
        if (sameRecipient.has(who)) {
          issue(
            at('recipients', p),
            `${recipient.email} is listed twice with the same scope and would get the report twice: remove one`,
          );
        }
        sameRecipient.add(who);
        const domain = recipient.email.split('@')[1]?.toLowerCase() ?? '';
        if (!domains.includes(domain)) {
          issue(
            at('recipients', p, 'email'),
            `recipient ${recipient.email} of report "${report.id}" is outside the allowed domains (${domains.join(', ')}): fix the address or add its domain to email.allowedDomains`,
          );
        }
        for (const [dim, value] of Object.entries(recipient.scope ?? {})) {
          const values = dimensions.get(dim);
          if (!values) {
            issue(
              at('recipients', p, 'scope', dim),
              `scope on undeclared dimension "${dim}": use a dimension declared under dimensions.${suggest(dim, dimensions.keys())}`,
            );
          } else if (!values.has(value)) {
            issue(
              at('recipients', p, 'scope', dim),
              `scope ${dim} = ${value} names an undeclared value of "${dim}": use one of its values or add "${value}" to that dimension.${suggest(value, values)}`,
            );
          }
        }
      });
    });
  });

export type PlanConfigInput = z.input<typeof PlanConfigSchema>;
export type PlanConfig = z.infer<typeof PlanConfigSchema>;
