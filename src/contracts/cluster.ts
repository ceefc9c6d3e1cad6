import type * as k8s from "@pulumi/kubernetes/provider";
import type * as pulumi from "@pulumi/pulumi";
import type { ComponentContext, WorkloadIdentity } from "./common";
import type { ClusterSettings, ProtectionSettings } from "../config/settings";
import type { Monitoring } from "./monitoring";
import type { Vault } from "./vault";

export interface ClusterArgs extends ComponentContext {
  settings: ClusterSettings;
  protection: ProtectionSettings;
  monitoring: Monitoring;
  vault: Vault;
  /**
   * Namespace and service account the RAG service runs as.
   * @default { namespace: "rag", serviceAccountName: "rag-api" }
   */
  workload?: { namespace: string; serviceAccountName: string };
}

/**
 * Managed Kubernetes across three zones: private or authorised-network API endpoint, secrets
 * encrypted with a customer-managed key, workload identity, control-plane audit logs.
 */
export interface Cluster {
  clusterName: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  /** Kubeconfig using non-interactive credentials (exec plugin or workload token); a secret. */
  kubeconfig: pulumi.Output<string>;
  /** Provider for every Kubernetes resource on this cluster. */
  provider: k8s.Provider;
  workloadIdentity: WorkloadIdentity;
}
