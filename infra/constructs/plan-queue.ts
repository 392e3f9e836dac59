import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, VISIBILITY_FACTOR } from '../names.ts';
import { acknowledgeControl } from '../policy-checks.ts';
import type { StageSettings } from '../stage.ts';

/** An encrypted, TLS-only queue removed or kept with the stage. */
export function planQueue(scope: Construct, id: string, stage: StageSettings, props: sqs.QueueProps = {}) {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    removalPolicy: stage.removalPolicy as RemovalPolicy,
    ...props,
  });
}

/** A dead-letter queue: messages wait for an operator as long as the stage says. */
export function deadLetterQueue(scope: Construct, id: string, stage: StageSettings, whose?: string) {
  const queue = planQueue(scope, id, stage, { retentionPeriod: stage.dlqRetention });
  if (whose) {
    // cdk-nag sees redrive targets as dead-letter queues, not these.
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue: ${whose}.`,
    });
  }
  acknowledgeControl(
    queue,
    'sqs_dlq_check',
    'This queue is itself the last stop for failed messages (an alarm fires on its first message); a dead-letter queue of a dead-letter queue would hide them from that alarm.',
  );
  return queue;
}

/**
 * The queue that feeds a function, with its dead-letter queue: visible again only after
 * VISIBILITY_FACTOR function timeouts, dead-lettered after MAX_RECEIVE_COUNT deliveries.
 */
export function workQueue(
  scope: Construct,
  id: string,
  stage: StageSettings,
  functionTimeoutS: number,
): { queue: sqs.Queue; deadLetters: sqs.Queue } {
  const deadLetters = deadLetterQueue(scope, `${id}DeadLetters`, stage);
  const queue = planQueue(scope, id, stage, {
    visibilityTimeout: Duration.seconds(functionTimeoutS * VISIBILITY_FACTOR),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
  });
  return { queue, deadLetters };
}
