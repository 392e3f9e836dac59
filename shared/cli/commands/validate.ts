/** `plan-monitor validate <file…>`: the ingest rules as a dry run on local files. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type CliContext, CliUsageError, loadCliConfig, parseCommandArgs } from '../context.ts';
import { createProgress } from '../progress.ts';
import { listUploadFiles, parseKind, parseLocalFile } from '../upload-files.ts';

export const VALIDATE_HELP = `Usage: plan-monitor validate <file…> [--kind actuals|targets|milestones] [--json] [--config <file>]

Checks upload files (CSV in UTF-8/GBK/UTF-16, or XLSX) with exactly the rules the ingest
function applies, without storing anything. A folder stands for the upload files in it. Prints every row error (row, column, value,
message). The kind comes from --kind, else a folder on the path (actuals/, targets/,
milestones/), the file name, the XLSX sheet name or the header row.

Exit code: 0 when every file is valid, 1 when any file has errors, 2 on wrong arguments.
`;

/** A folder named on the command line stands for the upload files in it (recursively). */
function expandFolders(ctx: CliContext, given: readonly string[]): string[] {
  return given.flatMap((name) => {
    const resolved = path.resolve(ctx.cwd, name);
    if (!existsSync(resolved) || !statSync(resolved).isDirectory()) return [name];
    const files = listUploadFiles(resolved).map((file) => path.relative(ctx.cwd, file) || file);
    if (files.length === 0)
      throw new CliUsageError(`${name} is a folder with no .csv, .xlsx, .txt or .tsv files`);
    return files;
  });
}

export const validateCommand = {
  summary: 'dry-run the ingest rules on local files',
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      kind: { type: 'string' },
      json: { type: 'boolean' },
      'max-errors': { type: 'string' },
    });
    if (values.help) {
      ctx.io.stdout.write(VALIDATE_HELP);
      return 0;
    }
    if (positionals.length === 0) throw new CliUsageError('name at least one file to validate');
    let kind: ReturnType<typeof parseKind>;
    try {
      kind = parseKind(values.kind);
    } catch (error) {
      throw new CliUsageError((error as Error).message);
    }
    const maxErrors = values['max-errors'] ? Number(values['max-errors']) : 50;
    const config = await loadCliConfig(ctx, values.config);
    const progress = createProgress(ctx.io.stderr, { quiet: values.json === true || !ctx.io.stderr.isTTY });
    const reports: unknown[] = [];
    let bad = 0;
    const names = expandFolders(ctx, positionals);
    for (const [i, given] of names.entries()) {
      const file = path.resolve(ctx.cwd, given);
      if (!existsSync(file)) {
        bad++;
        const message = `no such file (looked for ${file})`;
        ctx.io.stderr.write(`✖ ${given}: ${message}\n`);
        reports.push({ file: given, ok: false, errors: [{ row: 0, column: '', value: '', message }] });
        continue;
      }
      progress.step(`validating ${given} (${i + 1}/${names.length})`);
      let parsed: Awaited<ReturnType<typeof parseLocalFile>>;
      try {
        parsed = await parseLocalFile(file, config, kind);
      } catch (error) {
        progress.done();
        bad++;
        ctx.io.stderr.write(`✖ ${given}: ${(error as Error).message}\n`);
        reports.push({
          file: given,
          ok: false,
          errors: [{ row: 0, column: '', value: '', message: (error as Error).message }],
        });
        continue;
      }
      progress.done();
      const { result } = parsed;
      const how = [
        result.file.format,
        result.file.encoding,
        result.file.sheet && `sheet "${result.file.sheet}"`,
      ]
        .filter(Boolean)
        .join(', ');
      if (values.json) {
        reports.push(
          result.ok
            ? { file: given, kind: parsed.kind, ok: true, rows: result.rows, format: result.file }
            : {
                file: given,
                kind: parsed.kind,
                ok: false,
                rows: result.rows,
                format: result.file,
                errorCount: result.errorCount,
                errors: result.errors,
              },
        );
        if (!result.ok) bad++;
        continue;
      }
      if (result.ok) {
        ctx.io.stdout.write(`✔ ${given}: ${parsed.kind}, ${result.rows} rows OK (${how})\n`);
        continue;
      }
      bad++;
      ctx.io.stdout.write(
        `✖ ${given}: ${parsed.kind}, ${result.errorCount} error(s) in ${result.rows} rows (${how})\n`,
      );
      for (const e of result.errors.slice(0, maxErrors)) {
        const where = e.row === 0 ? 'file' : `row ${e.row}`;
        const col = e.column ? `, column "${e.column}"` : '';
        const val = e.value !== '' ? `, value "${e.value}"` : '';
        ctx.io.stdout.write(`  ${where}${col}${val}: ${e.message}\n`);
      }
      if (result.errorCount > Math.min(maxErrors, result.errors.length)) {
        ctx.io.stdout.write(
          `  … and ${result.errorCount - Math.min(maxErrors, result.errors.length)} more (--max-errors N)\n`,
        );
      }
    }
    if (values.json) ctx.io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else if (names.length > 1) {
      ctx.io.stdout.write(`${names.length - bad} of ${names.length} file(s) valid\n`);
    }
    return bad > 0 ? 1 : 0;
  },
};
