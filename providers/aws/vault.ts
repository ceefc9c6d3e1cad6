import * as iam from "@pulumi/aws/iam";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as pulumi from "@pulumi/pulumi";
import type { SecretReference, WorkloadIdentity } from "../../src/contracts/common";
import type { PutSecretArgs, Vault, VaultArgs } from "../../src/contracts/vault";
import { statefulOptions } from "../../src/protection";
import {
  type AuditTrail,
  createAuditTrail,
  createSecretReadAlarm,
  unexpectedSecretReadPattern,
} from "./auditTrail";
import { type AwsAccount, customerKey } from "./kms";
import { asAwsMonitoring } from "./monitoring";
import { awsName } from "./naming";
import { roleNameFromArn } from "./policies";

export interface AwsVaultArgs extends VaultArgs {
  account: AwsAccount;
}

/**
 * Days a deleted secret can still be restored. Staging deletes at once, so a re-created stack
 * can reuse the names; production keeps the longest window Secrets Manager offers.
 */
export function secretRecoveryWindowDays(deletionProtection: boolean): number {
  return deletionProtection ? 30 : 0;
}

/** Read access to exactly `secretArns`, decryptable only through Secrets Manager. */
export function secretReadPolicy(secretArns: string[], keyArn: string, region: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadPlatformSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: secretArns,
      },
      {
        Sid: "DecryptThroughSecretsManager",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      },
    ],
  };
}

/**
 * Secrets Manager with a customer-managed key (rotated on `keyRotationDays`), managed rotation
 * of secrets that AWS services own (the RDS master password), least-privilege read grants for
 * the workload role, and a CloudTrail audit trail with an alarm on unexpected secret reads.
 */
export class AwsVault extends pulumi.ComponentResource implements Vault {
  readonly vaultId: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  /** Rotation period every customer-managed key of the platform follows. */
  readonly keyRotationDays: number;
  private readonly stored: SecretReference[] = [];
  private readonly audit: AuditTrail;
  private readonly secretPrefix: string;

  constructor(
    private readonly name: string,
    private readonly args: AwsVaultArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rag:vault:AwsVault", name, {}, opts);
    const { naming, tags, protection, account, settings, region } = args;
    this.keyRotationDays = settings.keyRotationDays;
    this.secretPrefix = awsName(naming, "vault", "secret");

    // The key of every secret; CloudTrail also encrypts the audit archive with it.
    const key = customerKey(this, `${name}-secrets`, "secrets", {
      naming,
      tags,
      protection,
      account,
      region,
      description: `Encrypts the secrets and secret-access audit trail of ${naming.prefix}`,
      rotationDays: settings.keyRotationDays,
      services: ["cloudtrail"],
    });
    this.keyId = key.arn;

    // Secret names share a prefix; the vault is that prefix's ARN.
    this.vaultId = pulumi.interpolate`arn:${account.partition}:secretsmanager:${region}:${account.accountId}:secret:${this.secretPrefix}/`;

    // Every secret read is recorded, in S3 and in CloudWatch Logs.
    this.audit = createAuditTrail(this, name, {
      naming,
      tags,
      protection,
      account,
      monitoring: asAwsMonitoring(args.monitoring),
      keyArn: key.arn,
    });

    this.registerOutputs({ vaultId: this.vaultId, keyId: this.keyId });
  }

  get secrets(): ReadonlyArray<SecretReference> {
    return this.stored;
  }

  putSecret(secret: PutSecretArgs): SecretReference {
    const { tags, protection } = this.args;
    // TODO: secrets stored here get no rotation schedule, because rotating an arbitrary value
    // needs a rotation Lambda this backend does not build yet; a credential stored with
    // putSecret stays valid until it is replaced by a deployment.
    const stored = new secretsmanager.Secret(
      `${this.name}-${secret.logicalName}`,
      {
        name: `${this.secretPrefix}/${secret.logicalName}`,
        description: secret.description,
        kmsKeyId: this.keyId,
        recoveryWindowInDays: secretRecoveryWindowDays(protection.deletionProtection),
        tags,
      },
      { parent: this, ...statefulOptions(protection) },
    );
    new secretsmanager.SecretVersion(
      `${this.name}-${secret.logicalName}-value`,
      { secretId: stored.id, secretString: pulumi.secret(secret.value) },
      { parent: this, ...statefulOptions(protection) },
    );
    const ref = { logicalName: secret.logicalName, id: stored.arn, name: stored.name };
    this.stored.push(ref);
    return ref;
  }

  /**
   * Adopts a secret an AWS service created and owns (the RDS-managed master password): the
   * service rotates it itself, the vault sets the schedule to `secretRotationDays`.
   */
  adoptSecret(ref: SecretReference): SecretReference {
    new secretsmanager.SecretRotation(
      `${this.name}-${ref.logicalName}-rotation`,
      {
        secretId: ref.id,
        rotationRules: { automaticallyAfterDays: this.args.settings.secretRotationDays },
      },
      { parent: this },
    );
    this.stored.push(ref);
    return ref;
  }

  grantRead(identity: WorkloadIdentity, secrets: SecretReference[]): void {
    if (secrets.length === 0) return;
    const { naming, tags, region } = this.args;

    // An inline policy on the workload role: these secrets, and decryption through Secrets Manager.
    new iam.RolePolicy(
      `${this.name}-${identity.serviceAccountName}-read`,
      {
        name: awsName(naming, "read-secrets", "iamPolicy"),
        role: identity.principal.apply(roleNameFromArn),
        policy: pulumi
          .all([pulumi.all(secrets.map((secret) => secret.id)), this.keyId])
          .apply(([arns, keyArn]) => JSON.stringify(secretReadPolicy(arns, keyArn, region))),
      },
      { parent: this },
    );

    // Any other principal reading these secrets raises an alarm.
    const pattern = pulumi
      .all([
        pulumi.all(secrets.map((secret) => pulumi.all([secret.id, secret.name]))),
        identity.principal,
      ])
      .apply(([pairs, principal]) =>
        unexpectedSecretReadPattern(
          pairs.map(([arn, name]) => ({ arn, name })),
          [principal],
        ),
      );
    createSecretReadAlarm(this, this.name, {
      naming,
      tags,
      logGroupName: this.audit.logGroupName,
      alertChannelId: this.args.monitoring.alertChannelId,
      pattern,
      role: identity.serviceAccountName,
    });
  }
}

/** The backend's own vault, whose key rotation period the other AWS components follow. */
export function asAwsVault(vault: Vault): AwsVault {
  if (!(vault instanceof AwsVault)) {
    throw new Error("the AWS backend needs the vault component it created itself (AwsVault)");
  }
  return vault;
}
