/**
 * Environment of each Lambda function. Handlers parse it once at cold start; the CDK stack
 * builds each function's `environment` from the same type, so a missing variable is a
 * compile error in infra/ rather than a crash in production.
 */
import * as z from 'zod';

const nonEmpty = z.string().min(1);

/** Variables every function has. */
export const BaseEnvSchema = z.object({
  POWERTOOLS_SERVICE_NAME: nonEmpty.default('plan-monitor'),
  /** `dev` or `prod`; shown in logs and email footers. */
  STAGE: nonEmpty.default('dev'),
});

/** Variables of every function that works on the table (all but report-link). */
export const CommonEnvSchema = BaseEnvSchema.extend({
  TABLE_NAME: nonEmpty,
});

export const IngestUploadEnvSchema = CommonEnvSchema.extend({
  UPLOADS_BUCKET: nonEmpty,
  /** SES configuration set for rejection emails (bounce/complaint tracking). */
  SES_CONFIGURATION_SET: z.string().optional(),
});
export type IngestUploadEnv = z.infer<typeof IngestUploadEnvSchema>;

/** The dispatcher: a schedule fires, it works out asOf and queues one job per recipient scope. */
export const ScheduleReportEnvSchema = CommonEnvSchema.extend({
  REPORT_JOBS_QUEUE_URL: nonEmpty,
});
export type ScheduleReportEnv = z.infer<typeof ScheduleReportEnvSchema>;

/** The worker: one (report, asOf, scope) job → workbook in S3 → email through SES. */
export const RunReportEnvSchema = CommonEnvSchema.extend({
  ARCHIVE_BUCKET: nonEmpty,
  UPLOADS_BUCKET: nonEmpty,
  SES_CONFIGURATION_SET: z.string().optional(),
  /**
   * How long a `started` run belongs to its worker: the function's timeout plus a margin (so
   * two live workers never both send), and shorter than the queue's visibility timeout (so a
   * crashed run's message comes back after the lease and is taken over).
   */
  RUN_LEASE_SECONDS: z
    .string()
    .regex(/^\d+$/, 'a whole number of seconds')
    .transform(Number)
    .pipe(z.number().int().min(60).max(3600)),
  /**
   * The KMS HMAC key that signs report links, and the report-link function's URL they point
   * to. Both or neither: without them (the local runtime) a too-large workbook is linked with
   * a presigned URL instead. The stack always sets both.
   */
  LINK_KEY_ID: nonEmpty.optional(),
  LINK_BASE_URL: nonEmpty.optional(),
}).refine((env) => (env.LINK_KEY_ID === undefined) === (env.LINK_BASE_URL === undefined), {
  message: 'set both LINK_KEY_ID and LINK_BASE_URL, or neither',
  path: ['LINK_BASE_URL'],
});
export type RunReportEnv = z.infer<typeof RunReportEnvSchema>;

/** The report-link function: checks a link's token and redirects to a fresh download. */
export const ReportLinkEnvSchema = BaseEnvSchema.extend({
  ARCHIVE_BUCKET: nonEmpty,
  /** The KMS HMAC key whose MACs the tokens carry (this function may only verify them). */
  LINK_KEY_ID: nonEmpty,
  /** Who a recipient with a broken or expired link should ask (contacts.operators). */
  OPERATORS_EMAIL: nonEmpty,
});
export type ReportLinkEnv = z.infer<typeof ReportLinkEnvSchema>;

/** Input type of each schema: what infra/ must supply (defaults may be left out). */
export type IngestUploadEnvInput = z.input<typeof IngestUploadEnvSchema>;
export type ScheduleReportEnvInput = z.input<typeof ScheduleReportEnvSchema>;
export type RunReportEnvInput = z.input<typeof RunReportEnvSchema>;
export type ReportLinkEnvInput = z.input<typeof ReportLinkEnvSchema>;

/** Parse `process.env`-like input against a schema, naming every missing or bad variable. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`Invalid environment for this function (${problems}): set these variables in the stack`);
}
