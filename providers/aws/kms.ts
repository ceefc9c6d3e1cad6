import * as kms from "@pulumi/aws/kms";
import * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../../src/config/settings";
import type { Naming } from "../../src/naming";
import { statefulOptions } from "../../src/protection";
import { awsName } from "./naming";

/** The account a stack deploys into, looked up once by the foundation. */
export interface AwsAccount {
  accountId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
}

/** A service that must use a key besides the account's own IAM principals. */
export type KeyService = "logs" | "cloudwatch" | "cloudtrail";

export interface CustomerKeyArgs {
  naming: Naming;
  tags: Record<string, string>;
  protection: ProtectionSettings;
  account: AwsAccount;
  /** Region the key lives in (a backup region's key lives outside the stack's region). */
  region: string;
  description: string;
  /** KMS accepts 90 to 2560 days. */
  rotationDays: number;
  /** Service principals the key policy admits. @default [] */
  services?: KeyService[];
  /** Creates the key in `region` rather than the provider's region. @default false */
  explicitRegion?: boolean;
}

/** A customer-managed key and its alias. */
export interface CustomerKey {
  key: kms.Key;
  arn: pulumi.Output<string>;
}

/** KMS refuses rotation periods outside 90-2560 days; the profile's value is clamped into it. */
export function keyRotationPeriod(days: number): number {
  return Math.min(2560, Math.max(90, Math.round(days)));
}

/**
 * Declares a symmetric customer-managed key with automatic rotation, a policy that keeps the
 * account in control and admits exactly the named services, and an alias for people. Keys are
 * stateful: losing one loses everything it encrypted, so they take the stack's protection.
 */
export function customerKey(
  parent: pulumi.Resource,
  name: string,
  role: string,
  args: CustomerKeyArgs,
): CustomerKey {
  const policy = pulumi
    .all([args.account.accountId, args.account.partition])
    .apply(([accountId, partition]) =>
      JSON.stringify(keyPolicy(accountId, partition, args.region, args.services ?? [])),
    );
  const key = new kms.Key(
    `${name}-key`,
    {
      description: args.description,
      enableKeyRotation: true,
      rotationPeriodInDays: keyRotationPeriod(args.rotationDays),
      // The longest window gives production time to notice and cancel a scheduled deletion.
      deletionWindowInDays: args.protection.deletionProtection ? 30 : 7,
      policy,
      region: args.explicitRegion ? args.region : undefined,
      tags: args.tags,
    },
    { parent, ...statefulOptions(args.protection) },
  );
  new kms.Alias(
    `${name}-key-alias`,
    {
      name: `alias/${awsName(args.naming, role, "kmsAlias")}`,
      targetKeyId: key.keyId,
      region: args.explicitRegion ? args.region : undefined,
    },
    { parent },
  );
  return { key, arn: key.arn };
}

/** The key policy: the account administers the key through IAM; listed services may use it. */
export function keyPolicy(
  accountId: string,
  partition: string,
  region: string,
  services: KeyService[],
): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "AccountAdministersThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  if (services.includes("logs")) {
    statements.push({
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      },
    });
  }
  if (services.includes("cloudwatch")) {
    // Alarms publish to the KMS-encrypted SNS topic; without this they fail silently.
    statements.push({
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
  }
  if (services.includes("cloudtrail")) {
    statements.push({
      Sid: "CloudTrailEncryptsThisAccountsTrails",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: ["kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${accountId}:trail/*`,
        },
      },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
