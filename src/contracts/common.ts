import type * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../config/settings";
import type { Naming } from "../naming";

/** What every backend component receives besides its own settings. */
export interface ComponentContext {
  /** Builds physical names within the cloud's limits for this stack. */
  naming: Naming;
  /** Tags (labels on GCP) applied to every taggable resource. */
  tags: Record<string, string>;
  /** Region or location of the stack. */
  region: string;
  /** Environment tier, for sizing choices a profile does not spell out (replica counts). */
  environment: Environment;
  /** The provider keys the cloud's rules required, for example `gcp:project`. */
  providerConfig: Readonly<Record<string, string>>;
}

/** A secret held in the platform's vault. */
export interface SecretReference {
  /** Short logical name, unique within the platform (for example `database-credentials`). */
  logicalName: string;
  /** The cloud's identifier: a Secrets Manager ARN, a Secret Manager resource id, a Key Vault secret id. */
  id: pulumi.Output<string>;
  /** Name a workload uses to fetch the secret (secret name in AWS and GCP, secret name in Key Vault). */
  name: pulumi.Output<string>;
}

/** The identity that pods of the RAG service run as, federated from the cluster. */
export interface WorkloadIdentity {
  /** Kubernetes namespace of the service account. */
  namespace: string;
  /** Kubernetes service account bound to the cloud identity. */
  serviceAccountName: string;
  /** IAM role ARN (AWS), Google service account e-mail (GCP), managed identity client id (Azure). */
  principal: pulumi.Output<string>;
  /**
   * The annotations the Kubernetes service account needs to assume the identity
   * (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`).
   */
  serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
}

/** A signal every backend alerts on, so that the same outage pages on every cloud. */
export const alertSignals = [
  "database-cpu",
  "database-storage",
  "database-connections",
  "database-replica-lag",
  "cluster-node-health",
  "cluster-api-5xx",
  "vector-store-errors",
] as const;
export type AlertSignal = (typeof alertSignals)[number];

/** An alert rule a component created, registered with monitoring. */
export interface RegisteredAlert {
  signal: AlertSignal;
  /** The alert resource (CloudWatch alarm, alert policy, metric alert). */
  resource: pulumi.Resource;
  /**
   * Worst-case time from the start of an outage to the alert firing: evaluation period times the
   * number of periods that must breach, plus the metric's publication delay.
   */
  detectionSeconds: number;
}

/** Detection must stay within this bound for every registered alert. */
export const maxDetectionSeconds = 300;
