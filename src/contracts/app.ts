import type * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../config/settings";
import type { ComponentContext, WorkloadIdentity } from "./common";
import type { Vault } from "./vault";

export interface AppHostingArgs extends ComponentContext {
  protection: ProtectionSettings;
  vault: Vault;
  /** The identity the RAG service, the secret store and the snapshot job run as. */
  workloadIdentity: WorkloadIdentity;
  /**
   * Whether Qdrant runs in the cluster, so that snapshot object storage is needed.
   * @default false
   */
  snapshots?: boolean;
}

/** A source or destination a NetworkPolicy rule names, in the Kubernetes API's own shape. */
export interface NetworkPeer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels: Record<string, string> };
}

/** Where the in-cluster Qdrant's snapshots go, and how an rclone remote reaches it. */
export interface SnapshotStorage {
  /** Bucket or container URL, for people and outputs (`s3://...`, `gs://...`, `https://...`). */
  url: pulumi.Output<string>;
  /**
   * Environment of an rclone remote named `SNAPSHOTS` that authenticates with the workload
   * identity (`RCLONE_CONFIG_SNAPSHOTS_*`), so the snapshot job needs no stored key.
   */
  rcloneEnv: pulumi.Output<Record<string, string>>;
  /** Bucket (or container) path inside the remote. */
  path: pulumi.Output<string>;
}

/**
 * What the cloud-agnostic application layer needs to know of the cloud it runs on, as values:
 * shared code never asks which cloud it is on.
 */
export interface AppHosting {
  /** Ingress class served by the cloud's own load balancer, and its annotations. */
  ingress: {
    className: string;
    annotations: Record<string, string>;
    /** Where the load balancer's traffic and health checks come from, for NetworkPolicies. */
    sources: NetworkPeer[];
  };
  /** CIDR blocks of the database and private endpoints (managed vector stores) the pods reach. */
  privateServiceCidrs: pulumi.Output<string[]>;
  /**
   * The `spec.provider` block of an External Secrets Operator ClusterSecretStore that reads the
   * vault as the workload identity.
   */
  secretStoreProvider: Record<string, unknown>;
  /** Labels a pod needs for the identity's credentials to be injected (Azure's webhook). */
  identityPodLabels: Record<string, string>;
  /** Extra egress pods need to obtain workload-identity tokens (metadata servers). */
  identityEgress: Array<{ peer: NetworkPeer; port: number; protocol: "TCP" | "UDP" }>;
  /** Present when `snapshots` was asked for. */
  snapshotStorage?: SnapshotStorage;
  /**
   * What the Ingress must wait for: the ingress controller, when the backend installs it.
   * @default none (the cloud serves the class without an install, such as an AKS add-on)
   */
  ingressDependsOn?: pulumi.Resource[];
}
