import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../../src/config/settings";
import type { Naming } from "../../src/naming";
import { statefulOptions } from "../../src/protection";
import type { AwsAccount } from "./kms";
import type { AwsMonitoring } from "./monitoring";
import { servicePrincipalTrust } from "./policies";
import { awsName } from "./naming";

export interface AuditTrailArgs {
  naming: Naming;
  tags: Record<string, string>;
  protection: ProtectionSettings;
  account: AwsAccount;
  monitoring: AwsMonitoring;
  /** Key that encrypts the trail's objects; its policy must admit CloudTrail. */
  keyArn: pulumi.Input<string>;
}

export interface AuditTrail {
  /** Log group receiving the trail's events, for metric filters. */
  logGroupName: pulumi.Output<string>;
}

/**
 * A CloudTrail trail of the stack's region, so that every `GetSecretValue` is recorded: to an S3
 * archive (KMS-encrypted, versioned, public access blocked, TLS only, digest-validated) and to a
 * CloudWatch log group for metric filters.
 *
 * Single-region by choice: the secrets live in this region, Secrets Manager records its data
 * events (GetSecretValue) as management events of the region they happen in, and accounts
 * usually already have an organisation-wide multi-region trail that a second one would duplicate.
 */
export function createAuditTrail(
  parent: pulumi.Resource,
  name: string,
  args: AuditTrailArgs,
): AuditTrail {
  const { naming, tags, protection, account } = args;
  const archive = statefulOptions(protection);

  // The archive bucket; its name carries the account id because bucket names are global.
  const bucket = new s3.Bucket(
    `${name}-audit-bucket`,
    {
      bucket: pulumi.interpolate`${awsName(naming, "audit", "bucket")}-${account.accountId}`,
      // Staging must be destroyable although the bucket is versioned and never empty.
      forceDestroy: !protection.deletionProtection,
      tags,
    },
    { parent, ...archive },
  );
  const publicAccess = new s3.BucketPublicAccessBlock(
    `${name}-audit-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  new s3.BucketVersioning(
    `${name}-audit-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  new s3.BucketServerSideEncryptionConfiguration(
    `${name}-audit-encryption`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: args.keyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    { parent },
  );

  // CloudTrail may write this account's trails into the bucket; nobody may use plain HTTP.
  const trailName = awsName(naming, "audit", "trail");
  const bucketPolicy = new s3.BucketPolicy(
    `${name}-audit-bucket-policy`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, account.accountId])
        .apply(([arn, accountId]) => JSON.stringify(trailBucketPolicy(arn, accountId))),
    },
    { parent, dependsOn: [publicAccess] },
  );

  // The CloudWatch Logs copy of the trail, under the platform's retention and logs key.
  const logGroup = args.monitoring.logGroup(
    parent,
    `${name}-audit-logs`,
    `/${awsName(naming, "logs", "logGroup")}/audit-trail`,
    protection,
  );
  const deliveryRole = new iam.Role(
    `${name}-audit-delivery-role`,
    {
      name: awsName(naming, "audit-delivery", "iamRole"),
      assumeRolePolicy: JSON.stringify(servicePrincipalTrust("cloudtrail.amazonaws.com")),
      tags,
    },
    { parent },
  );
  const deliveryPolicy = new iam.RolePolicy(
    `${name}-audit-delivery-policy`,
    {
      role: deliveryRole.name,
      policy: logGroup.arn.apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: `${arn}:*`,
            },
          ],
        }),
      ),
    },
    { parent },
  );

  // The trail itself: management events (GetSecretValue among them), digest files for integrity.
  new cloudtrail.Trail(
    `${name}-audit-trail`,
    {
      name: trailName,
      s3BucketName: bucket.id,
      kmsKeyId: args.keyArn,
      enableLogFileValidation: true,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: deliveryRole.arn,
      tags,
    },
    { parent, dependsOn: [bucketPolicy, deliveryPolicy] },
  );

  return { logGroupName: logGroup.name };
}

/** The bucket policy CloudTrail needs, plus a TLS-only guard. */
export function trailBucketPolicy(bucketArn: string, accountId: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudTrailReadsAcl",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "CloudTrailWritesThisAccountsLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
        Condition: {
          StringEquals: {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceAccount": accountId,
          },
        },
      },
      {
        Sid: "DenyPlainHttp",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/**
 * CloudWatch Logs filter matching `GetSecretValue` on the given secrets (by ARN or name, the two
 * forms a caller passes) by any principal other than the expected roles and AWS services (RDS
 * rotating its own secret).
 */
export function unexpectedSecretReadPattern(
  secrets: Array<{ arn: string; name: string }>,
  expectedRoleArns: string[],
): string {
  const secretIds = secrets
    .flatMap(({ arn, name }) => [arn, name])
    .map((id) => `($.requestParameters.secretId = "${id}")`);
  const conditions = [
    `($.eventSource = "secretsmanager.amazonaws.com")`,
    `($.eventName = "GetSecretValue")`,
    `($.userIdentity.type != "AWSService")`,
    ...expectedRoleArns.map(
      (arn) => `($.userIdentity.sessionContext.sessionIssuer.arn != "${arn}")`,
    ),
    `(${secretIds.join(" || ")})`,
  ];
  return `{ ${conditions.join(" && ")} }`;
}

export interface SecretReadAlarmArgs {
  naming: Naming;
  tags: Record<string, string>;
  logGroupName: pulumi.Input<string>;
  alertChannelId: pulumi.Input<string>;
  pattern: pulumi.Input<string>;
  /** Suffix distinguishing this filter from other grants' filters. */
  role: string;
}

/** Alarms on the first unexpected secret read: a metric filter on the trail and a Sum > 0 alarm. */
export function createSecretReadAlarm(
  parent: pulumi.Resource,
  name: string,
  args: SecretReadAlarmArgs,
): void {
  const metricNamespace = `rag/${args.naming.prefix}`;
  const metricName = awsName(args.naming, `${args.role}-unexpected-secret-reads`, "alarm");
  new cloudwatch.LogMetricFilter(
    `${name}-${args.role}-secret-read-filter`,
    {
      name: metricName,
      logGroupName: args.logGroupName,
      pattern: args.pattern,
      metricTransformation: {
        name: metricName,
        namespace: metricNamespace,
        value: "1",
        defaultValue: "0",
      },
    },
    { parent },
  );
  new cloudwatch.MetricAlarm(
    `${name}-${args.role}-secret-read-alarm`,
    {
      name: metricName,
      alarmDescription: "A principal other than the workload identity read a platform secret.",
      namespace: metricNamespace,
      metricName,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      period: 300,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [args.alertChannelId],
      tags: args.tags,
    },
    { parent },
  );
}
