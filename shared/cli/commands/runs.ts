/** `plan-monitor runs [reportId]`: the run ledger of the local stack. */
import { type CliContext, loadCliConfig, parseCommandArgs } from '../context.ts';
import { connectToLocalStack } from '../local-connection.ts';

export const RUNS_HELP = `Usage: plan-monitor runs [reportId] [--json] [--config <file>]

Lists the report runs recorded in the running local stack's run ledger: one row per
(report, asOf, scope) with its status (started, sent, skipped, failed), attempt, times,
archived workbook and SES message id.
`;

export const runsCommand = {
  summary: 'list the run ledger',
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      endpoints: { type: 'string' },
    });
    if (values.help) {
      ctx.io.stdout.write(RUNS_HELP);
      return 0;
    }
    const config = await loadCliConfig(ctx, values.config);
    const stack = await connectToLocalStack(ctx, config, values.endpoints);
    try {
      const records = [...(await stack.reportDeps.runs.list(positionals[0]))].sort((a, b) =>
        `${a.reportId}|${a.asOf}|${a.scopeKey}`.localeCompare(`${b.reportId}|${b.asOf}|${b.scopeKey}`),
      );
      if (values.json) {
        ctx.io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
        return 0;
      }
      if (records.length === 0) {
        ctx.io.stdout.write(`no runs recorded${positionals[0] ? ` for ${positionals[0]}` : ''}\n`);
        return 0;
      }
      const rows = records.map((r) => [
        r.reportId,
        r.asOf,
        r.scopeKey,
        r.status,
        String(r.attempt),
        r.finishedAt ?? r.startedAt,
        r.archiveKey ?? r.reason ?? '',
      ]);
      const header = ['report', 'asOf', 'scope', 'status', 'try', 'finished', 'archive / reason'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      ctx.io.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
      return 0;
    } finally {
      stack.close();
    }
  },
};
