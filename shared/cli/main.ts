/**
 * `plan-monitor`: the command line of Plan Monitor. Each command lives in ./commands and
 * gets a {@link CliContext}; this file only dispatches and turns errors into exit codes.
 */
import { type CliContext, type CliIo, CliUsageError, defaultIo } from './context.ts';

interface Command {
  readonly summary: string;
  readonly run: (args: string[], ctx: CliContext) => Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.ts')).validateCommand,
  ingest: async () => (await import('./commands/ingest.ts')).ingestCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  runs: async () => (await import('./commands/runs.ts')).runsCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
};

const SUMMARIES: Record<string, string> = {
  validate: 'check upload files against the ingest rules, no store needed (exit 1 on any error)',
  ingest: 'put upload files into the uploads bucket of the local stack (or AWS with --profile)',
  report: 'compute a report: print its model (--json), write the workbook (--out), or send it (--send)',
  runs: 'list the run ledger of the local stack',
  serve: 'start the local stack and keep it up, ingesting files dropped into ./drop/',
};

export const MAIN_HELP = `plan-monitor — plan-vs-actual reporting, on your machine or on AWS

Usage: plan-monitor <command> [options]

Commands:
${Object.entries(SUMMARIES)
  .map(([name, text]) => `  ${name.padEnd(10)}${text}`)
  .join('\n')}

Every command takes --config <file> (default: plan.config.ts of the repository) and --help.

Examples:
  plan-monitor validate incoming/actuals/gmv.csv
  plan-monitor report weekly-progress --as-of 2026-11-22 --from-files ./my-uploads --out ./out
  plan-monitor report weekly-progress --as-of 2026-11-22 --json
  plan-monitor serve
`;

/** Runs the CLI; resolves with the process exit code. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(MAIN_HELP);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('plan-monitor 0.1.0\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    const { closestMatch } = await import('../domain/suggest.ts');
    const close = closestMatch(name, Object.keys(COMMANDS));
    io.stderr.write(
      `plan-monitor: unknown command "${name}".${close ? ` Did you mean "${close}"?` : ''} Run plan-monitor --help for the list.\n`,
    );
    return 2;
  }
  try {
    const command = await load();
    return await command.run(rest, { io, cwd: io.cwd });
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(`plan-monitor ${name}: ${error.message}\nRun plan-monitor ${name} --help for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`plan-monitor ${name}: ${message}\n`);
    if (process.env.PLAN_MONITOR_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
