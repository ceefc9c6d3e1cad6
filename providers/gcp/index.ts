import * as pulumi from "@pulumi/pulumi";
import type { CloudBackend } from "../../src/contracts/backend";
import { GcpAppHosting } from "./appHosting";
import { GcpCluster } from "./cluster";
import { GcpDatabase } from "./database";
import { GcpMonitoring } from "./monitoring";
import { GcpNetwork } from "./network";
import { lookupProject } from "./project";
import { gcpRules } from "./rules";
import { GcpVault } from "./vault";
import { GcpVectorStore } from "./vectorStore";

/**
 * The GCP backend: the factories close over the network, the project and the vault, because the
 * cluster, database and vector store need the vault's key ring and the network's private
 * services peering, which the cloud-neutral contracts do not carry.
 */
// TODO: the backend does not enable the project's APIs (compute, container, sqladmin,
// servicenetworking, secretmanager, cloudkms, pubsub, monitoring, logging, aiplatform); on a
// fresh project `pulumi up` fails until they are enabled (`gcloud services enable ...`).
export const gcpBackend: CloudBackend = {
  cloud: "gcp",
  ...gcpRules,
  createFoundation(name, args, opts) {
    const network = new GcpNetwork(
      name,
      { ...args, project: lookupProjectFor(args.providerConfig["gcp:project"], opts) },
      opts,
    );
    const project = network.project;
    const environment = args.environment;
    let vault: GcpVault | undefined;
    let cluster: GcpCluster | undefined;
    const requireVault = (component: string): GcpVault => {
      if (vault === undefined)
        throw new Error(`the GCP ${component} needs the vault declared first`);
      return vault;
    };

    return {
      network,
      createMonitoring(monitoringName, monitoringArgs, monitoringOpts) {
        return new GcpMonitoring(monitoringName, { ...monitoringArgs, project }, monitoringOpts);
      },
      createVault(vaultName, vaultArgs, vaultOpts) {
        vault = new GcpVault(vaultName, { ...vaultArgs, project }, vaultOpts);
        return vault;
      },
      createCluster(clusterName, clusterArgs, clusterOpts) {
        cluster = new GcpCluster(
          clusterName,
          { ...clusterArgs, network, vault: requireVault("cluster") },
          clusterOpts,
        );
        return cluster;
      },
      createDatabase(databaseName, databaseArgs, databaseOpts) {
        return new GcpDatabase(
          databaseName,
          { ...databaseArgs, network, vault: requireVault("database") },
          databaseOpts,
        );
      },
      createVectorStore(storeName, storeArgs, storeOpts) {
        if (cluster === undefined) {
          throw new Error(
            "the GCP vector store needs the cluster's workload identity declared first",
          );
        }
        return new GcpVectorStore(
          storeName,
          {
            ...storeArgs,
            network,
            vault: requireVault("vector store"),
            workloadIdentity: cluster.workloadIdentity,
            environment,
          },
          storeOpts,
        );
      },
      createAppHosting(hostingName, hostingArgs, hostingOpts) {
        if (cluster === undefined) {
          throw new Error("the GCP application hosting needs the cluster declared first");
        }
        return new GcpAppHosting(
          hostingName,
          { ...hostingArgs, network, cluster, gcpVault: requireVault("application hosting") },
          hostingOpts,
        );
      },
    };
  },
};

/** The project lookup runs under the platform, like the components it serves. */
function lookupProjectFor(projectId: string | undefined, opts: pulumi.ComponentResourceOptions) {
  const parent = opts.parent;
  if (parent === undefined) throw new Error("the GCP foundation must be created under a parent");
  if (projectId === undefined) throw new Error("the GCP foundation needs `gcp:project`");
  return lookupProject(projectId, parent);
}
