import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSize } from '../lambda-sizing.ts';
import type { StageSettings } from '../stage.ts';
import { nodeOptions } from '../v8-flags.ts';

/** Repository root: entries, the lock file and tsconfig are resolved from here, never from `cwd`. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PlanFunctionProps {
  /** Folder under `functions/` holding `handler.ts` (exporting `handler`). */
  readonly name: 'ingest-upload' | 'schedule-report' | 'run-report' | 'report-link';
  readonly description: string;
  /** From the benchmark (infra/lambda-sizing.json). */
  readonly size: FunctionSize;
  /** Built from the function's zod env schema input type, so a missing variable does not compile. */
  readonly environment: Readonly<Record<string, string>>;
  readonly stage: StageSettings;
  /** V8 young-generation size (`--max-semi-space-size`), where the benchmark showed a gain. */
  readonly semiSpaceMb?: number;
}

/**
 * One Lambda function the way this project wants all of them: esbuild-bundled minified ESM on
 * arm64 and the newest Node.js runtime, JSON logs into an explicit log group (retention per
 * stage, no `logRetention` custom resource), and its own role whose only built-in permission is
 * writing to that log group — callers add every other permission explicitly.
 */
export class PlanFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PlanFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });

    // No AWS managed policy (AWSLambdaBasicExecutionRole would allow every log group in the
    // account): the function may write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.name} function`,
      inlinePolicies: {
        Logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              // logGroupArn ends in `:*`, which covers the group's log streams.
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.size.memoryMb,
      timeout: Duration.seconds(props.size.timeoutS),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        ...props.environment,
        // Cap V8's heap below the sandbox's memory: V8 then collects garbage in time instead of
        // growing until Lambda kills the process (heapMb: bench/sizing.md).
        NODE_OPTIONS: nodeOptions(props.size.heapMb, props.semiSpaceMb),
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require(); ESM output has none, so give it one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
  }
}
