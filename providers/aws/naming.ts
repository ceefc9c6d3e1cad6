import type { NameRule, Naming } from "../../src/naming";

/**
 * The physical-name rules of every AWS resource kind this backend names. Limits are the
 * service's own; `reserve` keeps room for suffixes appended after `awsName` (account ids on
 * global S3 names, `-final` on snapshot identifiers).
 */
export const awsNameRules = {
  /** EKS cluster: 1-100, alphanumerics, hyphens, underscores, starts alphanumeric. */
  eksCluster: { maxLength: 100, charset: "mixed-hyphen" },
  /** Managed node group: 1-63. */
  nodeGroup: { maxLength: 63, charset: "mixed-hyphen" },
  /** IAM role: 1-64. */
  iamRole: { maxLength: 64, charset: "mixed-hyphen" },
  /** IAM inline policy: 1-128. */
  iamPolicy: { maxLength: 128, charset: "mixed-hyphen" },
  /** RDS instance identifier: 1-63, lower case, starts with a letter, no double/trailing hyphen. */
  rdsInstance: { maxLength: 63, charset: "lower-hyphen", reserve: 6 },
  /** DB subnet group and parameter group: 1-255, lower case. */
  rdsGroup: { maxLength: 255, charset: "lower-hyphen" },
  /** Database name inside PostgreSQL: 1-63, letters, digits, underscores. */
  databaseName: { maxLength: 63, charset: "underscore" },
  /** KMS alias without its `alias/` prefix (256 in all). */
  kmsAlias: { maxLength: 250, charset: "mixed-hyphen" },
  /** Secrets Manager secret: 1-512; the service appends `-XXXXXX` to the ARN, not the name. */
  secret: { maxLength: 512, charset: "mixed-hyphen" },
  /** CloudWatch log group (1-512); `/` separators are added by the caller. */
  logGroup: { maxLength: 480, charset: "mixed-hyphen" },
  /** CloudWatch alarm and dashboard: 1-255 (dashboards: letters, digits, `-_`). */
  alarm: { maxLength: 255, charset: "mixed-hyphen" },
  /** SNS topic: 1-256. */
  snsTopic: { maxLength: 256, charset: "mixed-hyphen" },
  /** Security group name: 1-255. */
  securityGroup: { maxLength: 255, charset: "mixed-hyphen" },
  /** S3 bucket: 3-63, lower case, global; 13 reserved for `-<account id>` that keeps it unique. */
  bucket: { maxLength: 63, minLength: 3, charset: "lower-hyphen", reserve: 13 },
  /** CloudTrail trail: 3-128. */
  trail: { maxLength: 128, minLength: 3, charset: "mixed-hyphen" },
  /** OpenSearch Serverless collection, security policy, access policy, VPC endpoint: 3-32. */
  openSearch: { maxLength: 32, minLength: 3, charset: "lower-hyphen" },
} satisfies Record<string, NameRule>;

export type AwsNameKind = keyof typeof awsNameRules;

/** The physical name of `role` for a resource of `kind`, valid under AWS's rule for it. */
export function awsName(naming: Naming, role: string, kind: AwsNameKind): string {
  return naming.physical(role, awsNameRules[kind]);
}
