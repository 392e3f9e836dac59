/**
 * The plan configuration: one file (`plan.config.ts`) that admins edit and deploy. This
 * schema checks each field, then cross-checks references (a report naming an unknown KPI,
 * a ratio KPI whose components are not `sum` KPIs, …) so that a mistake fails `cdk synth`,
 * `npm test` and every CLI command with a message naming the path and the fix.
 */
import awsCronParser from 'aws-cron-parser';
import { z } from 'zod';
import { closestMatch } from '../domain/suggest.ts';

const ID = /^[a-z][a-z0-9_]*$/;
const idSchema = z
  .string()
  .regex(ID, 'must be snake_case: lower-case letters, digits and underscores, starting with a letter');
const kebabIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be kebab-case: lower-case letters, digits and hyphens');
const emailSchema = z.email('must be an email address such as ops@example.com');

export const LocalizedTextSchema = z.object({
  en: z.string().min(1, 'give the English name'),
  zh: z.string().min(1, 'give the Chinese name'),
});

export const DEFAULT_TOLERANCE = { atRisk: 0.02, offTrack: 0.1 } as const;

export const ToleranceSchema = z
  .object({ atRisk: z.number().min(0), offTrack: z.number().min(0) })
  .refine((t) => t.atRisk <= t.offTrack, {
    message: 'atRisk must not be larger than offTrack (e.g. { atRisk: 0.02, offTrack: 0.10 })',
  });

export const KpiSchema = z.object({
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
});
export type KpiConfig = z.infer<typeof KpiSchema>;

const MonthDaySchema = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD, e.g. 11-11');

export const PhasingProfileSchema = z.object({
  id: idSchema,
  name: LocalizedTextSchema.optional(),
  months: z
    .record(
      z.string().regex(/^(?:[1-9]|1[0-2])$/, 'month keys are 1–12'),
      z.number().nonnegative('month weights must be ≥ 0'),
    )
    .optional(),
  days: z.record(MonthDaySchema, z.number().nonnegative('day weights must be ≥ 0')).optional(),
});
export type PhasingProfileConfig = z.infer<typeof PhasingProfileSchema>;

export const DimensionValueSchema = z.object({
  id: idSchema,
  name: LocalizedTextSchema,
  aliases: z.array(z.string().min(1)).default([]),
});

export const DimensionSchema = z.object({
  id: idSchema,
  name: LocalizedTextSchema,
  aliases: z.array(z.string().min(1)).default([]),
  values: z.array(DimensionValueSchema).min(1, 'declare at least one allowed value'),
});
export type DimensionConfig = z.infer<typeof DimensionSchema>;

export const TargetVersionSchema = z.object({
  id: idSchema,
  name: LocalizedTextSchema,
  description: z.string().optional(),
});

/** `dimension=value` pairs a recipient's report is restricted to. */
export const ScopeSchema = z.record(idSchema, idSchema);

export const RecipientSchema = z.object({
  email: emailSchema,
  name: z.string().optional(),
  scope: ScopeSchema.optional(),
});

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

export function cronProblem(expression: string): string | null {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    return `"${expression}" is not an EventBridge cron expression: write it as cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 9 ? * MON *)`;
  }
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; EventBridge cron needs 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 9 ? * MON *)`;
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return `"${expression}": exactly one of day-of-month and day-of-week must be "?", e.g. cron(0 9 ? * MON *) or cron(0 9 1 * ? *)`;
  }
  try {
    awsCronParser.parse(match[1]!);
  } catch (error) {
    return `"${expression}" is not a valid cron expression (${(error as Error).message})`;
  }
  return null;
}

export function timeZoneProblem(timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return null;
  } catch {
    return `"${timeZone}" is not an IANA time zone: use a name such as Asia/Shanghai`;
  }
}

export const TimeZoneSchema = z.string().superRefine((value, ctx) => {
  const problem = timeZoneProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const ReportSchema = z.object({
  id: kebabIdSchema,
  name: LocalizedTextSchema,
  description: z.string().optional(),
  schedule: z.object({
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
  /** Dimensions that get a breakdown sheet each. */
  breakdowns: z.array(idSchema).default([]),
  /** Range of the breakdown sheets; defaults to the first range. */
  breakdownRange: RangeKindSchema.optional(),
  trend: z.enum(['week', 'month']).default('week'),
  scorecard: z
    .object({
      range: RangeKindSchema.optional(),
      cap: z.number().positive().default(1.2),
      /** Defaults to the report's KPIs. */
      kpis: z.array(idSchema).optional(),
    })
    .default({ cap: 1.2 }),
  headline: z.object({ kpi: idSchema, range: RangeKindSchema }).optional(),
  includeMilestones: z.boolean().default(true),
  language: z.enum(['zh', 'en']).default('zh'),
  targetVersion: idSchema.default('budget'),
  compareVersion: idSchema.optional(),
  recipients: z.array(RecipientSchema).min(1, 'add at least one recipient'),
  attachment: z
    .object({
      /** Above this many raw bytes the email carries a link instead of the workbook. */
      maxBytes: z
        .number()
        .int()
        .positive()
        .max(30 * 1024 * 1024, 'SES takes 40 MB after base64: keep maxBytes ≤ 30 MB')
        .default(7 * 1024 * 1024),
    })
    .default({ maxBytes: 7 * 1024 * 1024 }),
  /** When no fact arrived since the last sent run: send anyway, send a short note, or skip. */
  whenNoNewData: z.enum(['send', 'note', 'skip']).default('send'),
});
export type ReportConfig = z.infer<typeof ReportSchema>;

export const PlanConfigSchema = z
  .object({
    /** Shown in every report's About sheet; bump it when you change the plan. */
    version: z.string().min(1),
    company: LocalizedTextSchema,
    calendar: z.object({
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
    owners: z.array(z.object({ id: idSchema, name: LocalizedTextSchema })).default([]),
    email: z.object({
      from: emailSchema,
      /** Recipients must be in one of these domains: a typo cannot mail the plan outside. */
      allowedDomains: z.array(z.string().min(3)).min(1),
      replyTo: emailSchema.optional(),
    }),
    contacts: z.object({
      /** Receives alarms. */
      operators: emailSchema,
      /** Who hears about a rejected upload when the object names no uploader. */
      uploads: z.object({ actuals: emailSchema, targets: emailSchema, milestones: emailSchema }),
    }),
    ingest: z
      .object({
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

    const duplicates = (items: readonly { id: string }[], path: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id))
          issue([path, i, 'id'], `duplicate id "${item.id}": every ${path} id must be unique`);
        seen.add(item.id);
      });
    };
    duplicates(config.kpis, 'kpis');
    duplicates(config.dimensions, 'dimensions');
    duplicates(config.phasing, 'phasing');
    duplicates(config.targetVersions, 'targetVersions');
    duplicates(config.owners, 'owners');
    config.dimensions.forEach((dimension, d) => {
      duplicates(dimension.values, `dimensions.${d}.values`);
    });

    const kpis = new Map(config.kpis.map((k) => [k.id, k]));
    const phasingIds = new Set(['calendar_days', ...config.phasing.map((p) => p.id)]);
    const dimensions = new Map(config.dimensions.map((d) => [d.id, new Set(d.values.map((v) => v.id))]));
    const versions = new Set(config.targetVersions.map((v) => v.id));
    const owners = new Set(config.owners.map((o) => o.id));

    config.kpis.forEach((kpi, i) => {
      if (kpi.aggregation === 'ratio') {
        for (const part of ['numerator', 'denominator'] as const) {
          const ref = kpi[part];
          if (!ref) {
            issue(['kpis', i, part], `ratio KPI "${kpi.id}" needs a ${part}: the id of a sum KPI`);
          } else if (!kpis.has(ref)) {
            issue(
              ['kpis', i, part],
              `unknown KPI "${ref}" as ${part} of "${kpi.id}".${suggest(ref, kpis.keys())}`,
            );
          } else if (kpis.get(ref)!.aggregation !== 'sum') {
            issue(
              ['kpis', i, part],
              `${part} "${ref}" of ratio KPI "${kpi.id}" is a ${kpis.get(ref)!.aggregation} KPI; ratio components must be sum KPIs`,
            );
          }
        }
      } else if (kpi.numerator || kpi.denominator) {
        issue(['kpis', i, 'aggregation'], `"${kpi.id}" has a numerator/denominator but is not a ratio KPI`);
      }
      if (!phasingIds.has(kpi.phasing)) {
        issue(
          ['kpis', i, 'phasing'],
          `unknown phasing profile "${kpi.phasing}".${suggest(kpi.phasing, phasingIds)}`,
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
      if (reportIds.has(report.id)) issue(at('id'), `duplicate report id "${report.id}"`);
      reportIds.add(report.id);
      const checkKpi = (id: string, path: (string | number)[]) => {
        if (!kpis.has(id))
          issue(path, `report "${report.id}" names unknown KPI "${id}".${suggest(id, kpis.keys())}`);
      };
      report.kpis.forEach((id, k) => {
        checkKpi(id, at('kpis', k));
      });
      report.scorecard.kpis?.forEach((id, k) => {
        checkKpi(id, at('scorecard', 'kpis', k));
      });
      if (report.headline) checkKpi(report.headline.kpi, at('headline', 'kpi'));
      report.breakdowns.forEach((dim, b) => {
        if (!dimensions.has(dim)) {
          issue(
            at('breakdowns', b),
            `report "${report.id}" breaks down by unknown dimension "${dim}".${suggest(dim, dimensions.keys())}`,
          );
        }
      });
      for (const version of [report.targetVersion, report.compareVersion]) {
        if (version && !versions.has(version)) {
          issue(
            at('targetVersion'),
            `report "${report.id}" uses unknown target version "${version}".${suggest(version, versions)}`,
          );
        }
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
            `report "${report.id}" uses range ${range}, which is not in its ranges (${report.ranges.join(', ')})`,
          );
        }
      }
      report.recipients.forEach((recipient, p) => {
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
              `scope on undeclared dimension "${dim}".${suggest(dim, dimensions.keys())}`,
            );
          } else if (!values.has(value)) {
            issue(
              at('recipients', p, 'scope', dim),
              `scope ${dim} = ${value} names an undeclared value of "${dim}".${suggest(value, values)}`,
            );
          }
        }
      });
    });
  });

export type PlanConfigInput = z.input<typeof PlanConfigSchema>;
export type PlanConfig = z.infer<typeof PlanConfigSchema>;
