import * as kms from "@pulumi/gcp/kms";
import * as projects from "@pulumi/gcp/projects";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import { RandomId } from "@pulumi/random/randomId";
import type { SecretReference, WorkloadIdentity } from "../../src/contracts/common";
import type { PutSecretArgs, Vault, VaultArgs } from "../../src/contracts/vault";
import { statefulOptions } from "../../src/protection";
import { gcpLabels, gcpName } from "./naming";
import type { GcpProject } from "./project";

export interface GcpVaultArgs extends VaultArgs {
  project: GcpProject;
}

/** KMS rotation period for `keyRotationDays`, in the seconds form the API takes. */
export function keyRotationPeriod(days: number): string {
  return `${days * 86400}s`;
}

/**
 * Secret Manager rotation schedule: the period, and the first rotation one period after `now`.
 * The API refuses a first rotation in the past, so it is computed at creation and then ignored.
 */
export function secretRotation(
  days: number,
  now: Date,
): { rotationPeriod: string; nextRotationTime: string } {
  const periodSeconds = days * 86400;
  const next = new Date(now.getTime() + periodSeconds * 1000);
  return { rotationPeriod: `${periodSeconds}s`, nextRotationTime: next.toISOString() };
}

/** Data Access audit log types for Secret Manager: every read of a secret value is logged. */
export const secretAuditLogTypes = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

/** A customer-managed key and the grants that let services use it. */
export interface GcpKey {
  key: kms.CryptoKey;
  /** IAM bindings of the service agents; resources encrypted with the key depend on them. */
  grants: kms.CryptoKeyIAMMember[];
}

/**
 * Secret Manager with CMEK and a rotation schedule, a KMS key ring whose keys encrypt every data
 * store of the platform, Data Access audit logs on secrets, and per-secret read grants.
 */
export class GcpVault extends pulumi.ComponentResource implements Vault {
  readonly vaultId: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly keyRing: kms.KeyRing;
  private readonly stored: SecretReference[] = [];
  private readonly name: string;
  private readonly args: GcpVaultArgs;
  private readonly labels: Record<string, string>;
  private readonly secretsKey: GcpKey;
  private readonly rotationTopic: pubsub.Topic;
  private readonly topicGrant: pubsub.TopicIAMMember;
  private readonly secretAgent: projects.ServiceIdentity;

  constructor(name: string, args: GcpVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:vault:GcpVault", name, {}, opts);
    this.name = name;
    this.args = args;
    this.labels = gcpLabels(args.tags);
    const child = { parent: this };

    // The key ring. KMS key rings (and keys) can never be deleted: a destroy only forgets them,
    // so a random suffix keeps a recreated stack from colliding with its predecessor's ring.
    const suffix = new RandomId(`${name}-keyring-suffix`, { byteLength: 2 }, child);
    this.keyRing = new kms.KeyRing(
      `${name}-keyring`,
      {
        name: pulumi.interpolate`${gcpName(args.naming, "keys", "kmsKeyRing")}-${suffix.hex}`,
        location: args.region,
        project: args.project.id,
      },
      { ...child, ...statefulOptions(args.protection) },
    );

    // Secret Manager's service agent encrypts secrets with the vault key.
    this.secretAgent = new projects.ServiceIdentity(
      `${name}-secretmanager-agent`,
      { service: "secretmanager.googleapis.com", project: args.project.id },
      child,
    );
    this.secretsKey = this.createKey("secrets", [this.secretAgent.member]);
    this.keyId = this.secretsKey.key.id;

    // Rotation notifications go to a topic Secret Manager's agent may publish to. The messages
    // carry secret names, never values, so the topic uses Google-managed encryption.
    this.rotationTopic = new pubsub.Topic(
      `${name}-rotation`,
      {
        name: gcpName(args.naming, "secret-rotation", "topic"),
        project: args.project.id,
        labels: this.labels,
        messageRetentionDuration: "604800s",
      },
      child,
    );
    this.topicGrant = new pubsub.TopicIAMMember(
      `${name}-rotation-publisher`,
      {
        topic: this.rotationTopic.name,
        role: "roles/pubsub.publisher",
        member: this.secretAgent.member,
      },
      child,
    );

    // Data Access audit logs: who read which secret, and when.
    new projects.IAMAuditConfig(
      `${name}-audit`,
      {
        project: args.project.id,
        service: "secretmanager.googleapis.com",
        auditLogConfigs: secretAuditLogTypes.map((logType) => ({ logType })),
      },
      child,
    );

    this.vaultId = pulumi.output(`projects/${args.project.id}/secrets`);
    this.registerOutputs({ vaultId: this.vaultId, keyId: this.keyId });
  }

  get secrets(): ReadonlyArray<SecretReference> {
    return this.stored;
  }

  /**
   * A key in the vault's ring for one consumer (cluster secrets, database, vector index), with
   * encrypt/decrypt granted to exactly the service agents that need it.
   */
  createKey(role: string, agents: pulumi.Input<string>[]): GcpKey {
    const key = new kms.CryptoKey(
      `${this.name}-${role}-key`,
      {
        name: gcpName(this.args.naming, role, "kmsKey"),
        keyRing: this.keyRing.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: keyRotationPeriod(this.args.settings.keyRotationDays),
        labels: this.labels,
      },
      { parent: this, ...statefulOptions(this.args.protection) },
    );
    const grants = agents.map(
      (member, index) =>
        new kms.CryptoKeyIAMMember(
          `${this.name}-${role}-key-user-${index}`,
          { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member },
          { parent: this },
        ),
    );
    return { key, grants };
  }

  putSecret(args: PutSecretArgs): SecretReference {
    // A regional replica encrypted with the vault key, rotation announced on the topic.
    const rotation = secretRotation(this.args.settings.secretRotationDays, new Date());
    const secret = new secretmanager.Secret(
      `${this.name}-${args.logicalName}`,
      {
        secretId: gcpName(this.args.naming, args.logicalName, "secret"),
        project: this.args.project.id,
        labels: this.labels,
        annotations: { description: args.description },
        replication: {
          userManaged: {
            replicas: [
              {
                location: this.args.region,
                customerManagedEncryption: { kmsKeyName: this.secretsKey.key.id },
              },
            ],
          },
        },
        rotation,
        topics: [{ name: this.rotationTopic.id }],
        deletionProtection: this.args.protection.deletionProtection,
      },
      {
        parent: this,
        ...statefulOptions(this.args.protection),
        dependsOn: [...this.secretsKey.grants, this.topicGrant],
        // The first rotation time is only meaningful at creation; later runs must not move it.
        ignoreChanges: ["rotation.nextRotationTime"],
      },
    );
    // TODO: rotation only publishes a notification; no subscriber rotates the value yet, so
    // until the application layer adds a rotator, rotations are announced but not performed.
    new secretmanager.SecretVersion(
      `${this.name}-${args.logicalName}-value`,
      { secret: secret.id, secretData: pulumi.secret(args.value) },
      { parent: this },
    );
    const reference: SecretReference = {
      logicalName: args.logicalName,
      id: secret.id,
      name: secret.secretId,
    };
    this.stored.push(reference);
    return reference;
  }

  adoptSecret(ref: SecretReference): SecretReference {
    this.stored.push(ref);
    return ref;
  }

  grantRead(identity: WorkloadIdentity, secrets: SecretReference[]): void {
    // Accessor on each secret, never on the project: the identity reads these and nothing else.
    for (const secret of secrets) {
      new secretmanager.SecretIamMember(
        `${this.name}-read-${identity.serviceAccountName}-${secret.logicalName}`,
        {
          secretId: secret.id,
          role: "roles/secretmanager.secretAccessor",
          member: pulumi.interpolate`serviceAccount:${identity.principal}`,
        },
        { parent: this },
      );
    }
  }
}
