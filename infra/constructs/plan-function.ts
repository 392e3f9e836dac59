import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { capSize, type FunctionSize } from '../lambda-sizing.ts';
import { acknowledgeControl } from '../policy-checks.ts';
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
  /** Reserved concurrency: the function's ceiling (and a share of the account's quota). */
  readonly reservedConcurrency?: number;
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
  /** The size it is deployed with: the benchmark's, within the stage's memory limit. */
  readonly size: FunctionSize;

  constructor(scope: Construct, id: string, props: PlanFunctionProps) {
    super(scope, id);
    // The benchmark may ask for more memory than the account allows (3,008 MB on a new
    // account): deploy within the stage's limit and say what that costs.
    const { size, capped } = capSize(props.size, props.stage.lambdaMemoryMaxMb);
    this.size = size;
    if (capped) {
      Annotations.of(this).addWarningV2(
        'plan-monitor:memory-capped',
        `${props.name}: the benchmark sizes it at ${props.size.memoryMb} MB; deployed with ${size.memoryMb} MB (heap ${size.heapMb} MB), the stage's lambdaMemoryMaxMb. The largest uploads the plan allows may run out of memory: after a Lambda memory quota increase, deploy with -c lambdaMemoryMaxMb=${props.size.memoryMb}.`,
      );
    }

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
      memorySize: size.memoryMb,
      timeout: Duration.seconds(size.timeoutS),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        ...props.environment,
        // Cap V8's heap below the sandbox's memory: V8 then collects garbage in time instead of
        // growing until Lambda kills the process (heapMb: bench/sizing.md).
        NODE_OPTIONS: nodeOptions(size.heapMb, props.semiSpaceMb),
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        minify: true,
        // The map ships beside the bundle for reading a minified stack trace, but Node does not
        // load it: NODE_OPTIONS has no --enable-source-maps (infra/v8-flags.ts says why).
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        // The AWS SDK goes into the bundle (its ES modules, tree-shaken) instead of being
        // resolved from the runtime's CommonJS copy: esbuild hoists every import of an external
        // package to the top of the ESM output, so with the SDK external Node loaded all of it
        // at module load, through its CommonJS loader, even where a handler imports its adapters
        // on the first event. Bundled, the SDK is evaluated only when the handler reaches it, and
        // the version deployed is the one the tests ran against. Module load 430–470 → 165–220 ms
        // CPU for ingest-upload and run-report (bench/NOTES.md, "Lambda cold start").
        bundleAwsSDK: true,
        // Some CommonJS dependencies call require(); ESM output has none, so give it one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
    acknowledgeControl(
      this,
      'lambda_inside_vpc_check',
      'The function reaches only AWS APIs (S3, DynamoDB, SES, SQS, KMS) and no private network resource; a VPC would add NAT or five interface endpoints per AZ, cost and cold-start time without protecting anything.',
    );
    acknowledgeControl(
      this,
      'cloudwatch_log_group_encrypted_check',
      'CloudWatch Logs encrypts every log group at rest with its own keys; the logs hold operational events (keys, counts, error text), and a customer-managed key would add a key policy for the logs service per region without reducing who can read them (IAM decides that).',
    );
    if (props.stage.logRetention < logs.RetentionDays.ONE_YEAR) {
      acknowledgeControl(
        this,
        'cloudwatch_log_group_retention_period_check',
        `The ${props.stage.name} stage is a throw-away stack: its logs are kept ${props.stage.logRetention} days and deleted with it; prod keeps them a year.`,
      );
    }
  }
}
