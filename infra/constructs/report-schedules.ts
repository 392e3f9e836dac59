import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cronProblem, timeZoneProblem } from '../../shared/config/schema.ts';
import { nagRef } from '../nag.ts';

/** The slice of a report configuration a schedule needs. */
export interface ScheduledReport {
  readonly id: string;
  readonly schedule: { readonly cron: string; readonly timeZone?: string; readonly enabled?: boolean };
}

export interface ReportSchedulesProps {
  readonly reports: readonly ScheduledReport[];
  /** Used when a report names no time zone: the plan calendar's business time zone. */
  readonly defaultTimeZone: string;
  readonly target: lambda.IFunction;
  /** Receives the events Scheduler could not hand to the target after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly scheduleGroupName: string;
  readonly removalPolicy: import('aws-cdk-lib').RemovalPolicy;
}

/** How often Scheduler retries handing an event to Lambda, and for how long. */
export const SCHEDULE_RETRY_ATTEMPTS = 5;
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(2);

/** Raised when a report's schedule cannot be deployed; the message names the report. */
export class ReportScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportScheduleError';
  }
}

/**
 * One EventBridge Scheduler schedule per enabled report, in one schedule group. Each fires the
 * dispatcher Lambda with `{ reportId, scheduledTime }` at the report's cron in its IANA time zone.
 *
 * Construct ids come from report ids (`Schedule-weekly-progress`), never from positions, so
 * reordering reports changes nothing and adding one adds exactly one resource to `cdk diff`.
 */
export class ReportSchedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly schedules: ReadonlyMap<string, scheduler.Schedule>;

  constructor(scope: Construct, id: string, props: ReportSchedulesProps) {
    super(scope, id);
    // The stack may be built from a raw object that never went through defineConfig:
    // check again here so a bad schedule still fails synthesis naming its report.
    assertSchedulesValid(props.reports, props.defaultTimeZone);

    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: props.scheduleGroupName,
      removalPolicy: props.removalPolicy,
    });

    // One role for every schedule, trusted only by this account's schedules in this group
    // (Scheduler sets aws:SourceArn to the schedule group's ARN).
    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by EventBridge Scheduler to invoke the report dispatcher',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagRef(props.target)}:*]`,
      reason:
        'LambdaInvoke grants lambda:InvokeFunction on the dispatcher function and its version qualifiers (`:*`); no other function is reachable.',
    });

    const schedules = new Map<string, scheduler.Schedule>();
    for (const report of props.reports) {
      if (report.schedule.enabled === false) continue;
      const timeZone = report.schedule.timeZone ?? props.defaultTimeZone;
      const schedule = new scheduler.Schedule(this, `Schedule-${report.id}`, {
        scheduleName: `${props.scheduleGroupName}-${report.id}`.slice(0, 64),
        description: `Sends report ${report.id}`,
        scheduleGroup: this.group,
        schedule: scheduler.ScheduleExpression.expression(report.schedule.cron, TimeZone.of(timeZone)),
        timeWindow: scheduler.TimeWindow.off(),
        target: new targets.LambdaInvoke(props.target, {
          role: this.role,
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
          maxEventAge: SCHEDULE_MAX_EVENT_AGE,
          input: scheduler.ScheduleTargetInput.fromObject({
            reportId: report.id,
            scheduledTime: scheduler.ContextAttribute.scheduledTime,
          }),
        }),
      });
      // The group is passed by name, which CloudFormation cannot see as a reference: without
      // this the first deploy may create a schedule before its group exists.
      schedule.node.addDependency(this.group);
      schedules.set(report.id, schedule);
    }
    this.schedules = schedules;
  }
}

/**
 * Throws {@link ReportScheduleError} listing every report whose cron or time zone EventBridge
 * Scheduler would reject, or whose id repeats (two schedules would share one construct id).
 */
export function assertSchedulesValid(reports: readonly ScheduledReport[], defaultTimeZone: string): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  const defaultZoneProblem = timeZoneProblem(defaultTimeZone);
  for (const report of reports) {
    if (seen.has(report.id)) problems.push(`report "${report.id}": duplicate report id`);
    seen.add(report.id);
    const cron = cronProblem(report.schedule.cron);
    if (cron) problems.push(`report "${report.id}": schedule.cron ${cron}`);
    if (report.schedule.timeZone !== undefined) {
      const zone = timeZoneProblem(report.schedule.timeZone);
      if (zone) problems.push(`report "${report.id}": schedule.timeZone ${zone}`);
    } else if (defaultZoneProblem) {
      problems.push(`report "${report.id}": calendar.timeZone ${defaultZoneProblem}`);
    }
  }
  if (problems.length > 0) {
    throw new ReportScheduleError(
      `Cannot schedule ${problems.length === 1 ? 'a report' : 'reports'}:\n  - ${problems.join('\n  - ')}\nFix plan.config.ts and run cdk synth again.`,
    );
  }
}
