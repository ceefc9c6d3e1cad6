import type * as helm from "@pulumi/kubernetes/helm/v3";
import type * as k8s from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { PinnedChart } from "../../src/app/charts";
import type { Naming } from "../../src/naming";
import { type OidcIssuer, irsaRelease } from "./irsa";

/** The AWS Load Balancer Controller chart of the eks-charts repository (controller v2.14.1). */
export const loadBalancerControllerChart = {
  chart: "aws-load-balancer-controller",
  version: "1.14.1",
  repository: "https://aws.github.io/eks-charts",
} as const satisfies PinnedChart;

export const loadBalancerControllerServiceAccount = {
  namespace: "kube-system",
  name: "aws-load-balancer-controller",
} as const;

/** Tag the controller puts on every load balancer, target group and security group it creates. */
const ownedTag = "elbv2.k8s.aws/cluster";

/**
 * The controller's published IAM policy, `docs/install/iam_policy.json` of controller v2.14.1,
 * the release the Amazon EKS User Guide page "Install AWS Load Balancer Controller with Helm"
 * installs. Its writes on existing resources are conditioned on the controller's own tag; the
 * ARNs take the account's partition. Bump it together with `loadBalancerControllerChart`.
 */
export function loadBalancerControllerPolicy(partition: string): object {
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
  const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
  const balancersAndGroups = [
    elb("targetgroup/*/*"),
    elb("loadbalancer/net/*/*"),
    elb("loadbalancer/app/*/*"),
  ];
  const requestTagged = { [`aws:RequestTag/${ownedTag}`]: "false" };
  const resourceTagged = { [`aws:ResourceTag/${ownedTag}`]: "false" };
  const retagOwned = {
    Null: { [`aws:RequestTag/${ownedTag}`]: "true", [`aws:ResourceTag/${ownedTag}`]: "false" },
  };
  const allow = (Action: string[], Resource: string | string[], Condition?: object) => ({
    Effect: "Allow",
    Action,
    Resource,
    ...(Condition === undefined ? {} : { Condition }),
  });
  return {
    Version: "2012-10-17",
    Statement: [
      allow(["iam:CreateServiceLinkedRole"], "*", {
        StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
      }),
      allow(
        [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:GetCoipPoolUsage",
          "ec2:DescribeCoipPools",
          "ec2:GetSecurityGroupsForVpc",
          "ec2:DescribeIpamPools",
          "ec2:DescribeRouteTables",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeCapacityReservation",
        ],
        "*",
      ),
      allow(
        [
          "cognito-idp:DescribeUserPoolClient",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
          "iam:ListServerCertificates",
          "iam:GetServerCertificate",
          "waf-regional:GetWebACL",
          "waf-regional:GetWebACLForResource",
          "waf-regional:AssociateWebACL",
          "waf-regional:DisassociateWebACL",
          "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource",
          "wafv2:AssociateWebACL",
          "wafv2:DisassociateWebACL",
          "shield:GetSubscriptionState",
          "shield:DescribeProtection",
          "shield:CreateProtection",
          "shield:DeleteProtection",
        ],
        "*",
      ),
      allow(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], "*"),
      allow(["ec2:CreateSecurityGroup"], "*"),
      allow(["ec2:CreateTags"], securityGroups, {
        StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
        Null: requestTagged,
      }),
      allow(["ec2:CreateTags", "ec2:DeleteTags"], securityGroups, retagOwned),
      allow(
        [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:DeleteSecurityGroup",
        ],
        "*",
        { Null: resourceTagged },
      ),
      allow(
        ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        "*",
        { Null: requestTagged },
      ),
      allow(
        [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
        ],
        "*",
      ),
      allow(
        ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        balancersAndGroups,
        retagOwned,
      ),
      allow(
        ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        [
          elb("listener/net/*/*/*"),
          elb("listener/app/*/*/*"),
          elb("listener-rule/net/*/*/*"),
          elb("listener-rule/app/*/*/*"),
        ],
      ),
      allow(
        [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:ModifyCapacityReservation",
          "elasticloadbalancing:ModifyIpPools",
        ],
        "*",
        { Null: resourceTagged },
      ),
      allow(["elasticloadbalancing:AddTags"], balancersAndGroups, {
        StringEquals: {
          "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
        },
        Null: requestTagged,
      }),
      allow(
        ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        elb("targetgroup/*/*"),
      ),
      allow(
        [
          "elasticloadbalancing:SetWebAcl",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
        ],
        "*",
      ),
    ],
  };
}

/**
 * Values of the chart. The region and VPC are given so the controller needs no instance metadata.
 * The Service mutating webhook is off: this platform exposes only an Ingress, and with the webhook
 * on the controller would take over every `LoadBalancer` Service and, while its pods are not
 * ready, reject Service creation cluster-wide.
 */
export function loadBalancerControllerValues(
  clusterName: pulumi.Input<string>,
  region: string,
  vpcId: pulumi.Input<string>,
  annotations: pulumi.Input<Record<string, string>>,
): Record<string, unknown> {
  return {
    clusterName,
    region,
    vpcId,
    serviceAccount: {
      create: true,
      name: loadBalancerControllerServiceAccount.name,
      annotations,
    },
    enableServiceMutatorWebhook: false,
  };
}

export interface LoadBalancerControllerArgs {
  naming: Naming;
  tags: Record<string, string>;
  issuer: OidcIssuer;
  provider: k8s.Provider;
  clusterName: pulumi.Output<string>;
  region: string;
  vpcId: pulumi.Output<string>;
  partition: pulumi.Output<string>;
}

/**
 * Installs the controller (`${name}`) with its IRSA role (`${name}-role`) and policy; returns the
 * release, which serves the `alb` ingress class once ready.
 */
export function installLoadBalancerController(
  parent: pulumi.Resource,
  name: string,
  args: LoadBalancerControllerArgs,
): helm.Release {
  const { clusterName, region, vpcId, partition } = args;
  return irsaRelease(parent, name, {
    ...args,
    namespace: loadBalancerControllerServiceAccount.namespace,
    serviceAccountName: loadBalancerControllerServiceAccount.name,
    policy: partition.apply((p) => JSON.stringify(loadBalancerControllerPolicy(p))),
    chart: loadBalancerControllerChart,
    values: (annotations) => loadBalancerControllerValues(clusterName, region, vpcId, annotations),
  }).release;
}
