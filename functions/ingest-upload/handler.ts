/**
 * ingest-upload: consumes S3 object-created events through SQS and turns each uploaded file
 * into facts (or a rejection with an error workbook and an email). Reports batch item
 * failures so one bad message is retried alone; the S3 test event is ignored.
 *
 * Everything but types is imported on the first event (functions/shared/lazy.ts): the module
 * load, which Lambda's cold start waits for, evaluates none of the readers, adapters or SDK.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { IngestDeps } from '../../shared/app/ingest-upload.ts';
import { lazyOnce } from '../shared/lazy.ts';

/** The handler over given ports (tests and the local runtime pass their own). */
export function createIngestHandler(deps: IngestDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const { handleIngestBatch } = await import('../../shared/app/ingest-upload.ts');
    return handleIngestBatch(deps, event);
  };
}

const ingest = lazyOnce(async () => createIngestHandler((await import('./deps.ts')).buildDepsFromEnv()));

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => (await ingest())(event);
