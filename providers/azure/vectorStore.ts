import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import * as search from "@pulumi/azure-native/search";
import * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../../src/config/settings";
import type { SecretReference } from "../../src/contracts/common";
import type { VectorStore, VectorStoreArgs } from "../../src/contracts/vectorStore";
import { placeVectorStore, type VectorStorePlacement } from "../../src/vectorStore";
import { statefulOptions } from "../../src/protection";
import { alertThresholds, metricAlert } from "./alerts";
import type { AzureNetwork } from "./network";
import { azureName } from "./naming";
import { grantRole } from "./roles";
import type { AzureVault, AzureWorkloadIdentity } from "./vault";

export interface AzureVectorStoreArgs extends VectorStoreArgs {
  network: AzureNetwork;
  vault: AzureVault;
  subscriptionId: pulumi.Input<string>;
  /** The service's identity; it gets index read/write on the search service. */
  workloadIdentity?: AzureWorkloadIdentity;
}

export interface SearchCapacity {
  sku: "basic" | "standard";
  /** Two replicas give the read SLA, three the read-write SLA. */
  replicaCount: number;
}

/**
 * Azure AI Search capacity: production (deletion protection on) runs `standard` with two
 * replicas, which carries Azure's 99.9% read SLA; staging runs one `basic` replica, no SLA.
 */
export function searchCapacity(protection: ProtectionSettings): SearchCapacity {
  return protection.deletionProtection
    ? { sku: "standard", replicaCount: 2 }
    : { sku: "basic", replicaCount: 1 };
}

/**
 * Where embeddings live. `pgvector`: the platform database (its host, its credentials).
 * `managed`: Azure AI Search with Entra ID auth only, no public network access, a private
 * endpoint, and the workload identity allowed to read and write index data.
 */
export class AzureVectorStore extends pulumi.ComponentResource implements VectorStore {
  readonly engine: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly indexName: pulumi.Output<string>;
  readonly dimensions: pulumi.Output<number>;
  readonly credentials: SecretReference;

  constructor(name: string, args: AzureVectorStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:vectorStore:AzureVectorStore", name, {}, opts);
    const { settings } = args;
    this.engine = pulumi.output(settings.engine);
    this.indexName = pulumi.output(settings.indexName);
    this.dimensions = pulumi.output(settings.dimensions);

    const placement = placeVectorStore(this, name, args, () => this.searchPlacement(name, args));
    this.endpoint = placement.endpoint;
    this.credentials = placement.credentials;

    this.registerOutputs({
      engine: this.engine,
      endpoint: this.endpoint,
      indexName: this.indexName,
    });
  }

  /** The managed engine: Azure AI Search, and a vault secret with no key in it. */
  private searchPlacement(name: string, args: AzureVectorStoreArgs): VectorStorePlacement {
    const { settings } = args;
    const service = this.searchService(name, args);
    const endpoint = pulumi.interpolate`https://${service.name}.search.windows.net`;
    // No key in the secret: clients authenticate with their workload identity.
    const credentials = args.vault.putSecret({
      logicalName: "vector-store-credentials",
      description: "Azure AI Search endpoint and index of the RAG platform (Entra ID auth)",
      value: endpoint.apply((url) =>
        JSON.stringify({
          endpoint: url,
          indexName: settings.indexName,
          dimensions: settings.dimensions,
          auth: "entra-id-workload-identity",
        }),
      ),
    });
    return { endpoint, credentials };
  }

  private searchService(name: string, args: AzureVectorStoreArgs): search.Service {
    const { naming, tags, region, protection, network, monitoring } = args;
    const capacity = searchCapacity(protection);

    // The service: Entra ID only (local API keys off), reachable only through the private endpoint.
    // TODO: the index itself (fields, vector profile with `dimensions`) is a data-plane object
    // ARM cannot declare; the application creates it on start-up under `indexName`.
    const service = new search.Service(
      `${name}-search`,
      {
        resourceGroupName: network.resourceGroupName,
        location: region,
        searchServiceName: azureName(naming, "search", "searchService"),
        sku: { name: capacity.sku },
        replicaCount: capacity.replicaCount,
        partitionCount: 1,
        hostingMode: "Default",
        disableLocalAuth: true,
        publicNetworkAccess: "Disabled",
        networkRuleSet: { bypass: "None", ipRules: [] },
        identity: { type: "SystemAssigned" },
        semanticSearch: "disabled",
        tags,
      },
      { parent: this, ...statefulOptions(protection) },
    );
    network.privateEndpoint(
      `${name}-search-pe`,
      { resourceId: service.id, groupId: "searchService", dnsZoneId: network.searchDnsZoneId },
      this,
    );
    if (protection.deletionProtection) {
      new authorization.ManagementLockByScope(
        `${name}-search-lock`,
        { scope: service.id, level: "CanNotDelete", notes: "Holds the platform's vector index." },
        { parent: this },
      );
    }

    // The service's identity reads and writes index documents; nothing else does.
    if (args.workloadIdentity) {
      grantRole(
        `${name}-search-data`,
        {
          role: "searchIndexDataContributor",
          scope: service.id,
          principalId: args.workloadIdentity.objectId,
          subscriptionId: args.subscriptionId,
        },
        { parent: this },
      );
    } else {
      void pulumi.log.warn(
        "RAG403: no workload identity to grant Azure AI Search index access to.",
        this,
      );
    }

    // Operation logs to the workspace, and an alert on throttled (503) queries.
    new monitor.DiagnosticSetting(
      `${name}-search-logs`,
      {
        resourceUri: service.id,
        name: "logs-to-log-analytics",
        workspaceId: monitoring.logWorkspaceId,
        logs: [{ categoryGroup: "allLogs", enabled: true }],
      },
      { parent: this },
    );
    // TODO: Azure AI Search has no platform metric for failed requests other than throttling;
    // other 5xx answers are only in the operation logs and do not page anyone yet.
    monitoring.registerAlerts("vector-store", [
      metricAlert(
        `${name}-search-throttled`,
        {
          signal: "vector-store-errors",
          description: "Azure AI Search is throttling (503) vector queries.",
          scope: service.id,
          metricNamespace: "Microsoft.Search/searchServices",
          metricName: "ThrottledSearchQueriesPercentage",
          aggregation: "Average",
          operator: "GreaterThan",
          threshold: alertThresholds.searchThrottledPercent,
          severity: 2,
        },
        {
          resourceGroupName: network.resourceGroupName,
          actionGroupId: monitoring.alertChannelId,
          tags,
        },
        this,
      ),
    ]);
    return service;
  }
}
