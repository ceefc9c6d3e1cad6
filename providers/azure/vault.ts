import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../../src/config/settings";
import type { SecretReference, WorkloadIdentity } from "../../src/contracts/common";
import type { PutSecretArgs, Vault, VaultArgs } from "../../src/contracts/vault";
import { statefulOptions } from "../../src/protection";
import type { AzureNetwork } from "./network";
import { azureName } from "./naming";
import { grantRole } from "./roles";

export interface AzureVaultArgs extends VaultArgs {
  network: AzureNetwork;
  tenantId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
}

/** A workload identity on Azure also carries the managed identity's object id for role assignments. */
export interface AzureWorkloadIdentity extends WorkloadIdentity {
  objectId: pulumi.Output<string>;
}

/** Soft-delete retention: the longest Azure allows when protected, the shortest otherwise. */
export function softDeleteRetentionDays(protection: ProtectionSettings): number {
  return protection.deletionProtection ? 90 : 7;
}

/** Production keys live in HSMs (premium vault), staging keys in software. */
export function vaultSku(protection: ProtectionSettings): "premium" | "standard" {
  return protection.deletionProtection ? "premium" : "standard";
}

/**
 * Properties of every key: a new version `keyRotationDays` after the current one was created,
 * and versions expiring 30 days after that, so a stalled rotation is noticed before anything breaks.
 */
export function keyProperties(
  keyRotationDays: number,
  hsmBacked: boolean,
): keyvault.KeyArgs["properties"] {
  return {
    kty: hsmBacked ? "RSA-HSM" : "RSA",
    // 2048 is the size both AKS KMS and PostgreSQL customer-managed keys accept.
    keySize: 2048,
    keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
    rotationPolicy: {
      attributes: { expiryTime: `P${keyRotationDays + 30}D` },
      lifetimeActions: [
        { trigger: { timeAfterCreate: `P${keyRotationDays}D` }, action: { type: "rotate" } },
        { trigger: { timeBeforeExpiry: "P10D" }, action: { type: "notify" } },
      ],
    },
  };
}

/** Secret names: letters, digits and hyphens, at most 127. */
export function secretName(logicalName: string): string {
  return logicalName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 127);
}

/**
 * Key Vault with RBAC authorization, purge protection and no public network access, reached
 * through a private endpoint; keys with a rotation policy; audit events to Log Analytics.
 *
 * Deployment path: Pulumi writes keys and secrets through Azure Resource Manager (the
 * `Microsoft.KeyVault/vaults/keys|secrets` resources), which the vault firewall does not block,
 * so `pulumi up` runs from any CI runner with Contributor rights. Only data-plane reads (the
 * workload, an operator's `az keyvault secret show`) need the private endpoint.
 */
export class AzureVault extends pulumi.ComponentResource implements Vault {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;
  /** Versionless URI of the platform key (`https://<vault>.vault.azure.net/keys/<name>`). */
  readonly keyId: pulumi.Output<string>;
  readonly resourceGroupName: pulumi.Output<string>;
  /** Days between key versions, for keys created outside this vault (geo-backup keys). */
  readonly keyRotationDays: number;
  private readonly stored: SecretReference[] = [];
  private readonly secretResources = new Map<string, keyvault.Secret>();
  private readonly grants: authorization.RoleAssignment[] = [];

  constructor(
    private readonly name: string,
    private readonly args: AzureVaultArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rag:vault:AzureVault", name, {}, opts);
    const { naming, tags, region, protection, network } = args;
    this.resourceGroupName = network.resourceGroupName;
    this.keyRotationDays = args.settings.keyRotationDays;

    // The vault: RBAC only (no access policies), purge protection (customer-managed keys of
    // PostgreSQL and AKS KMS require it), no public network access.
    // TODO: purge protection cannot be turned off, so a destroyed staging vault keeps its name
    // for the soft-delete retention (7 days) and a re-created stack with the same name fails
    // until the deleted vault is purged or recovered.
    const vault = new keyvault.Vault(
      `${name}-kv`,
      {
        resourceGroupName: network.resourceGroupName,
        location: region,
        vaultName: azureName(naming, "kv", "keyVault"),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: vaultSku(protection) },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: softDeleteRetentionDays(protection),
          enablePurgeProtection: true,
          publicNetworkAccess: "Disabled",
          // Trusted services (PostgreSQL customer-managed keys) still reach the vault.
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
        },
        tags,
      },
      { parent: this, ...statefulOptions(protection) },
    );
    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");

    // Reached from the cluster through a private endpoint only.
    network.privateEndpoint(
      `${name}-pe`,
      { resourceId: vault.id, groupId: "vault", dnsZoneId: network.keyVaultDnsZoneId },
      this,
    );

    // Provider-side deletion protection: a lock that refuses deletes until removed on purpose.
    if (protection.deletionProtection) {
      new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: vault.id,
          level: "CanNotDelete",
          notes: "Holds the platform's keys and credentials.",
        },
        { parent: this },
      );
    }

    // Every read and write of a secret or key is audited in the platform's workspace.
    new monitor.DiagnosticSetting(
      `${name}-audit`,
      {
        resourceUri: vault.id,
        name: "audit-to-log-analytics",
        workspaceId: args.monitoring.logWorkspaceId,
        logAnalyticsDestinationType: "Dedicated",
        logs: [
          { category: "AuditEvent", enabled: true },
          { category: "AzurePolicyEvaluationDetails", enabled: true },
        ],
      },
      { parent: this },
    );

    // The platform key, the contract's customer-managed key.
    const key = this.createKey(`${name}-key`, "platform", this);
    this.keyId = key.keyUri;

    this.registerOutputs({ vaultId: this.vaultId, keyId: this.keyId });
  }

  get secrets(): ReadonlyArray<SecretReference> {
    return this.stored;
  }

  /**
   * A key in this vault with the platform's rotation policy, parented to the component that uses
   * it (AKS KMS and PostgreSQL each get their own, so each grant names exactly one key).
   */
  createKey(name: string, keyName: string, parent: pulumi.Resource): keyvault.Key {
    return new keyvault.Key(
      name,
      {
        resourceGroupName: this.resourceGroupName,
        vaultName: this.vaultName,
        keyName,
        properties: keyProperties(
          this.args.settings.keyRotationDays,
          vaultSku(this.args.protection) === "premium",
        ),
        tags: this.args.tags,
      },
      { parent, ...statefulOptions(this.args.protection) },
    );
  }

  putSecret(args: PutSecretArgs): SecretReference {
    const name = secretName(args.logicalName);
    // TODO: Key Vault has no native secret rotation; `secretRotationDays` is recorded as a tag
    // but no expiry is set (an expiry computed from the clock would change on every run) and
    // nothing regenerates the value, so rotating means re-running with a new generated value.
    const secret = new keyvault.Secret(
      `${this.name}-${args.logicalName}`,
      {
        resourceGroupName: this.resourceGroupName,
        vaultName: this.vaultName,
        secretName: name,
        properties: {
          value: pulumi.secret(args.value),
          contentType: "application/json",
          attributes: { enabled: true },
        },
        tags: {
          ...this.args.tags,
          description: args.description.slice(0, 256),
          "rotation-days": String(this.args.settings.secretRotationDays),
        },
      },
      {
        parent: this,
        ...statefulOptions(this.args.protection),
        additionalSecretOutputs: ["properties"],
      },
    );
    this.secretResources.set(args.logicalName, secret);
    return this.adoptSecret({ logicalName: args.logicalName, id: secret.id, name: secret.name });
  }

  adoptSecret(ref: SecretReference): SecretReference {
    if (!this.stored.some((existing) => existing.logicalName === ref.logicalName))
      this.stored.push(ref);
    return ref;
  }

  /** Key Vault Secrets User on each secret alone, never on the vault. */
  grantRead(identity: WorkloadIdentity, secrets: SecretReference[]): void {
    const objectId = (identity as Partial<AzureWorkloadIdentity>).objectId;
    if (objectId === undefined) {
      throw new Error("AzureVault.grantRead needs an Azure workload identity (with objectId)");
    }
    for (const secret of secrets) {
      this.grants.push(
        grantRole(
          `${this.name}-read-${secret.logicalName}`,
          {
            role: "keyVaultSecretsUser",
            scope: secret.id,
            principalId: objectId,
            subscriptionId: this.args.subscriptionId,
          },
          { parent: this },
        ),
      );
    }
  }
}
