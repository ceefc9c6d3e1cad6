import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as k8s from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import type { ClusterSettings, SizeClass } from "../../src/config/settings";
import type { Cluster, ClusterArgs } from "../../src/contracts/cluster";
import { alertThresholds, logAlert, metricAlert } from "./alerts";
import type { AzureNetwork } from "./network";
import { azureZones } from "./network";
import { azureName } from "./naming";
import { grantRole } from "./roles";
import { kubernetesAddressRanges } from "./rules";
import type { AzureVault, AzureWorkloadIdentity } from "./vault";

export interface AzureClusterArgs extends ClusterArgs {
  network: AzureNetwork;
  vault: AzureVault;
  tenantId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  /** Object id of the identity running `pulumi up`; it gets cluster-admin through Azure RBAC. */
  deployerObjectId: pulumi.Input<string>;
}

/** VM size of the system node pool for each size class (zone-capable in every AKS region). */
export const nodeVmSizes: Record<SizeClass, string> = {
  small: "Standard_D2ds_v5",
  medium: "Standard_D4ds_v5",
  large: "Standard_D8ds_v5",
};

export function nodeVmSize(settings: ClusterSettings): string {
  return settings.nodeMachineType ?? nodeVmSizes[settings.nodeSize];
}

/**
 * The application routing add-on (managed NGINX): its namespace, and the ingress class of the
 * default controller it creates when enabled, which is external (a public load balancer).
 */
export const appRouting = {
  namespace: "app-routing-system",
  ingressClassName: "webapprouting.kubernetes.azure.com",
} as const;

/** Entra ID application id of the AKS API server, the audience of every user token. */
export const aksServerAppId = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * Replaces the user entries of an AKS kubeconfig with a kubelogin exec plugin in `azurecli` mode:
 * it reuses the Azure CLI's session (`az login --service-principal`, `--identity` or federated
 * OIDC in CI) and never prompts, unlike the device-code login AKS returns by default.
 */
export function nonInteractiveKubeconfig(kubeconfigYaml: string): string {
  const config = parse(kubeconfigYaml) as { users?: { name: string; user: unknown }[] };
  config.users = (config.users ?? []).map((user) => ({
    name: user.name,
    user: {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "kubelogin",
        args: ["get-token", "--login", "azurecli", "--server-id", aksServerAppId],
        interactiveMode: "Never",
        provideClusterInfo: false,
      },
    },
  }));
  return stringify(config);
}

/**
 * Audit categories of the control plane sent to Log Analytics: the full audit log (reads too,
 * which the 5xx alert needs; `kube-audit-admin` would be a subset of it) and Entra ID logins.
 */
export const controlPlaneLogCategories = ["kube-audit", "guard"];

/** KQL counting API server responses with a 5xx status for one cluster. */
export function apiServer5xxQuery(clusterId: string): string {
  return [
    "AKSAudit",
    `| where _ResourceId =~ '${clusterId}'`,
    "| where toint(ResponseStatus.code) >= 500",
  ].join("\n");
}

/**
 * AKS across three zones: Entra ID with Azure RBAC and no local accounts, workload identity, KMS
 * etcd encryption with a key in the platform's private Key Vault (which needs API server VNet
 * integration), egress through the NAT gateway, Azure Policy, Container Insights and audit logs.
 */
export class AzureCluster extends pulumi.ComponentResource implements Cluster {
  readonly clusterName: pulumi.Output<string>;
  readonly clusterId: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly workloadIdentity: AzureWorkloadIdentity;

  constructor(name: string, args: AzureClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:cluster:AzureCluster", name, {}, opts);
    const { naming, tags, region, settings, network, vault, monitoring } = args;
    const placement = { resourceGroupName: network.resourceGroupName, location: region, tags };
    const workload = args.workload ?? { namespace: "rag", serviceAccountName: "rag-api" };
    const grant = (
      role: string,
      scope: pulumi.Input<string>,
      r: Parameters<typeof grantRole>[1]["role"],
      principalId: pulumi.Input<string>,
    ) =>
      grantRole(
        `${name}-${role}`,
        { role: r, scope, principalId, subscriptionId: args.subscriptionId },
        { parent: this },
      );

    // The control plane's own identity: KMS does not work with a system-assigned one, which would
    // not exist before the cluster that needs its grants.
    const controlPlane = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { ...placement, resourceName: azureName(naming, "aks-identity", "generic") },
      { parent: this },
    );

    // The etcd encryption key and the grants KMS and the VNet need before the cluster exists.
    const kmsKey = vault.createKey(`${name}-kms-key`, "aks-etcd", this);
    const grants = [
      grant("kms-crypto", kmsKey.id, "keyVaultCryptoUser", controlPlane.principalId),
      // A private vault: AKS links it to the API server itself and needs to manage the vault.
      grant("kms-vault", vault.vaultId, "keyVaultContributor", controlPlane.principalId),
      grant("vnet", network.networkId, "networkContributor", controlPlane.principalId),
    ];

    // The cluster.
    const ranges = kubernetesAddressRanges;
    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        ...placement,
        resourceName: azureName(naming, "aks", "aksCluster"),
        dnsPrefix: azureName(naming, "aks", "aksDnsPrefix"),
        nodeResourceGroup: azureName(naming, "aks-nodes", "aksNodeResourceGroup"),
        kubernetesVersion: settings.kubernetesVersion,
        sku: { name: "Base", tier: "Standard" },
        identity: { type: "UserAssigned", userAssignedIdentities: [controlPlane.id] },
        enableRBAC: true,
        disableLocalAccounts: true,
        aadProfile: { managed: true, enableAzureRBAC: true, tenantID: args.tenantId },
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          // TODO: KMS pins a key version; Key Vault rotates the key on schedule, but the cluster
          // keeps encrypting with the pinned version until `keyId` is updated and re-applied.
          azureKeyVaultKms: {
            enabled: true,
            keyId: kmsKey.keyUriWithVersion,
            keyVaultNetworkAccess: "Private",
            keyVaultResourceId: vault.vaultId,
          },
          imageCleaner: { enabled: true, intervalHours: 168 },
        },
        apiServerAccessProfile: {
          enablePrivateCluster: settings.endpointAccess === "private",
          authorizedIPRanges:
            settings.endpointAccess === "restricted" ? settings.authorizedNetworks : undefined,
          enableVnetIntegration: true,
          subnetId: network.apiServerSubnetId,
        },
        agentPoolProfiles: [
          {
            name: "system",
            mode: "System",
            type: "VirtualMachineScaleSets",
            osType: "Linux",
            osSKU: "AzureLinux",
            vmSize: nodeVmSize(settings),
            availabilityZones: azureZones,
            enableAutoScaling: true,
            count: settings.nodeMinCount,
            minCount: settings.nodeMinCount,
            maxCount: settings.nodeMaxCount,
            vnetSubnetID: network.nodeSubnetId,
            enableNodePublicIP: false,
            upgradeSettings: { maxSurge: "33%" },
            tags,
          },
        ],
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          podCidr: ranges.podCidr,
          serviceCidr: ranges.serviceCidr,
          dnsServiceIP: ranges.dnsServiceIp,
          loadBalancerSku: "standard",
          outboundType: "userAssignedNATGateway",
        },
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        // Serves the application's Ingress (class `appRouting.ingressClassName`).
        // TODO: the add-on's managed NGINX is supported only until November 2026 (upstream
        // ingress-nginx is retired); after that the Ingress needs the add-on's Gateway API mode.
        ingressProfile: {
          webAppRouting: { enabled: true, nginx: { defaultIngressControllerType: "External" } },
        },
        addonProfiles: {
          azurepolicy: { enabled: true },
          omsagent: {
            enabled: true,
            config: {
              logAnalyticsWorkspaceResourceID: monitoring.logWorkspaceId,
              useAADAuth: "true",
            },
          },
        },
      },
      { parent: this, dependsOn: grants },
    );
    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.endpoint = pulumi
      .all([cluster.privateFQDN, cluster.fqdn])
      .apply(
        ([privateFqdn, fqdn]) =>
          `https://${settings.endpointAccess === "private" ? privateFqdn : fqdn}`,
      );
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL ?? "");

    // Control-plane audit logs to the platform's workspace, in resource-specific tables.
    new monitor.DiagnosticSetting(
      `${name}-audit`,
      {
        resourceUri: cluster.id,
        name: "audit-to-log-analytics",
        workspaceId: monitoring.logWorkspaceId,
        logAnalyticsDestinationType: "Dedicated",
        logs: controlPlaneLogCategories.map((category) => ({ category, enabled: true })),
      },
      { parent: this },
    );

    // The deployer manages in-cluster resources through Azure RBAC (local accounts are off).
    grantRole(
      `${name}-deployer-admin`,
      {
        role: "aksRbacClusterAdmin",
        scope: cluster.id,
        principalId: args.deployerObjectId,
        subscriptionId: args.subscriptionId,
        principalType: "lookup",
      },
      { parent: this },
    );

    // Kubeconfig with a non-interactive exec login, and the provider built from it.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput({
      resourceGroupName: network.resourceGroupName,
      resourceName: cluster.name,
      format: "exec",
    });
    this.kubeconfig = pulumi.secret(
      credentials.apply((result) =>
        nonInteractiveKubeconfig(
          Buffer.from(result.kubeconfigs[0].value, "base64").toString("utf8"),
        ),
      ),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this },
    );

    // The service's identity, federated to its Kubernetes service account.
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-workload`,
      { ...placement, resourceName: azureName(naming, "workload", "generic") },
      { parent: this },
    );
    new managedidentity.FederatedIdentityCredential(
      `${name}-workload-federation`,
      {
        resourceGroupName: network.resourceGroupName,
        resourceName: identity.name,
        federatedIdentityCredentialResourceName: "kubernetes",
        issuer: this.oidcIssuerUrl,
        subject: `system:serviceaccount:${workload.namespace}:${workload.serviceAccountName}`,
        audiences: ["api://AzureADTokenExchange"],
      },
      { parent: this },
    );
    this.workloadIdentity = {
      namespace: workload.namespace,
      serviceAccountName: workload.serviceAccountName,
      principal: identity.clientId,
      objectId: identity.principalId,
      serviceAccountAnnotations: identity.clientId.apply((clientId): Record<string, string> => ({
        "azure.workload.identity/client-id": clientId,
      })),
    };

    // Alerts: nodes not ready (platform metric) and API server 5xx (no platform metric exists,
    // so a log alert over the audit log).
    const alertPlacement = {
      resourceGroupName: network.resourceGroupName,
      actionGroupId: monitoring.alertChannelId,
      tags,
    };
    monitoring.registerAlerts("cluster", [
      metricAlert(
        `${name}-node-health`,
        {
          signal: "cluster-node-health",
          description: "A node's Ready condition is false or unknown.",
          scope: cluster.id,
          metricNamespace: "Microsoft.ContainerService/managedClusters",
          metricName: "kube_node_status_condition",
          aggregation: "Average",
          operator: "GreaterThan",
          threshold: alertThresholds.notReadyNodes,
          dimensions: [
            { name: "condition", operator: "Include", values: ["Ready"] },
            { name: "status", operator: "Include", values: ["false", "unknown"] },
          ],
          severity: 1,
        },
        alertPlacement,
        this,
      ),
      logAlert(
        `${name}-api-5xx`,
        {
          signal: "cluster-api-5xx",
          description: "The Kubernetes API server answered with 5xx errors.",
          workspaceId: monitoring.logWorkspaceId,
          query: cluster.id.apply(apiServer5xxQuery),
          threshold: alertThresholds.apiServer5xxCount,
          severity: 1,
          location: region,
        },
        alertPlacement,
        this,
      ),
    ]);

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
    });
  }
}
