import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import type { AppHosting, AppHostingArgs, SnapshotStorage } from "../../src/contracts/app";
import { fitName } from "../../src/naming";
import { statefulOptions } from "../../src/protection";
import type { GcpCluster } from "./cluster";
import { gcpLabels } from "./naming";
import type { GcpNetwork } from "./network";
import type { GcpVault } from "./vault";

export interface GcpAppHostingArgs extends AppHostingArgs {
  network: GcpNetwork;
  cluster: GcpCluster;
  gcpVault: GcpVault;
}

/**
 * Google Front End and health-check ranges: where a GKE Ingress (external Application Load
 * Balancer with container-native NEGs) sends traffic to pods from.
 */
export const googleFrontEndRanges = ["130.211.0.0/22", "35.191.0.0/16"];

/** Ingress class of GKE's built-in controller (the HTTP load balancing add-on), HTTPS only. */
export function gcpIngress(): AppHosting["ingress"] {
  return {
    className: "gce",
    annotations: { "kubernetes.io/ingress.allow-http": "false" },
    sources: googleFrontEndRanges.map((cidr) => ({ ipBlock: { cidr } })),
  };
}

/** Bucket names: 3-63 lower-case letters, digits, hyphens, globally unique. */
const bucketRule = { maxLength: 63, minLength: 3, charset: "lower-hyphen" } as const;

/**
 * What the application layer needs of GCP: GKE's Ingress, Secret Manager through Workload
 * Identity for External Secrets, and (with Qdrant) a private Cloud Storage bucket for snapshots,
 * encrypted with a key of the vault's ring, writable by the workload's service account alone.
 */
export class GcpAppHosting extends pulumi.ComponentResource implements AppHosting {
  readonly ingress: AppHosting["ingress"];
  readonly privateServiceCidrs: pulumi.Output<string[]>;
  readonly secretStoreProvider: Record<string, unknown>;
  readonly identityEgress: AppHosting["identityEgress"];
  readonly identityPodLabels: Record<string, string> = {};
  readonly snapshotStorage?: SnapshotStorage;

  constructor(name: string, args: GcpAppHostingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:app:GcpAppHosting", name, {}, opts);
    const { network, cluster, region, workloadIdentity: identity } = args;
    this.ingress = gcpIngress();
    // Cloud SQL and Vertex AI sit in the private services range, carved from the network's block.
    this.privateServiceCidrs = pulumi.output([network.cidr]);
    this.secretStoreProvider = {
      gcpsm: {
        projectID: network.project.id,
        auth: {
          workloadIdentity: {
            clusterLocation: region,
            clusterName: cluster.clusterName,
            clusterProjectID: network.project.id,
            serviceAccountRef: { name: identity.serviceAccountName, namespace: identity.namespace },
          },
        },
      },
    };
    // Workload Identity tokens come from the node's GKE metadata server (port 988 on Dataplane V2).
    this.identityEgress = [
      { peer: { ipBlock: { cidr: "169.254.169.254/32" } }, port: 80, protocol: "TCP" },
      { peer: { ipBlock: { cidr: "169.254.169.252/32" } }, port: 988, protocol: "TCP" },
    ];

    if (args.snapshots) this.snapshotStorage = this.snapshotBucket(name, args);
    this.registerOutputs({});
  }

  private snapshotBucket(name: string, args: GcpAppHostingArgs): SnapshotStorage {
    const { naming, tags, protection, region, network, gcpVault, workloadIdentity } = args;
    const storageAgent = pulumi.interpolate`serviceAccount:service-${network.project.number}@gs-project-accounts.iam.gserviceaccount.com`;
    const key = gcpVault.createKey("qdrant-snapshots", [storageAgent]);
    const bucket = new storage.Bucket(
      `${name}-snapshots`,
      {
        name: fitName(`${naming.prefix}-qdrant-snapshots-${network.project.id}`, bucketRule),
        project: network.project.id,
        location: region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        encryption: { defaultKmsKeyName: key.key.id },
        forceDestroy: !protection.deletionProtection,
        labels: gcpLabels(tags),
      },
      { parent: this, dependsOn: key.grants, ...statefulOptions(protection) },
    );
    new storage.BucketIAMMember(
      `${name}-snapshots-writer`,
      {
        bucket: bucket.name,
        role: "roles/storage.objectAdmin",
        member: pulumi.interpolate`serviceAccount:${workloadIdentity.principal}`,
      },
      { parent: this },
    );
    return {
      url: pulumi.interpolate`gs://${bucket.name}`,
      path: bucket.name,
      rcloneEnv: pulumi.output<Record<string, string>>({
        RCLONE_CONFIG_SNAPSHOTS_TYPE: "google cloud storage",
        RCLONE_CONFIG_SNAPSHOTS_ENV_AUTH: "true",
        RCLONE_CONFIG_SNAPSHOTS_BUCKET_POLICY_ONLY: "true",
      }),
    };
  }
}
