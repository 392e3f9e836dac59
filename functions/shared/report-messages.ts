/** Validates what arrives at the report functions: scheduler payloads, manual calls, queued jobs. */
import * as z from 'zod';

const reportId = z.string().min(1, 'name the report, e.g. "weekly-progress"');

export const ReportInvocationSchema = z.union([
  z.object({ reportId, scheduledTime: z.string().min(1) }),
  z.object({
    reportId,
    asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'asOf must be YYYY-MM-DD'),
    scope: z.string().min(1).optional(),
    force: z.boolean().optional(),
    /** Names one forced resend: the same id again (a retried invocation) sends nothing more. */
    requestId: z.string().min(1).max(200).optional(),
  }),
]);

export const ReportJobSchema = z.object({
  reportId,
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  scopeKey: z.string().min(1),
  force: z.boolean().default(false),
  requestId: z.string().min(1).max(200).optional(),
});
