/** biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation JSON is untyped; the tests navigate it */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { archiveTransitions } from '../../infra/constructs/storage.ts';
import { capSize, loadLambdaSizing } from '../../infra/lambda-sizing.ts';
import {
  ARCHIVE_PREFIX,
  assertLinksWithinArchive,
  REPORT_CONCURRENCY,
  REPORT_RUN_FAILED_METRIC,
  UPLOAD_PREFIXES,
} from '../../infra/plan-monitor-stack.ts';
import { stageSettings } from '../../infra/stage.ts';
import {
  IngestUploadEnvSchema,
  ReportLinkEnvSchema,
  RunReportEnvSchema,
  ScheduleReportEnvSchema,
} from '../../shared/config/env.ts';
import { sharedConfig as config } from './support/shared-config.ts';
import { buildStack, report, testConfig } from './support/stack.ts';
import { sharedTemplate } from './support/synthesized.ts';

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; [k: string]: any }>;

let dev: Template;
let prod: Template;
let devResources: Resources;

beforeAll(() => {
  dev = sharedTemplate('dev');
  prod = sharedTemplate('prod');
  devResources = dev.toJSON().Resources as Resources;
});

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

function statementsOf(resources: Resources): { where: string; statement: any }[] {
  const out: { where: string; statement: any }[] = [];
  const push = (where: string, doc: any) => {
    for (const statement of doc?.Statement ?? []) out.push({ where, statement });
  };
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      push(id, r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties?.Policies ?? []) push(`${id}/${p.PolicyName}`, p.PolicyDocument);
    }
  }
  return out;
}

/** A function's logical id: `<construct path>Function<hash>`, e.g. `ReportsRunReportFunction0F0F9B13`. */
const isFunctionOf = (id: string, name: string) => new RegExp(`${name}Function[0-9A-F]{8}$`).test(id);

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The function whose logical id starts with `prefix`, its id and its role's id. */
function functionNamed(resources: Resources, prefix: string) {
  const matching = ofType(resources, 'AWS::Lambda::Function').filter(([id]) => isFunctionOf(id, prefix));
  expect(matching, prefix).toHaveLength(1);
  const [id, fn] = matching[0]!;
  return { id, fn, roleId: fn.Properties!.Role['Fn::GetAtt'][0] as string };
}

/** Every IAM statement attached to a role (inline or through an AWS::IAM::Policy). */
function statementsOfRole(resources: Resources, roleId: string): any[] {
  const out: any[] = [];
  for (const p of resources[roleId]?.Properties?.Policies ?? []) out.push(...p.PolicyDocument.Statement);
  for (const [, r] of ofType(resources, 'AWS::IAM::Policy')) {
    if ((r.Properties!.Roles as any[]).some((role) => role.Ref === roleId))
      out.push(...r.Properties!.PolicyDocument.Statement);
  }
  return out;
}

describe('report schedules', () => {
  it('creates one schedule per enabled report with its cron, time zone and payload', () => {
    const schedules = ofType(devResources, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties!);
    expect(schedules).toHaveLength(2);
    const byReport = new Map(schedules.map((s) => [JSON.parse(s.Target.Input).reportId, s]));
    const enabled = config.reports.filter((r) => r.schedule.enabled);
    expect([...byReport.keys()].sort()).toEqual(enabled.map((r) => r.id).sort());
    for (const r of enabled) {
      const s = byReport.get(r.id)!;
      expect(s.ScheduleExpression).toBe(r.schedule.cron);
      expect(s.ScheduleExpressionTimezone).toBe(r.schedule.timeZone ?? config.calendar.timeZone);
      expect(JSON.parse(s.Target.Input)).toEqual({
        reportId: r.id,
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });
      expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
      expect(s.Target.DeadLetterConfig.Arn).toBeDefined();
      expect(s.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(s.GroupName).toBeDefined();
    }
  });

  it('uses the calendar time zone when a report names none', () => {
    dev.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
    });
  });

  it('gives the asynchronously invoked dispatcher retries and an on-failure destination', () => {
    const schedules = ofType(devResources, 'AWS::Scheduler::Schedule');
    const targetArns = new Set(schedules.map(([, r]) => JSON.stringify(r.Properties!.Target.Arn)));
    expect(targetArns.size).toBe(1);
    const [targetArn] = [...targetArns].map((a) => JSON.parse(a));
    const functionId = targetArn['Fn::GetAtt'][0];
    dev.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId },
      MaximumRetryAttempts: Match.anyValue(),
      MaximumEventAgeInSeconds: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});

describe('scheduler role', () => {
  it('can be assumed only by Scheduler for this account and schedule group', () => {
    const schedules = ofType(devResources, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties!);
    const roleIds = new Set(schedules.map((s) => s.Target.RoleArn['Fn::GetAtt'][0]));
    expect(roleIds.size).toBe(1);
    const role = devResources[[...roleIds][0]!]!.Properties!;
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const groupId = trust.Condition.StringEquals['aws:SourceArn']['Fn::GetAtt'][0];
    expect(devResources[groupId]!.Type).toBe('AWS::Scheduler::ScheduleGroup');
    const groupName = devResources[groupId]!.Properties!.Name;
    for (const [, s] of ofType(devResources, 'AWS::Scheduler::Schedule')) {
      expect(s.Properties!.GroupName).toEqual(groupName);
      // Named, not referenced: the schedule must still be created after its group.
      expect(asArray(s.DependsOn)).toContain(groupId);
    }
  });
});

describe('every Lambda has somewhere for failed work to go', () => {
  it('is fed by an SQS queue with a redrive policy, has an async on-failure destination, or answers its caller', () => {
    const functions = ofType(devResources, 'AWS::Lambda::Function');
    expect(functions.length).toBe(4);
    // Invoked synchronously through its function URL: a failure is the caller's HTTP error
    // (and the function's error alarm), there is no event to keep.
    const behindUrl = ofType(devResources, 'AWS::Lambda::Url').map(
      ([, r]) => r.Properties!.TargetFunctionArn['Fn::GetAtt'][0],
    );
    expect(behindUrl).toHaveLength(1);
    const mappings = ofType(devResources, 'AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties!);
    const invokeConfigs = ofType(devResources, 'AWS::Lambda::EventInvokeConfig').map(
      ([, r]) => r.Properties!,
    );
    for (const [id] of functions) {
      const fedBy = mappings.filter((m) => m.FunctionName.Ref === id);
      const onFailure = invokeConfigs.some(
        (c) => c.FunctionName.Ref === id && c.DestinationConfig?.OnFailure?.Destination,
      );
      const queuesWithDlq = fedBy.every((m) => {
        const queueId = m.EventSourceArn['Fn::GetAtt'][0];
        return devResources[queueId]?.Properties?.RedrivePolicy?.deadLetterTargetArn !== undefined;
      });
      expect(
        onFailure || (fedBy.length > 0 && queuesWithDlq) || (behindUrl.includes(id) && fedBy.length === 0),
        `function ${id}`,
      ).toBe(true);
    }
  });

  it('reports partial batch failures and lets SQS wait six function timeouts before redelivery', () => {
    const mappings = ofType(devResources, 'AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties!);
    expect(mappings.length).toBe(2);
    for (const m of mappings) {
      expect(m.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(m.BatchSize).toBeLessThanOrEqual(5);
      const fn = devResources[m.FunctionName.Ref]!.Properties!;
      const queue = devResources[m.EventSourceArn['Fn::GetAtt'][0]]!.Properties!;
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
    }
  });
});

describe('uploads pipeline', () => {
  it('notifies the ingest queue of objects created under incoming/ only', () => {
    const buckets = ofType(devResources, 'AWS::S3::Bucket').filter(
      ([, r]) => r.Properties?.NotificationConfiguration,
    );
    expect(buckets).toHaveLength(1);
    const notification = buckets[0]![1].Properties!.NotificationConfiguration;
    expect(notification.QueueConfigurations).toHaveLength(1);
    const [q] = notification.QueueConfigurations;
    expect(q.Event).toBe('s3:ObjectCreated:*');
    expect(q.Filter).toEqual({ S3Key: { Rules: [{ Name: 'prefix', Value: UPLOAD_PREFIXES.incoming }] } });
    const queueId = q.Queue['Fn::GetAtt'][0];
    expect(devResources[queueId]!.Type).toBe('AWS::SQS::Queue');
    const mapping = ofType(devResources, 'AWS::Lambda::EventSourceMapping').find(
      ([, r]) => r.Properties!.EventSourceArn['Fn::GetAtt'][0] === queueId,
    );
    expect(mapping, 'the notified queue feeds a function').toBeDefined();
    expect(devResources[queueId]!.Properties!.RedrivePolicy).toBeDefined();
  });

  it('lets only the uploads bucket of this account send to the ingest queue', () => {
    dev.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: Match.objectLike({ ArnEquals: Match.anyValue(), StringEquals: Match.anyValue() }),
          }),
        ]),
      },
    });
  });
});

describe('encryption in transit and at rest', () => {
  it('denies non-TLS requests on every bucket', () => {
    const buckets = ofType(devResources, 'AWS::S3::Bucket');
    expect(buckets.length).toBe(3);
    const policies = ofType(devResources, 'AWS::S3::BucketPolicy').map(([, r]) => r.Properties!);
    for (const [id, bucket] of buckets) {
      const policy = policies.find((p) => p.Bucket.Ref === id);
      expect(policy, `bucket policy of ${id}`).toBeDefined();
      const denyTls = policy!.PolicyDocument.Statement.find(
        (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      expect(denyTls, `TLS-only statement on ${id}`).toBeDefined();
      expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties!.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
    }
  });

  it('denies non-TLS requests on every queue and the alarm topic, and encrypts them', () => {
    const queues = ofType(devResources, 'AWS::SQS::Queue');
    const queuePolicies = ofType(devResources, 'AWS::SQS::QueuePolicy').map(([, r]) => r.Properties!);
    for (const [id, queue] of queues) {
      expect(queue.Properties!.SqsManagedSseEnabled ?? queue.Properties!.KmsMasterKeyId, id).toBeTruthy();
      const policy = queuePolicies.find((p) => p.Queues.some((q: any) => q.Ref === id));
      const denyTls = policy?.PolicyDocument.Statement.find(
        (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      );
      expect(denyTls, `TLS-only statement on ${id}`).toBeDefined();
    }
    dev.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    dev.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('versions the uploads and archive buckets and expires filed uploads', () => {
    const buckets = ofType(devResources, 'AWS::S3::Bucket').map(([, r]) => r.Properties!);
    const versioned = buckets.filter((b) => b.VersioningConfiguration?.Status === 'Enabled');
    expect(versioned).toHaveLength(2);
    const uploads = buckets.find((b) => b.NotificationConfiguration)!;
    const prefixes = uploads.LifecycleConfiguration.Rules.filter((r: any) => r.ExpirationInDays).map(
      (r: any) => r.Prefix,
    );
    expect(prefixes.sort()).toEqual([UPLOAD_PREFIXES.processed, UPLOAD_PREFIXES.rejected].sort());
    for (const b of versioned) {
      expect(b.LoggingConfiguration?.DestinationBucketName).toBeDefined();
      expect(
        b.LifecycleConfiguration.Rules.some((r: any) => r.NoncurrentVersionExpiration?.NoncurrentDays),
      ).toBe(true);
    }
  });
});

describe('lifecycle rules S3 accepts', () => {
  it('expire later than every transition, and move to Standard-IA no earlier than 30 days (dev and prod)', () => {
    for (const t of [dev, prod]) {
      const buckets = Object.values(t.findResources('AWS::S3::Bucket'));
      for (const bucket of buckets) {
        for (const rule of bucket.Properties.LifecycleConfiguration?.Rules ?? []) {
          const transitions: { StorageClass: string; TransitionInDays: number }[] = rule.Transitions ?? [];
          for (const tr of transitions) {
            if (rule.ExpirationInDays !== undefined)
              expect(rule.ExpirationInDays, `${rule.Id}: expiry after ${tr.StorageClass}`).toBeGreaterThan(
                tr.TransitionInDays,
              );
            if (tr.StorageClass === 'STANDARD_IA') expect(tr.TransitionInDays).toBeGreaterThanOrEqual(30);
          }
        }
      }
    }
  });

  it('keep the archive tiers a stage reaches before its archive expires', () => {
    expect(archiveTransitions(null).map((t) => t.storageClass.value)).toEqual(['STANDARD_IA', 'GLACIER_IR']);
    expect(archiveTransitions(90).map((t) => t.storageClass.value)).toEqual(['STANDARD_IA']);
    expect(archiveTransitions(20)).toEqual([]);
    const archiveRule = (t: Template) =>
      Object.values(t.findResources('AWS::S3::Bucket'))
        .flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? [])
        .find((r: any) => r.Id === 'archive-tiers');
    expect(archiveRule(dev)).toMatchObject({
      ExpirationInDays: 90,
      Transitions: [{ StorageClass: 'STANDARD_IA' }],
    });
    expect(archiveRule(prod).ExpirationInDays).toBeUndefined();
    expect(archiveRule(prod).Transitions).toHaveLength(2);
  });
});

describe('table', () => {
  it('keys on pk/sk, bills on demand and has point-in-time recovery', () => {
    for (const t of [dev, prod]) {
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('is protected from deletion and retained in prod, disposable in dev', () => {
    prod.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    dev.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
    });
  });
});

describe('least privilege', () => {
  it('has no IAM statement with a wildcard action', () => {
    for (const t of [dev, prod]) {
      const statements = statementsOf(t.toJSON().Resources);
      expect(statements.length).toBeGreaterThan(10);
      const wild = statements.filter(({ statement }) =>
        asArray<string>(statement.Action).some((a) => a.includes('*')),
      );
      expect(wild).toEqual([]);
    }
  });

  it('uses no AWS managed policies', () => {
    for (const [id, role] of ofType(devResources, 'AWS::IAM::Role')) {
      expect(role.Properties!.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('lets nobody create grants on the keys except for AWS resources (Control Tower CT.KMS.PR.3)', () => {
    for (const [id, key] of ofType(devResources, 'AWS::KMS::Key')) {
      const statements = key.Properties!.KeyPolicy.Statement as any[];
      const allowsGrant = statements.filter(
        (st) => st.Effect === 'Allow' && asArray<string>(st.Action).includes('kms:CreateGrant'),
      );
      expect(allowsGrant, id).toEqual([]);
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Condition: {
            BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
          },
        }),
      );
    }
  });

  it('has no wildcard action in the alarm key policy either', () => {
    for (const [, key] of ofType(devResources, 'AWS::KMS::Key')) {
      for (const s of key.Properties!.KeyPolicy.Statement) {
        expect(asArray<string>(s.Action).filter((a) => a.includes('*'))).toEqual([]);
      }
    }
  });

  it('scopes S3 object grants to prefixes, never to whole buckets', () => {
    const s3Statements = statementsOf(devResources).filter(({ statement }) =>
      asArray<string>(statement.Action).some((a) => a.startsWith('s3:')),
    );
    // No bucket-level action at all: no code asks S3 whether a key exists (HeadObject without
    // s3:ListBucket answers 403, not 404), so nothing needs s3:ListBucket.
    expect(s3Statements.length).toBeGreaterThan(0);
    const allowed = [
      UPLOAD_PREFIXES.incoming,
      UPLOAD_PREFIXES.processed,
      UPLOAD_PREFIXES.rejected,
      ARCHIVE_PREFIX,
    ];
    for (const { where, statement } of s3Statements) {
      for (const resource of asArray<any>(statement.Resource)) {
        const parts: any[] = resource['Fn::Join']?.[1] ?? [resource];
        const tail = parts.at(-1);
        expect(
          typeof tail === 'string' && allowed.some((p) => tail === `/${p}*`),
          `${where}: ${JSON.stringify(resource)}`,
        ).toBe(true);
      }
    }
  });

  it('limits SES sending to the configured identity and configuration set', () => {
    const ses = statementsOf(devResources).filter(({ statement }) =>
      asArray<string>(statement.Action).some((a) => a.startsWith('ses:')),
    );
    expect(ses.length).toBe(2); // ingest (rejections) and run-report
    for (const { statement } of ses) {
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':identity/example.com');
      expect(resources).toContain(':configuration-set/');
      expect(resources).not.toContain('"*"');
      expect(statement.Condition.StringEquals['ses:FromAddress']).toBe(config.email.from);
    }
    dev.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('creates the sender domain identity in one stage per account (prod), which dev uses by name', () => {
    // SES allows one identity per domain per account and region: two stacks creating it collide.
    prod.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    prod.resourceCountIs('AWS::SES::EmailIdentity', 1);
    dev.resourceCountIs('AWS::SES::EmailIdentity', 0);
    dev.hasOutput('SesIdentity', { Value: 'example.com' });
    expect(Object.keys(dev.toJSON().Outputs).filter((o) => o.startsWith('DkimRecord'))).toEqual([]);
    const created = buildStack({ config, stage: 'dev', overrides: { sesIdentity: 'create' } }).template;
    created.resourceCountIs('AWS::SES::EmailIdentity', 1);
    expect(() => stageSettings('dev', { sesIdentity: 'both' })).toThrow(
      /-c sesIdentity=both: expected create or import/,
    );
    dev.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });
});

describe('SES sandbox', () => {
  const sesResources = (t: Template) =>
    statementsOf(t.toJSON().Resources)
      .filter(({ statement }) => asArray<string>(statement.Action).includes('ses:SendEmail'))
      .map(({ statement }) => JSON.stringify(statement.Resource));

  it('names each configured recipient identity in dev, where the account is still in the sandbox', () => {
    for (const resources of sesResources(dev)) {
      expect(resources).toContain(':identity/boss@example.com');
      expect(resources).toContain(`:identity/${config.contacts.uploads.actuals}`);
    }
  });

  it('grants the sender identity only in prod, out of the sandbox', () => {
    const resources = sesResources(prod);
    expect(resources).toHaveLength(2);
    for (const r of resources) expect(r).not.toContain('boss@example.com');
  });
});

describe('functions', () => {
  it('run arm64 on nodejs24.x with JSON logs into their own log group', () => {
    const functions = ofType(devResources, 'AWS::Lambda::Function');
    for (const [id, fn] of functions) {
      const p = fn.Properties!;
      expect(p.Runtime, id).toBe('nodejs24.x');
      expect(p.Architectures, id).toEqual(['arm64']);
      expect(p.LoggingConfig.LogFormat, id).toBe('JSON');
      const logGroupId = p.LoggingConfig.LogGroup.Ref;
      expect(devResources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
      expect(devResources[logGroupId]!.Properties!.RetentionInDays).toBeGreaterThan(0);
      expect(p.Environment.Variables.STAGE, id).toBe('dev');
    }
    dev.resourceCountIs('Custom::LogRetention', 0);
  });

  it('give each function the environment its handler parses', () => {
    const schemas = {
      'ingest-upload': IngestUploadEnvSchema,
      'schedule-report': ScheduleReportEnvSchema,
      'run-report': RunReportEnvSchema,
      'report-link': ReportLinkEnvSchema,
    } as const;
    const functions = ofType(devResources, 'AWS::Lambda::Function');
    const seen: string[] = [];
    for (const [id, fn] of functions) {
      const name = (Object.keys(schemas) as (keyof typeof schemas)[]).find((n) =>
        isFunctionOf(
          id,
          n.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
        ),
      );
      expect(name, `which handler is ${id}`).toBeDefined();
      seen.push(name!);
      // CloudFormation references stand for strings that exist only after deployment.
      const vars = Object.fromEntries(
        Object.entries(fn.Properties!.Environment.Variables as Record<string, unknown>).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : 'resolved-at-deploy',
        ]),
      );
      const parsed = schemas[name!].safeParse(vars);
      expect(parsed.success, `${id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(vars.STAGE).toBe('dev');
    }
    expect(seen.sort()).toEqual(Object.keys(schemas).sort());
  });

  it('take memory, timeout and heap cap from the benchmark sizing, memory within the stage limit', () => {
    const sizing = loadLambdaSizing();
    const limit = stageSettings('dev').lambdaMemoryMaxMb;
    expect(limit).toBe(3008);
    const functions = ofType(devResources, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(sizing).length);
    for (const [name, size] of Object.entries(sizing)) {
      const logicalPrefix = name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
      const matching = functions.filter(([id]) => isFunctionOf(id, logicalPrefix));
      expect(matching, name).toHaveLength(1);
      const p = matching[0]![1].Properties!;
      const deployed = capSize(size, limit).size;
      expect(p.MemorySize, name).toBe(Math.min(size.memoryMb, limit));
      expect(p.Timeout, name).toBe(size.timeoutS);
      expect(p.Environment.Variables.NODE_OPTIONS, name).toContain(`--max-old-space-size=${deployed.heapMb}`);
    }
  });

  it('cut a benchmark size above the new-account limit to 3,008 MB with a warning, unless the stage raises it', () => {
    // A benchmark that asks for more than 3,008 MB for ingest-upload: the case this guards.
    const sizes = {
      ...loadLambdaSizing(),
      'ingest-upload': { memoryMb: 4096, timeoutS: 745, heapMb: 3072 },
    };
    expect(capSize({ memoryMb: 4096, timeoutS: 745, heapMb: 3072 }, 3008)).toEqual({
      size: { memoryMb: 3008, timeoutS: 745, heapMb: 2256 },
      capped: true,
    });
    expect(capSize({ memoryMb: 256, timeoutS: 55, heapMb: 192 }, 3008).capped).toBe(false);
    const ingestMemory = (t: Template) =>
      Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) =>
        isFunctionOf(id, 'IngestUpload'),
      )![1].Properties.MemorySize;
    expect(ingestMemory(buildStack({ config, stage: 'dev', sizes }).template)).toBe(3008);
    expect(ingestMemory(buildStack({ config, stage: 'prod', sizes }).template)).toBe(3008);
    const { app, template } = buildStack({
      config,
      stage: 'prod',
      sizes,
      overrides: { lambdaMemoryMaxMb: '4096' },
    });
    expect(ingestMemory(template)).toBe(4096);
    expect(() => stageSettings('prod', { lambdaMemoryMaxMb: '20000' })).toThrow(
      /lambdaMemoryMaxMb=20000: expected/,
    );
    // The capped default says what it costs and how to lift it.
    const capped = buildStack({ config, stage: 'dev', sizes });
    const warnings = Annotations.fromStack(capped.stack).findWarning(
      '*',
      Match.stringLikeRegexp('memory-capped'),
    );
    expect(JSON.stringify(warnings)).toContain('-c lambdaMemoryMaxMb=4096');
    expect(
      Annotations.fromStack(app.node.findChild('PlanMonitor-prod') as Stack).findWarning(
        '*',
        Match.stringLikeRegexp('memory-capped'),
      ),
    ).toEqual([]);
  });

  it('refuses a sizing file that Lambda could not deploy, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sizing-'));
    const file = join(dir, 'lambda-sizing.json');
    const good = JSON.parse(readFileSync(new URL('../../infra/lambda-sizing.json', import.meta.url), 'utf8'));
    good.functions['run-report'].timeoutS = 1200;
    writeFileSync(file, JSON.stringify(good));
    expect(() => loadLambdaSizing(file)).toThrow(/functions\.run-report\.timeoutS: .*npm run bench/);
    expect(() => loadLambdaSizing(join(dir, 'missing.json'))).toThrow(/cannot read the Lambda sizing/);
  });

  it('keeps logs longer in prod than in dev', () => {
    const retention = (t: Template) =>
      Object.values(t.findResources('AWS::Logs::LogGroup')).map((r: any) => r.Properties.RetentionInDays);
    expect(Math.min(...retention(prod))).toBeGreaterThan(Math.max(...retention(dev)));
  });
});

describe('alarms', () => {
  it('alarm on every dead-letter queue, every function, the scheduler and unsent report runs', () => {
    const alarms = ofType(devResources, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties!);
    const dlqIds = ofType(devResources, 'AWS::SQS::Queue')
      .filter(
        ([id]) =>
          !ofType(devResources, 'AWS::Lambda::EventSourceMapping').some(
            ([, m]) => m.Properties!.EventSourceArn['Fn::GetAtt'][0] === id,
          ),
      )
      .map(([id]) => id);
    expect(dlqIds).toHaveLength(4);
    for (const id of dlqIds) {
      expect(
        alarms.some(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            a.Dimensions[0].Value['Fn::GetAtt'][0] === id,
        ),
        `DLQ alarm for ${id}`,
      ).toBe(true);
    }
    for (const [id] of ofType(devResources, 'AWS::Lambda::Function')) {
      expect(
        alarms.some((a) => a.MetricName === 'Errors' && a.Dimensions[0].Value.Ref === id),
        `error alarm for ${id}`,
      ).toBe(true);
    }
    const scheduler = alarms.filter((a) => a.Namespace === 'AWS/Scheduler').map((a) => a.MetricName);
    expect(scheduler).toEqual(expect.arrayContaining(['TargetErrorCount', 'InvocationDroppedCount']));
    expect(
      alarms.some(
        (a) =>
          a.Namespace === REPORT_RUN_FAILED_METRIC.namespace &&
          a.MetricName === REPORT_RUN_FAILED_METRIC.metricName,
      ),
    ).toBe(true);
    // Every alarm notifies the one operators' topic, and nothing else.
    const topics = ofType(devResources, 'AWS::SNS::Topic').map(([id]) => id);
    expect(topics).toHaveLength(1);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topics[0] }]);
  });

  it('takes a crashed report run over: its lease outlives the function and ends before the queue redelivers', () => {
    const runReport = ofType(devResources, 'AWS::Lambda::Function').filter(([id]) =>
      isFunctionOf(id, 'RunReport'),
    );
    expect(runReport).toHaveLength(1);
    const [fnId, fn] = runReport[0]!;
    const lease = Number(fn.Properties?.Environment.Variables.RUN_LEASE_SECONDS);
    expect(lease).toBeGreaterThan(fn.Properties?.Timeout);
    const queues = ofType(devResources, 'AWS::SQS::Queue').filter(([id]) => /JobsQueue[0-9A-F]{8}$/.test(id));
    expect(queues).toHaveLength(1);
    expect(queues[0]![1].Properties?.VisibilityTimeout).toBeGreaterThan(lease);
    // and at most REPORT_CONCURRENCY scopes run at once, whatever the number of scopes
    dev.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId },
      ScalingConfig: { MaximumConcurrency: REPORT_CONCURRENCY },
    });
  });

  it('mails the operators from the configuration', () => {
    dev.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.contacts.operators,
    });
  });
});

describe('report links', () => {
  const keyId = () => {
    const keys = ofType(devResources, 'AWS::KMS::Key').filter(
      ([, k]) => k.Properties?.KeySpec === 'HMAC_256',
    );
    expect(keys).toHaveLength(1);
    return keys[0]![0];
  };

  it('sign with a KMS HMAC key (HMAC_256, generate/verify MAC), which cannot rotate', () => {
    dev.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
      EnableKeyRotation: false,
    });
    const policy = devResources[keyId()]!.Properties!.KeyPolicy.Statement as any[];
    const actions = policy.flatMap((st) => asArray<string>(st.Action));
    expect(actions).toEqual(
      expect.arrayContaining(['kms:GenerateMac', 'kms:VerifyMac', 'kms:ScheduleKeyDeletion']),
    );
    expect(actions).not.toContain('kms:Decrypt');
    expect(prod.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } })).not.toEqual({});
    const prodKey = Object.values(
      prod.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } }),
    )[0];
    expect(prodKey?.DeletionPolicy).toBe('Retain');
  });

  it('are served by the report-link function behind a public function URL, given as a stack output', () => {
    const link = functionNamed(devResources, 'ReportLink');
    dev.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [link.id, 'Arn'] },
      Cors: Match.absent(),
    });
    dev.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
      FunctionName: { 'Fn::GetAtt': [link.id, 'Arn'] },
    });
    const urlId = ofType(devResources, 'AWS::Lambda::Url')[0]![0];
    dev.hasOutput('ReportLinkUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
    dev.hasOutput('ReportLinkKeyArn', { Value: { 'Fn::GetAtt': [keyId(), 'Arn'] } });
    expect(link.fn.Properties!.Runtime).toBe('nodejs24.x');
    expect(link.fn.Properties!.Architectures).toEqual(['arm64']);
    const vars = link.fn.Properties!.Environment.Variables;
    expect(vars.OPERATORS_EMAIL).toBe(config.contacts.operators);
    expect(vars.LINK_KEY_ID).toEqual({ 'Fn::GetAtt': [keyId(), 'Arn'] });
    expect(vars.TABLE_NAME).toBeUndefined();
  });

  it('let run-report sign (kms:GenerateMac on that key only) and point its links at the function URL', () => {
    const run = functionNamed(devResources, 'RunReport');
    const kmsStatements = statementsOfRole(devResources, run.roleId).filter((st) =>
      asArray<string>(st.Action).some((a) => a.startsWith('kms:')),
    );
    expect(kmsStatements).toEqual([
      expect.objectContaining({
        Action: 'kms:GenerateMac',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [keyId(), 'Arn'] },
      }),
    ]);
    const urlId = ofType(devResources, 'AWS::Lambda::Url')[0]![0];
    const vars = run.fn.Properties!.Environment.Variables;
    expect(vars.LINK_KEY_ID).toEqual({ 'Fn::GetAtt': [keyId(), 'Arn'] });
    expect(vars.LINK_BASE_URL).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
  });

  it('let the link function only verify (kms:VerifyMac on that key) and read archived reports under reports/', () => {
    const link = functionNamed(devResources, 'ReportLink');
    const statements = statementsOfRole(devResources, link.roleId);
    const actions = statements.flatMap((st) => asArray<string>(st.Action)).sort();
    expect(actions).toEqual(['kms:VerifyMac', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject']);
    const verify = statements.find((st) => st.Action === 'kms:VerifyMac');
    expect(verify.Resource).toEqual({ 'Fn::GetAtt': [keyId(), 'Arn'] });
    const read = statements.find((st) => st.Action === 's3:GetObject');
    const archiveId = ofType(devResources, 'AWS::S3::Bucket').find(([id]) =>
      /ArchiveBucket[0-9A-F]{8}$/.test(id),
    )![0];
    expect(read.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, `/${ARCHIVE_PREFIX}*`]],
    });
  });

  it('bound the public link function by reserved concurrency in prod, not on a new account (dev default)', () => {
    const reserved = (t: Template) =>
      Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) =>
        isFunctionOf(id, 'ReportLink'),
      )![1].Properties.ReservedConcurrentExecutions;
    expect(reserved(prod)).toBe(10);
    // A new account's quota of 10 leaves no room: Lambda keeps at least 10 unreserved.
    expect(reserved(dev)).toBeUndefined();
    expect(
      reserved(buildStack({ config, stage: 'dev', overrides: { reportLinkConcurrency: '5' } }).template),
    ).toBe(5);
    expect(
      reserved(buildStack({ config, stage: 'prod', overrides: { reportLinkConcurrency: 'none' } }).template),
    ).toBeUndefined();
    expect(() => stageSettings('prod', { reportLinkConcurrency: '0' })).toThrow(
      /a whole number ≥ 1, or none/,
    );
  });

  it('let no other role use the key', () => {
    const run = functionNamed(devResources, 'RunReport').roleId;
    const link = functionNamed(devResources, 'ReportLink').roleId;
    for (const [roleId] of ofType(devResources, 'AWS::IAM::Role')) {
      if (roleId === run || roleId === link) continue;
      const kmsActions = statementsOfRole(devResources, roleId)
        .flatMap((st) => asArray<string>(st.Action))
        .filter((a) => a.startsWith('kms:'));
      expect(kmsActions, roleId).toEqual([]);
    }
  });

  it('refuse a link lifetime longer than a stage keeps archived reports', () => {
    const long = testConfig([{ ...report('weekly-progress'), attachment: { linkDays: 120 } }]);
    expect(() => assertLinksWithinArchive(long, stageSettings('dev'))).toThrow(
      /reports\[0\]\.attachment\.linkDays: .*120 days would outlive the 90 days the dev stage keeps/,
    );
    expect(() => assertLinksWithinArchive(long, stageSettings('prod'))).not.toThrow();
    expect(() => buildStack({ config: long, stage: 'dev' })).toThrow(/linkDays/);
    expect(config.reports[0]!.attachment.linkDays).toBe(30);
  });
});
