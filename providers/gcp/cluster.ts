import * as container from "@pulumi/gcp/container";
import * as monitoring from "@pulumi/gcp/monitoring";
import * as projects from "@pulumi/gcp/projects";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { SizeClass } from "../../src/config/settings";
import type { Cluster, ClusterArgs } from "../../src/contracts/cluster";
import type { WorkloadIdentity } from "../../src/contracts/common";
import {
  apiServer5xxRatio,
  apiServerRule,
  channelList,
  nodeNotReadyDetectionSeconds,
  promqlDetectionSeconds,
} from "./alerts";
import { gcpLabels, gcpName } from "./naming";
import { podsRangeName, servicesRangeName, type GcpNetwork } from "./network";
import { gkeServiceAgent, workloadPool } from "./project";
import type { GcpVault } from "./vault";

/** Node machine type for each size class. */
export const nodeMachineTypes: Record<SizeClass, string> = {
  small: "e2-standard-4",
  medium: "n2-standard-4",
  large: "n2-standard-8",
};

/** Roles the node service account needs to run GKE nodes, and nothing more. */
export const nodeServiceAccountRoles = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/autoscaling.metricsWriter",
  "roles/artifactregistry.reader",
];

/** Control-plane components whose logs go to Cloud Logging (audit logs are always on). */
export const clusterLogComponents = [
  "SYSTEM_COMPONENTS",
  "APISERVER",
  "CONTROLLER_MANAGER",
  "SCHEDULER",
  "WORKLOADS",
];

/** Control-plane metrics exported to Managed Prometheus; APISERVER feeds the 5xx alert. */
export const clusterMetricComponents = [
  "SYSTEM_COMPONENTS",
  "APISERVER",
  "SCHEDULER",
  "CONTROLLER_MANAGER",
];

/**
 * A kubeconfig that authenticates through `gke-gcloud-auth-plugin` with application-default
 * credentials, so CI and `pulumi up` need no interactive login.
 */
export function kubeconfigFor(name: string, endpoint: string, caCertificate: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: { server: `https://${endpoint}`, "certificate-authority-data": caCertificate },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            args: ["--use_application_default_credentials"],
            installHint:
              "Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin).",
            provideClusterInfo: true,
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

/** The PromQL rule: share of API-server requests answered with a 5xx. */
export function apiServer5xxQuery(clusterName: string): string {
  const selector = `cluster="${clusterName}"`;
  const window = `${apiServerRule.windowSeconds}s`;
  return (
    `sum(rate(apiserver_request_total{${selector},code=~"5.."}[${window}]))` +
    ` / sum(rate(apiserver_request_total{${selector}}[${window}])) > ${apiServer5xxRatio}`
  );
}

export interface GcpClusterArgs extends ClusterArgs {
  network: GcpNetwork;
  vault: GcpVault;
}

/**
 * Regional private GKE: nodes in three zones without public IPs, private or authorised-network
 * control plane, Workload Identity, Shielded Nodes, secrets encrypted with a Cloud KMS key,
 * control-plane logs and metrics, and a least-privilege node service account.
 */
export class GcpCluster extends pulumi.ComponentResource implements Cluster {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: Provider;
  readonly workloadIdentity: WorkloadIdentity;
  readonly cluster: container.Cluster;

  constructor(name: string, args: GcpClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:cluster:GcpCluster", name, {}, opts);
    const { naming, settings, network, protection } = args;
    const project = network.project;
    const labels = gcpLabels(args.tags);
    const child = { parent: this };
    const workload = args.workload ?? { namespace: "rag", serviceAccountName: "rag-api" };

    // Nodes run as their own service account with only the logging/monitoring/pull roles.
    const nodeAccount = new serviceaccount.Account(
      `${name}-nodes`,
      {
        accountId: gcpName(naming, "gke-nodes", "serviceAccount"),
        project: project.id,
        displayName: "RAG GKE nodes",
      },
      child,
    );
    const nodeRoles = nodeServiceAccountRoles.map(
      (role) =>
        new projects.IAMMember(
          `${name}-nodes-${role.split("/")[1].replace(/\./g, "-")}`,
          { project: project.id, role, member: nodeAccount.member },
          child,
        ),
    );

    // Kubernetes secrets in etcd are encrypted with a KMS key only the GKE agent may use.
    const secretsKey = args.vault.createKey("gke-secrets", [gkeServiceAgent(project.number)]);

    // The control plane: regional, private nodes, endpoint per `endpointAccess`.
    const privateEndpoint = settings.endpointAccess === "private";
    // A private endpoint still checks authorised networks: admit the platform's own block.
    const authorizedNetworks = privateEndpoint
      ? [{ cidrBlock: network.cidr, displayName: "platform-network" }]
      : settings.authorizedNetworks.map((cidrBlock, index) => ({
          cidrBlock,
          displayName: `authorized-${index}`,
        }));
    const nodeConfig = {
      serviceAccount: nodeAccount.email,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: "GKE_METADATA" },
    };
    this.cluster = new container.Cluster(
      `${name}-gke`,
      {
        name: gcpName(naming, "gke", "gkeCluster"),
        project: project.id,
        location: args.region,
        nodeLocations: network.zones,
        network: network.network.id,
        subnetwork: network.subnet.id,
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: {
          clusterSecondaryRangeName: podsRangeName,
          servicesSecondaryRangeName: servicesRangeName,
        },
        // The default pool is replaced by the managed pool below; it still runs briefly, so it
        // gets the same hardened node settings.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig,
        minMasterVersion: settings.kubernetesVersion,
        releaseChannel: { channel: "REGULAR" },
        privateClusterConfig: {
          enablePrivateNodes: true,
          enablePrivateEndpoint: privateEndpoint,
          masterGlobalAccessConfig: { enabled: false },
        },
        masterAuthorizedNetworksConfig: {
          cidrBlocks: authorizedNetworks,
          gcpPublicCidrsAccessEnabled: false,
        },
        workloadIdentityConfig: { workloadPool: workloadPool(project.id) },
        enableShieldedNodes: true,
        enableLegacyAbac: false,
        datapathProvider: "ADVANCED_DATAPATH",
        databaseEncryption: { state: "ENCRYPTED", keyName: secretsKey.key.id },
        loggingConfig: { enableComponents: clusterLogComponents },
        monitoringConfig: {
          enableComponents: clusterMetricComponents,
          managedPrometheus: { enabled: true },
        },
        securityPostureConfig: { mode: "BASIC" },
        maintenancePolicy: { dailyMaintenanceWindow: { startTime: "03:00" } },
        resourceLabels: labels,
        deletionProtection: protection.deletionProtection,
      },
      { ...child, dependsOn: [...secretsKey.grants, ...nodeRoles] },
    );

    // The node pool: autoscaling per zone, hardened nodes, auto-repair and auto-upgrade.
    const machineType = settings.nodeMachineType ?? nodeMachineTypes[settings.nodeSize];
    new container.NodePool(
      `${name}-pool`,
      {
        name: gcpName(naming, "pool", "nodePool"),
        cluster: this.cluster.id,
        location: args.region,
        nodeLocations: network.zones,
        initialNodeCount: settings.nodeMinCount,
        autoscaling: {
          minNodeCount: settings.nodeMinCount,
          maxNodeCount: settings.nodeMaxCount,
          locationPolicy: "BALANCED",
        },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          ...nodeConfig,
          machineType,
          imageType: "COS_CONTAINERD",
          diskType: "pd-balanced",
          diskSizeGb: 100,
          labels,
          resourceLabels: labels,
        },
      },
      { ...child, ignoreChanges: ["initialNodeCount"] },
    );

    // Admin reads of the GKE API are audit-logged too (admin writes always are).
    new projects.IAMAuditConfig(
      `${name}-audit`,
      {
        project: project.id,
        service: "container.googleapis.com",
        auditLogConfigs: [{ logType: "ADMIN_READ" }],
      },
      child,
    );

    // Workload identity: a Google service account the Kubernetes service account impersonates.
    const workloadAccount = new serviceaccount.Account(
      `${name}-workload`,
      {
        accountId: gcpName(naming, workload.serviceAccountName, "serviceAccount"),
        project: project.id,
        displayName: `RAG workload ${workload.namespace}/${workload.serviceAccountName}`,
      },
      child,
    );
    new serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: workloadAccount.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${workloadPool(project.id)}[${workload.namespace}/${workload.serviceAccountName}]`,
      },
      // The pool exists once the first Workload Identity cluster of the project does.
      { ...child, dependsOn: [this.cluster] },
    );
    this.workloadIdentity = {
      namespace: workload.namespace,
      serviceAccountName: workload.serviceAccountName,
      principal: workloadAccount.email,
      serviceAccountAnnotations: workloadAccount.email.apply((email): Record<string, string> => ({
        "iam.gke.io/gcp-service-account": email,
      })),
    };

    // Kubeconfig and provider. With a private endpoint the address is internal, so they work
    // from inside the VPC (CI runners, bastion) only.
    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) =>
          kubeconfigFor(clusterName, endpoint, auth.clusterCaCertificate),
        ),
    );
    this.provider = new Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, child);

    // Alerts: nodes going NotReady, and the API server answering with 5xx.
    const channels = channelList(args.monitoring.alertChannelId);
    const nodeHealth = new monitoring.AlertPolicy(
      `${name}-node-health`,
      {
        displayName: `${naming.prefix} GKE node NotReady`,
        combiner: "OR",
        severity: "CRITICAL",
        conditions: [
          {
            displayName: "A node reported NotReady",
            conditionMatchedLog: {
              filter: pulumi.interpolate`logName="projects/${project.id}/logs/events" AND resource.labels.cluster_name="${this.cluster.name}" AND jsonPayload.reason="NodeNotReady"`,
            },
          },
        ],
        notificationChannels: channels,
        alertStrategy: { notificationRateLimit: { period: "300s" }, autoClose: "1800s" },
        documentation: {
          content: "A GKE node stopped reporting Ready. Check auto-repair and the node's zone.",
          mimeType: "text/markdown",
        },
        userLabels: labels,
      },
      child,
    );
    const apiErrors = new monitoring.AlertPolicy(
      `${name}-api-5xx`,
      {
        displayName: `${naming.prefix} GKE API server 5xx`,
        combiner: "OR",
        severity: "CRITICAL",
        conditions: [
          {
            displayName: `API server 5xx ratio above ${apiServer5xxRatio}`,
            conditionPrometheusQueryLanguage: {
              query: this.cluster.name.apply(apiServer5xxQuery),
              duration: `${apiServerRule.durationSeconds}s`,
              evaluationInterval: `${apiServerRule.evaluationSeconds}s`,
            },
          },
        ],
        notificationChannels: channels,
        alertStrategy: { autoClose: "1800s" },
        documentation: {
          content: "The Kubernetes API server is failing requests. Check GKE control-plane status.",
          mimeType: "text/markdown",
        },
        userLabels: labels,
      },
      child,
    );
    args.monitoring.registerAlerts("cluster", [
      {
        signal: "cluster-node-health",
        resource: nodeHealth,
        detectionSeconds: nodeNotReadyDetectionSeconds,
      },
      {
        signal: "cluster-api-5xx",
        resource: apiErrors,
        detectionSeconds: promqlDetectionSeconds(apiServerRule),
      },
    ]);

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
    });
  }
}
