import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { PlanConfig } from '../../shared/config/schema.ts';
import type { StageSettings } from '../stage.ts';

/**
 * SES sending: the stage's configuration set and the sender's domain identity — created by the
 * one stage that owns it in this account and region (StageSettings.sesIdentity), used by name
 * everywhere else, since SES allows one identity per domain per account and region.
 */
export class Email extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly fromDomain: string;
  /** The identity this stack created, or `undefined` when it uses another stage's. */
  readonly createdIdentity: ses.EmailIdentity | undefined;
  private readonly sendStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: { stage: StageSettings; config: PlanConfig }) {
    super(scope, id);
    const { stage, config } = props;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: stage.prefix,
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const fromAddress = config.email.from;
    this.fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);
    this.createdIdentity =
      stage.sesIdentity === 'create'
        ? new ses.EmailIdentity(this, 'SenderIdentity', {
            identity: ses.Identity.domain(this.fromDomain),
            configurationSet: this.configurationSet,
          })
        : undefined;

    const stack = Stack.of(this);
    const identityArn = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    // In the SES sandbox every recipient is a verified identity that SES also authorizes.
    const sandboxRecipients = stage.sesSandbox
      ? [
          ...new Set([
            ...config.reports.flatMap((r) => r.recipients.map((p) => p.email.toLowerCase())),
            ...Object.values(config.contacts.uploads).map((e) => e.toLowerCase()),
          ]),
        ].sort()
      : [];
    // SESv2 SendEmail (simple and raw content alike) is authorized as ses:SendEmail.
    this.sendStatement = new iam.PolicyStatement({
      sid: 'SendFromConfiguredIdentity',
      actions: ['ses:SendEmail'],
      resources: [
        identityArn(this.fromDomain),
        identityArn(fromAddress),
        ...sandboxRecipients.map(identityArn),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
    });
  }

  /** Lets a role send from the configured address through this stage's configuration set. */
  grantSend(role: iam.IRole): void {
    role.addToPrincipalPolicy(this.sendStatement);
  }
}
