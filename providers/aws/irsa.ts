import * as iam from "@pulumi/aws/iam";
import * as helm from "@pulumi/kubernetes/helm/v3";
import type * as k8s from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { PinnedChart } from "../../src/app/charts";
import type { Naming } from "../../src/naming";
import { awsName } from "./naming";

/** The cluster's OIDC issuer as registered with IAM: what an IRSA trust policy names. */
export interface OidcIssuer {
  /** ARN of the IAM OpenID Connect provider of the cluster. */
  providerArn: pulumi.Output<string>;
  /** Issuer URL of the cluster (`https://oidc.eks.<region>.amazonaws.com/id/...`). */
  url: pulumi.Output<string>;
}

/** Annotation through which EKS injects a role's web identity into a service account's pods. */
export const roleArnAnnotation = "eks.amazonaws.com/role-arn";

/** Trust policy letting exactly one Kubernetes service account assume a role through IRSA. */
export function workloadTrustPolicy(
  oidcProviderArn: string,
  issuerUrl: string,
  namespace: string,
  serviceAccountName: string,
): object {
  const issuer = issuerUrl.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

export interface ServiceAccountRoleArgs {
  naming: Naming;
  tags: Record<string, string>;
  issuer: OidcIssuer;
  namespace: string;
  serviceAccountName: string;
  /** Inline permissions of the role, as a JSON policy document. @default none */
  policy?: pulumi.Input<string>;
}

/**
 * An IAM role that exactly one service account assumes through IRSA (`${name}-role`), with its
 * inline policy (`${name}-policy`) when given. `grants` is what a user of the role waits for.
 */
export function serviceAccountRole(
  parent: pulumi.Resource,
  name: string,
  args: ServiceAccountRoleArgs,
): { role: iam.Role; grants: pulumi.Resource[] } {
  const { naming, tags, issuer, namespace, serviceAccountName } = args;
  const stem = `${namespace}-${serviceAccountName}`;
  const role = new iam.Role(
    `${name}-role`,
    {
      name: awsName(naming, stem, "iamRole"),
      assumeRolePolicy: pulumi
        .all([issuer.providerArn, issuer.url])
        .apply(([arn, url]) =>
          JSON.stringify(workloadTrustPolicy(arn, url, namespace, serviceAccountName)),
        ),
      tags,
    },
    { parent },
  );
  if (args.policy === undefined) return { role, grants: [role] };
  const policy = new iam.RolePolicy(
    `${name}-policy`,
    { name: awsName(naming, stem, "iamPolicy"), role: role.name, policy: args.policy },
    { parent },
  );
  return { role, grants: [role, policy] };
}

/** The service-account annotations that bind a pod's identity to `roleArn`. */
export function roleAnnotations(
  roleArn: pulumi.Output<string>,
): pulumi.Output<Record<string, string>> {
  return roleArn.apply((arn): Record<string, string> => ({ [roleArnAnnotation]: arn }));
}

export interface IrsaReleaseArgs extends ServiceAccountRoleArgs {
  policy: pulumi.Input<string>;
  chart: PinnedChart;
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
  /** The chart's values, given the annotations its service account must carry. */
  values: (annotations: pulumi.Output<Record<string, string>>) => Record<string, unknown>;
}

/**
 * A cluster add-on installed from a pinned chart whose service account assumes its own IRSA role:
 * the role and its policy first, then the release (`${name}`) that creates the annotated account.
 */
export function irsaRelease(
  parent: pulumi.Resource,
  name: string,
  args: IrsaReleaseArgs,
): { role: iam.Role; release: helm.Release } {
  const { role, grants } = serviceAccountRole(parent, name, args);
  const { chart, namespace } = args;
  const release = new helm.Release(
    name,
    {
      name: chart.chart,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repository },
      namespace,
      createNamespace: false,
      values: args.values(roleAnnotations(role.arn)),
      atomic: true,
      timeout: 600,
    },
    { parent, provider: args.provider, dependsOn: grants },
  );
  return { role, release };
}
