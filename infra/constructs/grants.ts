import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { nagRef } from '../nag.ts';
import type { PlanFunction } from './plan-function.ts';

/**
 * Object actions on one prefix of a bucket, acknowledged for cdk-nag's IAM5 (keys are only known
 * at run time) with what the prefix holds.
 */
export function grantObjects(
  fn: PlanFunction,
  sid: string,
  bucket: s3.IBucket,
  prefix: string,
  actions: readonly string[],
  holds: string,
): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid, actions: [...actions], resources: [`${bucket.bucketArn}/${prefix}*`] }),
  );
  Validations.of(fn.role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagRef(bucket)}/${prefix}*]`,
    reason: `Object keys are only known at run time; the grant is limited to ${holds} under ${prefix}.`,
  });
}

/** DynamoDB actions on the one table (no index, no stream: the table has neither). */
export function grantTable(fn: PlanFunction, tableArn: string, actions: readonly string[]): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'UseTable', actions: [...actions].sort(), resources: [tableArn] }),
  );
}

/**
 * Feeds the function from a queue, one message at a time with partial-batch failures, at most
 * `maxConcurrency` at once. The role gets exactly what Lambda's SQS poller calls
 * (ReceiveMessage, DeleteMessage, GetQueueAttributes — the AWSLambdaSQSQueueExecutionRole set);
 * SqsEventSource would add ChangeMessageVisibility and GetQueueUrl, which nothing calls.
 */
export function consumeQueue(fn: PlanFunction, queue: sqs.IQueue, maxConcurrency: number): void {
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PollWorkQueue',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      resources: [queue.queueArn],
    }),
  );
  const mapping = fn.fn.addEventSourceMapping('WorkQueue', {
    eventSourceArn: queue.queueArn,
    batchSize: 1,
    reportBatchItemFailures: true,
    maxConcurrency,
  });
  // The mapping validates its role when it is created: the grant must exist first.
  mapping.node.addDependency(fn.role);
}
