import type * as k8s from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { PinnedChart } from "../../src/app/charts";
import type { Naming } from "../../src/naming";
import { type OidcIssuer, irsaRelease } from "./irsa";

/**
 * The Kubernetes Cluster Autoscaler chart of the kubernetes/autoscaler repository. The image is
 * chosen by `clusterAutoscalerValues` to match the cluster's minor version, as the autoscaler's
 * releases follow Kubernetes minors.
 */
export const clusterAutoscalerChart = {
  chart: "cluster-autoscaler",
  version: "9.51.0",
  repository: "https://kubernetes.github.io/autoscaler",
} as const satisfies PinnedChart;

export const clusterAutoscalerServiceAccount = {
  namespace: "kube-system",
  name: "cluster-autoscaler",
} as const;

/**
 * The tags auto-discovery looks for on an Auto Scaling group. EKS puts both on the group of every
 * managed node group it creates (value `true` and `owned`), so nothing here tags the group.
 */
export function autoDiscoveryTags(clusterName: string): Record<string, string> {
  return {
    "k8s.io/cluster-autoscaler/enabled": "true",
    [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
  };
}

/**
 * Least privilege after the AWS cloud provider README of the autoscaler ("Full Cluster Autoscaler
 * Features Policy"): reads anywhere (they take no resource), and the two actions that change
 * capacity only on Auto Scaling groups carrying both discovery tags of this cluster.
 */
export function clusterAutoscalerPolicy(clusterName: string): object {
  const tagConditions = Object.fromEntries(
    Object.entries(autoDiscoveryTags(clusterName)).map(([key, value]) => [
      `aws:ResourceTag/${key}`,
      value,
    ]),
  );
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ],
        Resource: "*",
        Condition: { StringEquals: tagConditions },
      },
    ],
  };
}

/** Values of the chart: AWS auto-discovery of this cluster's groups, its IRSA-bound account. */
export function clusterAutoscalerValues(
  clusterName: pulumi.Input<string>,
  region: string,
  kubernetesVersion: string,
  annotations: pulumi.Input<Record<string, string>>,
): Record<string, unknown> {
  return {
    cloudProvider: "aws",
    awsRegion: region,
    autoDiscovery: {
      clusterName,
      tags: pulumi.output(clusterName).apply((cluster) => Object.keys(autoDiscoveryTags(cluster))),
    },
    rbac: {
      serviceAccount: {
        create: true,
        name: clusterAutoscalerServiceAccount.name,
        annotations,
      },
    },
    // The autoscaler's minor must match the control plane's.
    image: { tag: `v${kubernetesVersion}.0` },
    extraArgs: { "balance-similar-node-groups": true, expander: "least-waste" },
  };
}

export interface ClusterAutoscalerArgs {
  naming: Naming;
  tags: Record<string, string>;
  issuer: OidcIssuer;
  provider: k8s.Provider;
  clusterName: pulumi.Output<string>;
  region: string;
  kubernetesVersion: string;
}

/** Installs the autoscaler (`${name}`) with its IRSA role (`${name}-role`) and policy. */
export function installClusterAutoscaler(
  parent: pulumi.Resource,
  name: string,
  args: ClusterAutoscalerArgs,
): void {
  const { clusterName, region, kubernetesVersion } = args;
  irsaRelease(parent, name, {
    ...args,
    namespace: clusterAutoscalerServiceAccount.namespace,
    serviceAccountName: clusterAutoscalerServiceAccount.name,
    policy: clusterName.apply((cluster) => JSON.stringify(clusterAutoscalerPolicy(cluster))),
    chart: clusterAutoscalerChart,
    values: (annotations) =>
      clusterAutoscalerValues(clusterName, region, kubernetesVersion, annotations),
  });
}
