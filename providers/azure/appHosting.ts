import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { AppHosting, AppHostingArgs, SnapshotStorage } from "../../src/contracts/app";
import { statefulOptions } from "../../src/protection";
import { appRouting } from "./cluster";
import type { AzureNetwork } from "./network";
import { azureName } from "./naming";
import { grantRole } from "./roles";
import type { AzureVault, AzureWorkloadIdentity } from "./vault";

export interface AzureAppHostingArgs extends AppHostingArgs {
  network: AzureNetwork;
  azureVault: AzureVault;
  /** Address space of the virtual network (the database's delegated subnet is inside it). */
  networkCidr: string;
  tenantId: pulumi.Output<string>;
  subscriptionId: pulumi.Output<string>;
}

/** Namespace of the AKS application routing add-on's managed NGINX. */
export const appRoutingNamespace = appRouting.namespace;

/**
 * Ingress class of AKS's application routing add-on, which the cluster enables; traffic arrives
 * from its pods.
 */
export function azureIngress(): AppHosting["ingress"] {
  return {
    className: appRouting.ingressClassName,
    annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": "true" },
    sources: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": appRoutingNamespace } },
      },
    ],
  };
}

/**
 * What the application layer needs of Azure: the application routing Ingress, Key Vault through
 * workload identity for External Secrets, and (with Qdrant) a storage account for snapshots,
 * encrypted with a key in the vault, with shared keys off and the workload identity the only
 * writer of its container.
 */
export class AzureAppHosting extends pulumi.ComponentResource implements AppHosting {
  readonly ingress: AppHosting["ingress"];
  readonly privateServiceCidrs: pulumi.Output<string[]>;
  readonly secretStoreProvider: Record<string, unknown>;
  readonly identityEgress: AppHosting["identityEgress"];
  readonly identityPodLabels = { "azure.workload.identity/use": "true" };
  readonly snapshotStorage?: SnapshotStorage;

  constructor(name: string, args: AzureAppHostingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:app:AzureAppHosting", name, {}, opts);
    const { azureVault, workloadIdentity: identity } = args;
    this.ingress = azureIngress();
    this.privateServiceCidrs = pulumi.output([args.networkCidr]);
    this.secretStoreProvider = {
      azurekv: {
        authType: "WorkloadIdentity",
        vaultUrl: azureVault.vaultUri,
        tenantId: args.tenantId,
        serviceAccountRef: { name: identity.serviceAccountName, namespace: identity.namespace },
      },
    };
    // TODO: Entra ID's token endpoint has no fixed address range, so pods that exchange their
    // federated token may reach any address on 443.
    this.identityEgress = [
      { peer: { ipBlock: { cidr: "0.0.0.0/0" } }, port: 443, protocol: "TCP" },
    ];

    if (args.snapshots) this.snapshotStorage = this.snapshotAccount(name, args);
    this.registerOutputs({});
  }

  private snapshotAccount(name: string, args: AzureAppHostingArgs): SnapshotStorage {
    const { naming, tags, protection, region, network, azureVault, subscriptionId } = args;
    const placement = { resourceGroupName: network.resourceGroupName, location: region, tags };
    const parent = { parent: this };

    // The account's own identity unwraps its key; the key lives in the platform's vault.
    const encryptionIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-snapshots-identity`,
      { ...placement, resourceName: azureName(naming, "snapshots-identity", "generic") },
      parent,
    );
    const key = azureVault.createKey(`${name}-snapshots-key`, "qdrant-snapshots", this);
    const keyGrant = grantRole(
      `${name}-snapshots-key-user`,
      {
        role: "keyVaultCryptoServiceEncryptionUser",
        scope: key.id,
        principalId: encryptionIdentity.principalId,
        subscriptionId,
      },
      parent,
    );
    const account = new storage.StorageAccount(
      `${name}-snapshots`,
      {
        ...placement,
        accountName: azureName(naming, "snapshots", "storageAccount"),
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        minimumTlsVersion: "TLS1_2",
        enableHttpsTrafficOnly: true,
        identity: {
          type: "UserAssigned",
          userAssignedIdentities: [encryptionIdentity.id],
        },
        encryption: {
          keySource: "Microsoft.Keyvault",
          encryptionIdentity: { encryptionUserAssignedIdentity: encryptionIdentity.id },
          keyVaultProperties: { keyName: key.name, keyVaultUri: azureVault.vaultUri },
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: "Account" } },
        },
      },
      { ...parent, dependsOn: [keyGrant], ...statefulOptions(protection) },
    );
    const container = new storage.BlobContainer(
      `${name}-snapshots-container`,
      {
        resourceGroupName: network.resourceGroupName,
        accountName: account.name,
        containerName: "qdrant-snapshots",
        publicAccess: "None",
      },
      parent,
    );
    const workload = args.workloadIdentity as Partial<AzureWorkloadIdentity>;
    if (workload.objectId === undefined) {
      throw new Error("AzureAppHosting needs an Azure workload identity (with objectId)");
    }
    grantRole(
      `${name}-snapshots-writer`,
      {
        role: "storageBlobDataContributor",
        scope: container.id,
        principalId: workload.objectId,
        subscriptionId,
      },
      parent,
    );
    return {
      url: pulumi.interpolate`https://${account.name}.blob.core.windows.net/${container.name}`,
      path: container.name,
      rcloneEnv: pulumi.output<Record<string, string>>(
        account.name.apply((accountName) => ({
          RCLONE_CONFIG_SNAPSHOTS_TYPE: "azureblob",
          RCLONE_CONFIG_SNAPSHOTS_ACCOUNT: accountName,
          RCLONE_CONFIG_SNAPSHOTS_ENV_AUTH: "true",
        })),
      ),
    };
  }
}
