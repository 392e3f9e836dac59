/**
 * IAM contract: for each function, every AWS API call its code can make (derived from the code:
 * support/aws-calls.ts) is granted by its role in the synthesized template, and every action the
 * role grants is needed by such a call or by what Lambda itself does for the function (logs,
 * its SQS poller, its on-failure destination). A new SDK call without a grant, or a grant left
 * behind when a call goes, fails here, naming the call site or the statement.
 */
/** biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation JSON is untyped */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/plan-function.ts';
import type { FunctionName } from '../../infra/lambda-sizing.ts';
import { actionsFor, createProgram, sdkCallsOf } from './support/aws-calls.ts';
import { sharedTemplate } from './support/synthesized.ts';

const FUNCTIONS: readonly FunctionName[] = ['ingest-upload', 'schedule-report', 'run-report', 'report-link'];
const entryOf = (name: FunctionName) => path.join(PROJECT_ROOT, 'functions', name, 'handler.ts');
const logicalName = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** What a function's code needs: action → the call sites that need it. */
type Needs = Map<string, string[]>;

let codeNeeds: Map<FunctionName, Needs>;

beforeAll(() => {
  const program = createProgram(FUNCTIONS.map(entryOf));
  codeNeeds = new Map(
    FUNCTIONS.map((name) => {
      const needs: Needs = new Map();
      for (const call of sdkCallsOf(program, entryOf(name))) {
        for (const action of actionsFor(call)) {
          needs.set(action, [...(needs.get(action) ?? []), `${call.operation} at ${call.at}`]);
        }
      }
      return [name, needs];
    }),
  );
});

/**
 * What Lambda does with the function's role besides running its code, read from the template:
 * writing its logs, polling the queues that feed it, sending failed async events to a queue.
 */
function platformNeeds(resources: Record<string, any>, functionId: string): Needs {
  const needs: Needs = new Map();
  const add = (why: string, ...actions: string[]) => {
    for (const a of actions) needs.set(a, [...(needs.get(a) ?? []), why]);
  };
  if (resources[functionId].Properties.LoggingConfig?.LogGroup)
    add('Lambda writes the function logs', 'logs:CreateLogStream', 'logs:PutLogEvents');
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::EventSourceMapping' && p.FunctionName?.Ref === functionId) {
      const source = resources[p.EventSourceArn?.['Fn::GetAtt']?.[0]];
      if (source?.Type === 'AWS::SQS::Queue')
        add(
          'Lambda polls the SQS queue feeding it',
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
        );
    }
    if (r.Type === 'AWS::Lambda::EventInvokeConfig' && p.FunctionName?.Ref === functionId) {
      const destination = resources[p.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt']?.[0]];
      if (destination?.Type === 'AWS::SQS::Queue')
        add('Lambda sends failed asynchronous events to its on-failure queue', 'sqs:SendMessage');
    }
  }
  return needs;
}

/** Every Allow action of a role, inline or through attached AWS::IAM::Policy, with its statement id. */
function grantsOf(resources: Record<string, any>, roleId: string): Map<string, string[]> {
  const statements: { where: string; st: any }[] = [];
  for (const p of resources[roleId]?.Properties?.Policies ?? [])
    for (const st of p.PolicyDocument.Statement) statements.push({ where: `${roleId}/${p.PolicyName}`, st });
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === roleId))
      for (const st of r.Properties.PolicyDocument.Statement) statements.push({ where: id, st });
  }
  const grants = new Map<string, string[]>();
  for (const { where, st } of statements) {
    if (st.Effect !== 'Allow') continue;
    for (const action of asArray<string>(st.Action))
      grants.set(action, [...(grants.get(action) ?? []), `${where}${st.Sid ? ` (${st.Sid})` : ''}`]);
  }
  return grants;
}

/** Problems of one template: calls not granted, grants not used. Empty when the contract holds. */
function contractProblems(template: any): string[] {
  const resources = template.Resources as Record<string, any>;
  const problems: string[] = [];
  for (const name of FUNCTIONS) {
    const functions = Object.keys(resources).filter(
      (id) =>
        resources[id].Type === 'AWS::Lambda::Function' &&
        new RegExp(`${logicalName(name)}Function[0-9A-F]{8}$`).test(id),
    );
    if (functions.length !== 1) {
      problems.push(`${name}: expected one function in the template, found ${functions.length}`);
      continue;
    }
    const functionId = functions[0]!;
    const roleId = resources[functionId].Properties.Role['Fn::GetAtt'][0];
    const needs: Needs = new Map([...codeNeeds.get(name)!, ...platformNeeds(resources, functionId)]);
    const grants = grantsOf(resources, roleId);
    for (const [action, sites] of needs) {
      if (!grants.has(action))
        problems.push(
          `${name}: needs ${action} (${sites.join('; ')}) but its role ${roleId} does not grant it`,
        );
    }
    for (const [action, statements] of grants) {
      if (!needs.has(action))
        problems.push(
          `${name}: role grants ${action} (${statements.join('; ')}) but no call of the function needs it`,
        );
    }
  }
  return problems;
}

describe('IAM contract: each function’s role grants exactly what its code calls', () => {
  it('holds in the dev and prod templates', () => {
    for (const stage of ['dev', 'prod'] as const) {
      expect(contractProblems(sharedTemplate(stage).toJSON()), stage).toEqual([]);
    }
  });

  it('derives the calls from the code of each function', () => {
    const actions = (name: FunctionName) => [...codeNeeds.get(name)!.keys()];
    // Each function reaches its own adapters' calls through the ports it uses, not every call
    // of the classes it bundles: only run-report signs links, only report-link checks them.
    expect(actions('report-link')).toEqual(expect.arrayContaining(['kms:VerifyMac', 's3:GetObject']));
    expect(actions('report-link')).not.toContain('kms:GenerateMac');
    expect(actions('run-report')).toContain('kms:GenerateMac');
    expect(actions('run-report')).not.toContain('kms:VerifyMac');
    expect(actions('schedule-report')).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(actions('ingest-upload')).toEqual(expect.arrayContaining(['ses:SendEmail', 's3:GetObject']));
  });

  it('maps calls to the IAM actions AWS checks, not just the operation name', () => {
    const call = (
      pkg: string,
      operation: string,
      always: string[] = [],
      sometimes: string[] = [],
      nested: string[] = [],
    ) =>
      actionsFor({
        pkg,
        operation,
        at: 'x.ts:1',
        always: new Set(always),
        sometimes: new Set(sometimes),
        nested: new Set(nested),
      });
    // Without s3:ListBucket, S3 answers a HEAD of a missing key 403, not 404.
    expect(call('@aws-sdk/client-s3', 'HeadObject', ['Bucket', 'Key'])).toEqual([
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect(call('@aws-sdk/client-s3', 'GetObject', ['Bucket', 'Key'], ['VersionId'])).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
    ]);
    expect(call('@aws-sdk/client-s3', 'DeleteObject', ['Bucket', 'Key', 'VersionId'])).toEqual([
      's3:DeleteObjectVersion',
    ]);
    expect(call('@aws-sdk/client-s3', 'CopyObject', ['Bucket', 'Key', 'CopySource'])).toEqual([
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(
      call('@aws-sdk/lib-dynamodb', 'TransactWrite', ['TransactItems'], [], ['Put', 'ConditionCheck']),
    ).toEqual(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem']);
    expect(call('@aws-sdk/lib-dynamodb', 'Query')).toEqual(['dynamodb:Query']);
    expect(call('@aws-sdk/client-sesv2', 'SendEmail')).toEqual(['ses:SendEmail']);
    expect(call('@aws-sdk/client-sqs', 'SendMessageBatch')).toEqual(['sqs:SendMessage']);
    expect(() => call('@aws-sdk/client-ec2', 'RunInstances')).toThrow(/no IAM service prefix/);
  });

  it('fails, naming the call, when a needed grant is removed — and when an unneeded one is added', () => {
    const template = structuredClone(sharedTemplate('dev').toJSON());
    const resources = template.Resources as Record<string, any>;
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      for (const st of r.Properties.PolicyDocument.Statement) {
        st.Action = asArray<string>(st.Action).filter((a) => a !== 'kms:VerifyMac');
        if (st.Sid === 'QueueReportJobs') st.Action = [...asArray(st.Action), 'sqs:PurgeQueue'];
      }
    }
    const problems = contractProblems(template);
    expect(problems).toEqual([
      expect.stringMatching(
        /^schedule-report: role grants sqs:PurgeQueue \(.*\(QueueReportJobs\)\) but no call of the function needs it$/,
      ),
      expect.stringMatching(
        /^report-link: needs kms:VerifyMac \(VerifyMac at shared\/adapters\/kms-mac-key\.ts:\d+\) but its role .* does not grant it$/,
      ),
    ]);
  });
});
