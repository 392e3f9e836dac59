import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REPORT_RUN_FAILED_METRIC } from '../names.ts';
import type { StageSettings } from '../stage.ts';
import { accountAdministersKey, denyGrantsExceptForAwsServices, ENCRYPTION_KEY_USE } from './key-policy.ts';
import type { PlanFunction } from './plan-function.ts';

export interface AlarmsProps {
  readonly stage: StageSettings;
  readonly operators: string;
  readonly deadLetters: readonly { id: string; queue: sqs.IQueue; meaning: string }[];
  readonly functions: readonly { id: string; fn: PlanFunction }[];
  readonly scheduleGroup: scheduler.ScheduleGroup;
}

/**
 * One alarm per dead-letter queue, per function's errors, per Scheduler failure metric and for
 * report runs that did not reach `sent`, all to one encrypted topic mailed to the operators.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = alarmTopic(this, props.operators, props.stage);
    const period = Duration.minutes(5);
    const alarm = (alarmId: string, description: string, metric: cloudwatch.IMetric) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new cwActions.SnsAction(this.topic));
    };
    for (const { id: queueId, queue, meaning } of props.deadLetters) {
      alarm(
        queueId,
        meaning,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      );
    }
    for (const { id: fnId, fn } of props.functions) {
      alarm(
        `${fnId}Errors`,
        `The ${fn.node.id} function threw`,
        fn.fn.metricErrors({ period, statistic: 'Sum' }),
      );
    }
    const group = props.scheduleGroup;
    alarm(
      'ScheduleTargetErrors',
      'Scheduler got errors invoking the dispatcher',
      group.metricTargetErrors({ period }),
    );
    alarm(
      'ScheduleDropped',
      'Scheduler dropped a schedule event after its retries',
      group.metricDropped({ period }),
    );
    alarm(
      'ScheduleDeadLetterFailures',
      'Scheduler could not even write a failed event to its dead-letter queue',
      group.metricFailedToBeSentToDLQ(undefined, { period }),
    );
    alarm(
      'ReportRunsNotSent',
      'A report run ended without reaching sent (see the run-report logs and `plan-monitor runs`)',
      new cloudwatch.Metric({
        namespace: REPORT_RUN_FAILED_METRIC.namespace,
        metricName: REPORT_RUN_FAILED_METRIC.metricName,
        dimensionsMap: { service: REPORT_RUN_FAILED_METRIC.service },
        statistic: 'Sum',
        period,
      }),
    );
  }
}

/** Encrypted, TLS-only topic whose only subscriber is the operators' address. */
function alarmTopic(scope: Construct, operators: string, stage: StageSettings): sns.Topic {
  const account = { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } };
  // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
  const key = new kms.Key(scope, 'TopicKey', {
    description: 'Encrypts the Plan Monitor alarm topic',
    enableKeyRotation: true,
    removalPolicy: stage.removalPolicy,
    policy: new iam.PolicyDocument({
      statements: [
        accountAdministersKey(ENCRYPTION_KEY_USE),
        denyGrantsExceptForAwsServices(),
        new iam.PolicyStatement({
          sid: 'CloudWatchPublishesAlarms',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: account,
        }),
      ],
    }),
  });
  const topic = new sns.Topic(scope, 'Topic', {
    displayName: 'Plan Monitor alarms',
    masterKey: key,
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchPublishesAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: account,
    }),
  );
  topic.addSubscription(new snsSubscriptions.EmailSubscription(operators));
  return topic;
}
