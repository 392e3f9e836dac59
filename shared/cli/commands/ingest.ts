/** `plan-monitor ingest <file…>`: upload files into the uploads bucket, where ingestion picks them up. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { UploadRecord } from '../../ports/index.ts';
import { type CliContext, CliUsageError, loadCliConfig, parseCommandArgs } from '../context.ts';
import { connectToLocalStack } from '../local-connection.ts';
import { createProgress } from '../progress.ts';
import { detectUploadKind, parseKind } from '../upload-files.ts';

export const INGEST_HELP = `Usage: plan-monitor ingest <file…> [--kind actuals|targets|milestones] [options]

Puts each file into the uploads bucket under incoming/<kind>/, exactly as an uploader would;
the ingest function then validates and stores it (or rejects it with an error workbook).

Targets:
  (default)            the running local stack (npm start -- --serve), via .local/endpoints.json;
                       waits for each file's outcome and prints accepted / rejected
  --profile <name>     an AWS stack: uses that AWS profile (or the usual AWS_* environment)
  --bucket <name>      the uploads bucket (AWS; default: $UPLOADS_BUCKET)

Other options:
  --uploader-email <email>  recorded with the upload (S3 metadata uploader-email) and mailed the
                       error workbook if the file is rejected; an address outside
                       email.allowedDomains is ignored and the configured contact is told
  --no-wait            do not wait for the outcome (local stack)
  --config <file>      plan configuration (default: the repository's plan.config.ts)
`;

export const ingestCommand = {
  summary: 'upload files into the uploads bucket',
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      kind: { type: 'string' },
      profile: { type: 'string' },
      bucket: { type: 'string' },
      endpoints: { type: 'string' },
      'uploader-email': { type: 'string' },
      'no-wait': { type: 'boolean' },
    });
    if (values.help) {
      ctx.io.stdout.write(INGEST_HELP);
      return 0;
    }
    if (positionals.length === 0) throw new CliUsageError('name at least one file to ingest');
    let kindOption: ReturnType<typeof parseKind>;
    try {
      kindOption = parseKind(values.kind);
    } catch (error) {
      throw new CliUsageError((error as Error).message);
    }
    const config = await loadCliConfig(ctx, values.config);
    const files = positionals.map((f) => path.resolve(ctx.cwd, f));
    for (const file of files) if (!existsSync(file)) throw new Error(`${file}: no such file`);

    const aws = values.profile !== undefined || values.bucket !== undefined;
    let put: (key: string, body: Buffer, metadata: Record<string, string>) => Promise<void>;
    let outcome: ((key: string) => Promise<UploadRecord | null>) | null = null;
    let close = () => {};
    let where: string;
    if (aws) {
      if (values.profile) process.env.AWS_PROFILE = values.profile;
      const bucket = values.bucket ?? process.env.UPLOADS_BUCKET;
      if (!bucket) throw new CliUsageError('name the uploads bucket with --bucket <name> or $UPLOADS_BUCKET');
      const { createAwsClients, S3ObjectStore } = await import('../../adapters/index.ts');
      const objects = new S3ObjectStore({ s3: createAwsClients().s3 });
      put = (key, body, metadata) => objects.put(bucket, key, body, { metadata });
      where = `s3://${bucket}`;
    } else {
      const stack = await connectToLocalStack(ctx, config, values.endpoints);
      close = stack.close;
      const bucket = stack.endpoints.uploadsBucket;
      put = (key, body, metadata) => stack.reportDeps.objects.put(bucket, key, body, { metadata });
      where = `the local stack (s3://${bucket})`;
      if (!values['no-wait']) {
        outcome = async (key) => {
          const deadline = Date.now() + 120_000;
          while (Date.now() < deadline) {
            const found = (await stack.reportDeps.uploads.list(200)).find(
              (u) => u.key === key && u.status !== 'processing',
            );
            if (found) return found;
            await new Promise((r) => setTimeout(r, 300));
          }
          return null;
        };
      }
    }
    const progress = createProgress(ctx.io.stderr);
    let failed = 0;
    try {
      for (const file of files) {
        const body = readFileSync(file);
        const kind = kindOption ?? (await detectUploadKind(file, body, config));
        // A timestamp keeps every upload a new object, as the bucket never overwrites history.
        const stamp = new Date()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d+Z$/, 'Z');
        const key = `incoming/${kind}/${stamp}-${path.basename(file)}`;
        progress.step(`uploading ${path.basename(file)} to ${where}`);
        // The metadata key the ingest function reads (shared/app/ingest-upload.ts uploaderOf).
        const uploader = values['uploader-email'];
        await put(key, body, uploader ? { 'uploader-email': uploader } : {});
        progress.done(`${path.basename(file)} → ${key}`);
        if (!outcome) continue;
        progress.step(`waiting for ingestion of ${path.basename(file)}`);
        const record = await outcome(key);
        progress.done();
        if (!record) {
          failed++;
          ctx.io.stdout.write(
            `? ${path.basename(file)}: no outcome after 2 minutes — is serve still running?\n`,
          );
        } else if (record.status === 'accepted') {
          ctx.io.stdout.write(`✔ ${path.basename(file)}: accepted, ${record.rows} rows\n`);
        } else {
          if (record.status === 'rejected') failed++;
          ctx.io.stdout.write(
            `${record.status === 'rejected' ? '✖' : '·'} ${path.basename(file)}: ${record.status}, ${record.errors} error(s)${record.errorKey ? ` — error workbook: s3://${where.replace(/^.*s3:\/\//, '').replace(/\)$/, '')}/${record.errorKey}` : ''}\n`,
          );
        }
      }
    } finally {
      close();
    }
    return failed > 0 ? 1 : 0;
  },
};
