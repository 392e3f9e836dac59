/**
 * {@link ReportJobQueue} over SQS: one message per (report, asOf, scope) job, so each scope
 * is retried (and dead-lettered) on its own.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReportJob, ReportJobQueue } from '../ports/index.ts';
import { chunk, isRetryableError, mapBounded, Retrier, type RetryOptions } from './retry.ts';

export interface SqsReportJobQueueOptions extends RetryOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

export class ReportJobEnqueueError extends Error {
  constructor(
    readonly failed: readonly ReportJob[],
    detail: string,
  ) {
    super(
      `${failed.length} report job(s) could not be queued (${detail}); the schedule invocation fails so the ` +
        'scheduler retries it — already queued jobs are deduplicated by the run ledger',
    );
    this.name = 'ReportJobEnqueueError';
  }
}

export class SqsReportJobQueue implements ReportJobQueue {
  private readonly sqs: SQSClient;
  private readonly queueUrl: string;
  private readonly retrier: Retrier;

  constructor(options: SqsReportJobQueueOptions) {
    this.sqs = options.sqs;
    this.queueUrl = options.queueUrl;
    this.retrier = new Retrier({ maxAttempts: 6, ...options });
  }

  async enqueue(jobs: readonly ReportJob[]): Promise<void> {
    await mapBounded(chunk(jobs, 10), this.retrier.concurrency, async (batch) => {
      let pending = batch.map((job, i) => ({ id: String(i), job }));
      let lastDetail = '';
      for (let attempt = 0; attempt < this.retrier.maxAttempts; attempt++) {
        if (attempt > 0) await this.retrier.backoff(attempt);
        try {
          const out = await this.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: this.queueUrl,
              Entries: pending.map(({ id, job }) => ({ Id: id, MessageBody: JSON.stringify(job) })),
            }),
          );
          const failed = out.Failed ?? [];
          // A sender fault (bad message) will not succeed on retry.
          const fatal = failed.filter((f) => f.SenderFault);
          if (fatal.length > 0) {
            throw new ReportJobEnqueueError(
              pending.filter((p) => fatal.some((f) => f.Id === p.id)).map((p) => p.job),
              fatal.map((f) => `${f.Code}: ${f.Message}`).join('; '),
            );
          }
          if (failed.length === 0) return;
          lastDetail = failed.map((f) => `${f.Code}: ${f.Message}`).join('; ');
          const failedIds = new Set(failed.map((f) => f.Id));
          pending = pending.filter((p) => failedIds.has(p.id));
        } catch (err) {
          if (err instanceof ReportJobEnqueueError || !isRetryableError(err)) throw err;
          lastDetail = (err as Error).message;
        }
      }
      throw new ReportJobEnqueueError(
        pending.map((p) => p.job),
        `still failing after ${this.retrier.maxAttempts} attempts: ${lastDetail}`,
      );
    });
  }
}
