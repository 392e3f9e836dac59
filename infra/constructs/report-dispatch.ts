import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduleReportEnvInput } from '../../shared/config/env.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { FunctionSize } from '../lambda-sizing.ts';
import type { StageSettings } from '../stage.ts';
import { PlanFunction } from './plan-function.ts';
import { deadLetterQueue } from './plan-queue.ts';
import { ReportSchedules } from './report-schedules.ts';

/** Retries of the dispatcher when Scheduler's asynchronous invocation fails inside Lambda. */
const DISPATCH_RETRY_ATTEMPTS = 2;

export interface ReportDispatchProps {
  readonly stage: StageSettings;
  readonly config: PlanConfig;
  readonly tableName: string;
  readonly jobsQueue: sqs.IQueue;
  readonly size: FunctionSize;
  readonly common: { readonly POWERTOOLS_SERVICE_NAME: string; readonly STAGE: string };
}

/**
 * One Scheduler schedule per report → the dispatcher (schedule-report), which turns a fired
 * schedule into one report job per recipient scope on the jobs queue. Failed deliveries land in
 * the schedules' dead-letter queue (Scheduler → Lambda) or the dispatcher's on-failure queue
 * (inside Lambda's asynchronous invocation).
 */
export class ReportDispatch extends Construct {
  readonly fn: PlanFunction;
  readonly schedules: ReportSchedules;
  readonly scheduleDeadLetters: sqs.Queue;
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: ReportDispatchProps) {
    super(scope, id);
    const { stage, config } = props;
    const environment: Required<ScheduleReportEnvInput> = {
      ...props.common,
      TABLE_NAME: props.tableName,
      REPORT_JOBS_QUEUE_URL: props.jobsQueue.queueUrl,
    };
    this.fn = new PlanFunction(this, 'ScheduleReport', {
      name: 'schedule-report',
      description: 'Turns a fired schedule into one report job per recipient scope',
      size: props.size,
      environment,
      stage,
    });
    this.fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueueReportJobs',
        actions: ['sqs:SendMessage'],
        resources: [props.jobsQueue.queueArn],
      }),
    );
    // Scheduler hands the event to Lambda's async queue; failures inside Lambda after that are
    // invisible to Scheduler's DLQ, so they get retries and a destination of their own.
    this.failures = deadLetterQueue(
      this,
      'Failures',
      stage,
      'the on-failure destination of the dispatcher’s asynchronous invocations',
    );
    this.fn.fn.configureAsyncInvoke({
      retryAttempts: DISPATCH_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(2),
      onFailure: sendOnlyQueueDestination(this.failures),
    });

    this.scheduleDeadLetters = deadLetterQueue(
      this,
      'ScheduleDeadLetters',
      stage,
      'EventBridge Scheduler’s target DLQ (not a redrive target, so cdk-nag cannot see it)',
    );
    this.schedules = new ReportSchedules(this, 'Schedules', {
      reports: config.reports,
      defaultTimeZone: config.calendar.timeZone,
      target: this.fn.fn,
      deadLetterQueue: this.scheduleDeadLetters,
      scheduleGroupName: stage.prefix,
      removalPolicy: stage.removalPolicy,
    });
  }
}

/**
 * An on-failure destination granting exactly what Lambda's asynchronous invocation uses,
 * sqs:SendMessage (SqsDestination also grants GetQueueAttributes and GetQueueUrl, which it never
 * calls).
 */
function sendOnlyQueueDestination(queue: sqs.IQueue): lambda.IDestination {
  return {
    bind(_scope, fn) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'SendFailedEvents',
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
        }),
      );
      return { destination: queue.queueArn };
    },
  };
}
