import * as batch from "@pulumi/kubernetes/batch/v1";
import type * as k8sProvider from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { SnapshotStorage } from "../contracts/app";
import { snapshotLabels } from "./policies";
import { qdrantEndpoint } from "./qdrantStore";

/** rclone, one image that speaks S3, GCS and Azure Blob with workload-identity credentials. */
export const snapshotImage = "rclone/rclone:1.70.3";

/** Every six hours: the RPO of the in-cluster vector store (the index can also be rebuilt). */
export const snapshotSchedule = "17 */6 * * *";

/**
 * Asks Qdrant for a full snapshot, downloads it and copies it to the `SNAPSHOTS` remote. Uses
 * busybox wget from the rclone image; fails the job (so the CronJob's failure shows) on any error.
 */
export const snapshotScript = [
  "set -eu",
  'name=$(wget -qO- --header "api-key: $QDRANT_API_KEY" --post-data "" "$QDRANT_URL/snapshots?wait=true" | sed -n \'s/.*"name":"\\([^"]*\\)".*/\\1/p\')',
  'test -n "$name"',
  'wget -qO "/tmp/$name" --header "api-key: $QDRANT_API_KEY" "$QDRANT_URL/snapshots/$name"',
  'rclone copyto "/tmp/$name" "SNAPSHOTS:$SNAPSHOT_PATH/$name"',
  'wget -qO- --header "api-key: $QDRANT_API_KEY" --method=DELETE "$QDRANT_URL/snapshots/$name" || true',
].join("\n");

export interface SnapshotJobArgs {
  provider: k8sProvider.Provider;
  namespace: pulumi.Input<string>;
  serviceAccountName: string;
  storage: SnapshotStorage;
  /** Secret holding Qdrant's API key under `apiKey`. */
  apiKeySecret: string;
  /** Labels the cloud's identity webhook needs on the pod. */
  identityLabels: Record<string, string>;
  dependsOn: pulumi.Resource[];
}

/**
 * A CronJob, running as the workload identity (the only identity allowed to write the bucket),
 * that copies a Qdrant snapshot to the cloud's object storage.
 */
// TODO: full snapshots are taken on the node that answers; with several Qdrant pods each shard's
// snapshot is not guaranteed to be in the copy, and restoring is a manual `PUT /snapshots/upload`
// per node. Per-collection snapshots from every node would close this gap.
export function snapshotJob(
  parent: pulumi.Resource,
  name: string,
  args: SnapshotJobArgs,
): batch.CronJob {
  const env = pulumi.all([args.storage.rcloneEnv, args.storage.path]).apply(([rclone, path]) => [
    { name: "QDRANT_URL", value: qdrantEndpoint },
    {
      name: "QDRANT_API_KEY",
      valueFrom: { secretKeyRef: { name: args.apiKeySecret, key: "apiKey" } },
    },
    { name: "SNAPSHOT_PATH", value: path },
    { name: "HOME", value: "/tmp" },
    ...Object.entries(rclone).map(([key, value]) => ({ name: key, value })),
  ]);
  return new batch.CronJob(
    `${name}-qdrant-snapshot`,
    {
      metadata: { name: "qdrant-snapshot", namespace: args.namespace },
      spec: {
        schedule: snapshotSchedule,
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { ...args.identityLabels, ...snapshotLabels } },
              spec: {
                serviceAccountName: args.serviceAccountName,
                restartPolicy: "Never",
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 10001,
                  runAsGroup: 10001,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                  {
                    name: "snapshot",
                    image: snapshotImage,
                    command: ["/bin/sh", "-c", snapshotScript],
                    env,
                    resources: {
                      requests: { cpu: "100m", memory: "256Mi" },
                      limits: { memory: "1Gi" },
                    },
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ["ALL"] },
                    },
                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                  },
                ],
                volumes: [{ name: "tmp", emptyDir: {} }],
              },
            },
          },
        },
      },
    },
    { parent, provider: args.provider, dependsOn: args.dependsOn },
  );
}
