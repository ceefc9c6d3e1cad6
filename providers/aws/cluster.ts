import * as eks from "@pulumi/aws/eks";
import * as iam from "@pulumi/aws/iam";
import * as k8s from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { Cluster, ClusterArgs } from "../../src/contracts/cluster";
import type { WorkloadIdentity } from "../../src/contracts/common";
import type { ClusterSettings, SizeClass } from "../../src/config/settings";
import { type AlarmSpec, createAlarms } from "./alarms";
import { installClusterAutoscaler } from "./clusterAutoscaler";
import { type OidcIssuer, roleAnnotations, serviceAccountRole } from "./irsa";
import { type AwsAccount, customerKey } from "./kms";
import { asAwsMonitoring } from "./monitoring";
import { servicePrincipalTrust } from "./policies";
import { awsName } from "./naming";
import type { AwsNetwork } from "./network";
import { asAwsVault } from "./vault";

export interface AwsClusterArgs extends ClusterArgs {
  account: AwsAccount;
  network: AwsNetwork;
}

/** EC2 instance type of the nodes for each size class (general purpose, 2/4/8 vCPU). */
export const nodeInstanceTypes: Record<SizeClass, string> = {
  small: "m6i.large",
  medium: "m6i.xlarge",
  large: "m6i.2xlarge",
};

/** Every control-plane log EKS offers; `audit` is the one the contract requires. */
export const controlPlaneLogTypes = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
];

/** Managed policies of the node role: kubelet, VPC CNI, image pulls, Container Insights agent. */
export const nodeRolePolicies = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
  "CloudWatchAgentServerPolicy",
];

/** The node instance type: the explicit override, else the size class's. */
export function nodeInstanceType(settings: ClusterSettings): string {
  return settings.nodeMachineType ?? nodeInstanceTypes[settings.nodeSize];
}

/** The API endpoint's reachability: always inside the VPC; publicly only to authorised networks. */
export function endpointAccess(settings: ClusterSettings): {
  endpointPrivateAccess: boolean;
  endpointPublicAccess: boolean;
  publicAccessCidrs?: string[];
} {
  if (settings.endpointAccess === "restricted") {
    return {
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: settings.authorizedNetworks,
    };
  }
  return { endpointPrivateAccess: true, endpointPublicAccess: false };
}

/**
 * A kubeconfig whose credentials come from `aws eks get-token`, so it works wherever AWS
 * credentials do (CI included) and never prompts.
 */
export function kubeconfigFor(
  clusterName: string,
  endpoint: string,
  caData: string,
  region: string,
): string {
  const user = `${clusterName}-aws`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } },
    ],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
    "current-context": clusterName,
    users: [
      {
        name: user,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              clusterName,
              "--region",
              region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

/**
 * Alarm decisions of the cluster. Failed nodes: Container Insights publishes each minute, about
 * a minute late; two failed minutes page. API 5xx: `apiserver_request_total_5XX` in `AWS/EKS`
 * (the free control-plane metrics of EKS >= 1.28, one-minute frequency, dimension `ClusterName`).
 */
export function clusterAlarmSpecs(clusterName: pulumi.Input<string>): AlarmSpec[] {
  const dimensions = { ClusterName: clusterName };
  return [
    {
      signal: "cluster-node-health",
      role: "failed-nodes-alarm",
      description: "Worker nodes of the cluster report a failing node condition.",
      namespace: "ContainerInsights",
      metricName: "cluster_failed_node_count",
      dimensions,
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 2,
      publicationDelaySeconds: 60,
    },
    {
      signal: "cluster-api-5xx",
      role: "api-5xx-alarm",
      description: "The Kubernetes API server answers with server errors.",
      namespace: "AWS/EKS",
      metricName: "apiserver_request_total_5XX",
      dimensions,
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 10,
      evaluationPeriods: 3,
      publicationDelaySeconds: 60,
    },
  ];
}

/**
 * EKS: private API endpoint, secrets encrypted with a customer-managed key, every control-plane
 * log, API (access entry) authentication, a managed node group over the three private subnets
 * sized by the Cluster Autoscaler, IRSA with a role for the RAG service's account, Container
 * Insights, and a kubeconfig that authenticates through the AWS CLI.
 */
export class AwsCluster extends pulumi.ComponentResource implements Cluster {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly workloadIdentity: WorkloadIdentity;
  /** The IAM identity provider of the cluster's OIDC issuer, for IRSA roles of cluster add-ons. */
  readonly oidcIssuer: OidcIssuer;

  constructor(name: string, args: AwsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:cluster:AwsCluster", name, {}, opts);
    const { naming, tags, settings, protection, network, account, region } = args;
    const workload = args.workload ?? { namespace: "rag", serviceAccountName: "rag-api" };
    const monitoring = asAwsMonitoring(args.monitoring);
    const clusterName = awsName(naming, "eks", "eksCluster");
    const managedPolicy = (policy: string) =>
      pulumi.interpolate`arn:${account.partition}:iam::aws:policy/${policy}`;

    // The key that encrypts Kubernetes secrets in etcd.
    const secretsKey = customerKey(this, `${name}-secrets`, "eks-secrets", {
      naming,
      tags,
      protection,
      account,
      region,
      description: `Encrypts Kubernetes secrets of ${clusterName}`,
      rotationDays: asAwsVault(args.vault).keyRotationDays,
    });

    // The control plane's role.
    const clusterRole = new iam.Role(
      `${name}-role`,
      {
        name: awsName(naming, "eks-cluster", "iamRole"),
        assumeRolePolicy: JSON.stringify(servicePrincipalTrust("eks.amazonaws.com")),
        tags,
      },
      { parent: this },
    );
    const clusterPolicy = new iam.RolePolicyAttachment(
      `${name}-role-policy`,
      { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
      { parent: this },
    );

    // Control-plane logs land in a group declared first, so it has the platform's key and retention.
    const controlPlaneLogs = monitoring.logGroup(
      this,
      `${name}-control-plane-logs`,
      `/aws/eks/${clusterName}/cluster`,
      protection,
    );

    // The control plane.
    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version: settings.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: { subnetIds: network.privateSubnetIds, ...endpointAccess(settings) },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
        enabledClusterLogTypes: controlPlaneLogTypes,
        // Access entries only; the deploying identity is made cluster admin so Pulumi can manage it.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        deletionProtection: protection.deletionProtection,
        tags,
      },
      { parent: this, dependsOn: [clusterPolicy, controlPlaneLogs] },
    );
    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;

    // The node role and the managed node group across the three private subnets.
    const nodeRole = new iam.Role(
      `${name}-node-role`,
      {
        name: awsName(naming, "eks-node", "iamRole"),
        assumeRolePolicy: JSON.stringify(servicePrincipalTrust("ec2.amazonaws.com")),
        tags,
      },
      { parent: this },
    );
    const nodePolicies = nodeRolePolicies.map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: managedPolicy(policy) },
          { parent: this },
        ),
    );
    const nodeGroup = new eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: cluster.name,
        nodeGroupName: awsName(naming, "nodes", "nodeGroup"),
        nodeRoleArn: nodeRole.arn,
        subnetIds: network.privateSubnetIds,
        instanceTypes: [nodeInstanceType(settings)],
        amiType: "AL2023_x86_64_STANDARD",
        scalingConfig: {
          minSize: settings.nodeMinCount,
          maxSize: settings.nodeMaxCount,
          desiredSize: settings.nodeMinCount,
        },
        updateConfig: { maxUnavailable: 1 },
        nodeRepairConfig: { enabled: true },
        tags,
      },
      // The Cluster Autoscaler below owns the desired size once the group exists.
      { parent: this, dependsOn: nodePolicies, ignoreChanges: ["scalingConfig.desiredSize"] },
    );

    // Container Insights, the source of the node-health metric.
    new eks.Addon(
      `${name}-cloudwatch-observability`,
      {
        clusterName: cluster.name,
        addonName: "amazon-cloudwatch-observability",
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
      },
      { parent: this, dependsOn: [nodeGroup] },
    );

    // IRSA: the cluster's OIDC issuer as an IAM identity provider. AWS trusts the issuer's CA
    // for EKS, so no thumbprint is pinned (and none goes stale when the certificate rotates).
    const issuerUrl = cluster.identities.apply(
      (identities) => identities[0]?.oidcs?.[0]?.issuer ?? "",
    );
    const oidcProvider = new iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
      { parent: this },
    );
    this.oidcIssuer = { providerArn: oidcProvider.arn, url: issuerUrl };

    // The RAG service's role, assumable by exactly its namespace and service account.
    const { role: workloadRole } = serviceAccountRole(this, `${name}-workload`, {
      naming,
      tags,
      issuer: this.oidcIssuer,
      namespace: workload.namespace,
      serviceAccountName: workload.serviceAccountName,
    });
    this.workloadIdentity = {
      namespace: workload.namespace,
      serviceAccountName: workload.serviceAccountName,
      principal: workloadRole.arn,
      serviceAccountAnnotations: roleAnnotations(workloadRole.arn),
    };

    // Kubeconfig with exec credentials, and the provider every Kubernetes resource uses.
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([clusterId, endpoint, ca]) =>
          kubeconfigFor(clusterId, endpoint, ca.data ?? "", region),
        ),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: [nodeGroup] },
    );

    // The Cluster Autoscaler, which owns the node group's desired size between its bounds.
    installClusterAutoscaler(this, `${name}-autoscaler`, {
      naming,
      tags,
      issuer: this.oidcIssuer,
      provider: this.provider,
      clusterName: cluster.name,
      region,
      kubernetesVersion: settings.kubernetesVersion,
    });

    // Alarms on failed nodes and API server errors.
    createAlarms(
      this,
      name,
      "cluster",
      { naming, tags, monitoring: args.monitoring },
      clusterAlarmSpecs(cluster.name),
    );

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
      workloadPrincipal: this.workloadIdentity.principal,
    });
  }
}
