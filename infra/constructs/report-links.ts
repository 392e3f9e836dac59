import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ReportLinkEnvInput } from '../../shared/config/env.ts';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { FunctionSize } from '../lambda-sizing.ts';
import { ARCHIVE_PREFIX } from '../names.ts';
import { acknowledgeControl } from '../policy-checks.ts';
import type { StageSettings } from '../stage.ts';
import { grantObjects } from './grants.ts';
import { accountAdministersKey, denyGrantsExceptForAwsServices } from './key-policy.ts';
import { PlanFunction } from './plan-function.ts';
import type { Storage } from './storage.ts';

export interface ReportLinksProps {
  readonly stage: StageSettings;
  readonly config: PlanConfig;
  readonly storage: Storage;
  readonly size: FunctionSize;
  readonly common: { readonly POWERTOOLS_SERVICE_NAME: string; readonly STAGE: string };
}

/**
 * A workbook too large to attach is emailed as `<function URL>?t=<token>`: run-report signs
 * (archive key, expiry) with this HMAC key; the report-link function checks the MAC and the
 * expiry and redirects to a presigned download valid for a few minutes. The link thus lives
 * exactly as long as its token says, not as long as some role's credentials.
 */
export class ReportLinks extends Construct {
  readonly key: kms.Key;
  readonly fn: PlanFunction;
  /** The function's public URL, the base of every emailed download link. */
  readonly url: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: ReportLinksProps) {
    super(scope, id);
    const { stage, config, storage } = props;
    assertLinksWithinArchive(config, stage);
    this.key = new kms.Key(this, 'Key', {
      description: 'Signs (run-report) and verifies (report-link) the download links in report emails',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      // KMS rotates symmetric encryption keys only; an HMAC key cannot rotate (cdk-nag's KMS5
      // checks symmetric keys only). A leaked token is bounded by its own expiry; disabling the
      // key invalidates every link at once.
      enableKeyRotation: false,
      removalPolicy: stage.removalPolicy,
      // The account administers the key; IAM policies may grant exactly the MAC operations
      // (each function's role gets one of them, on this key only).
      policy: new iam.PolicyDocument({
        statements: [
          accountAdministersKey(),
          denyGrantsExceptForAwsServices(),
          new iam.PolicyStatement({
            sid: 'IamPoliciesGrantMacOperations',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:GenerateMac', 'kms:VerifyMac'],
            resources: ['*'],
          }),
        ],
      }),
    });

    const environment: Required<ReportLinkEnvInput> = {
      ...props.common,
      ARCHIVE_BUCKET: storage.archiveBucket.bucketName,
      LINK_KEY_ID: this.key.keyArn,
      OPERATORS_EMAIL: config.contacts.operators,
    };
    this.fn = new PlanFunction(this, 'ReportLink', {
      name: 'report-link',
      description: 'Opens an emailed report link: checks its signed token, redirects to a fresh download',
      size: props.size,
      environment,
      stage,
      // Public, so bounded: a flood of link requests cannot take the account's whole
      // concurrency from ingest and report runs (null on a new account: see StageSettings).
      reservedConcurrency: stage.reportLinkConcurrency ?? undefined,
    });
    this.fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'VerifyReportLinks',
        actions: ['kms:VerifyMac'],
        resources: [this.key.keyArn],
      }),
    );
    grantObjects(
      this.fn,
      'DownloadArchivedReports',
      storage.archiveBucket,
      ARCHIVE_PREFIX,
      ['s3:GetObject'],
      'archived report workbooks (presigned downloads)',
    );
    // Public on purpose: recipients open it from their mail, with no AWS identity. The token is
    // the credential (HMAC by a key only run-report may use); GET only, checked by the handler.
    this.url = this.fn.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    const publicOnPurpose =
      'Recipients open report links from their mail with no AWS identity; the HMAC token in ?t= (signed by a key only run-report may use, checked with its expiry by the handler) is the credential, and the function only redirects to a short presigned download.';
    acknowledgeControl(this.fn, 'lambda_function_url_auth_check', publicOnPurpose);
    acknowledgeControl(this.fn, 'lambda_function_public_access_prohibited_check', publicOnPurpose);
  }

  /** Lets a role sign report links (kms:GenerateMac on this key only). */
  grantSign(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SignReportLinks',
        actions: ['kms:GenerateMac'],
        resources: [this.key.keyArn],
      }),
    );
  }
}

/**
 * A report link must not outlive the workbook it points to: refuse (at synth) a report whose
 * `attachment.linkDays` is longer than the stage keeps archived reports.
 */
export function assertLinksWithinArchive(config: PlanConfig, stage: StageSettings): void {
  const keep = stage.archiveExpirationDays;
  if (keep === null) return;
  config.reports.forEach((report, i) => {
    if (report.attachment.linkDays > keep) {
      throw new Error(
        `reports[${i}].attachment.linkDays: report "${report.id}": links valid ${report.attachment.linkDays} days would outlive the ${keep} days the ${stage.name} stage keeps archived reports (infra/stage.ts archiveExpirationDays): use at most ${keep}`,
      );
    }
  });
}
