import * as pulumi from "@pulumi/pulumi";
import type { PlatformSettings } from "./config/settings";
import type { CloudBackend } from "./contracts/backend";
import type { Cluster } from "./contracts/cluster";
import type { SecretReference } from "./contracts/common";
import type { Database } from "./contracts/database";
import type { Monitoring } from "./contracts/monitoring";
import type { Network } from "./contracts/network";
import type { Vault } from "./contracts/vault";
import { RagApplication } from "./app/application";
import type { VectorStore } from "./contracts/vectorStore";
import { Naming } from "./naming";
import { platformTags } from "./tags";

export interface RagPlatformArgs {
  settings: PlatformSettings;
  /** The chosen cloud's backend, from `providers/index.ts`. */
  backend: CloudBackend;
  /** Project name used in tags. @default pulumi.getProject() */
  project?: string;
  /** Stack name used in physical names and tags. @default pulumi.getStack() */
  stack?: string;
}

/**
 * The whole platform of one stack: network, monitoring, vault, cluster, database and vector
 * store, wired so that credentials live in the vault, the cluster's workload identity reads
 * exactly those secrets, and every component's alerts are registered with monitoring.
 */
export class RagPlatform extends pulumi.ComponentResource {
  readonly network: Network;
  readonly monitoring: Monitoring;
  readonly vault: Vault;
  readonly cluster: Cluster;
  readonly database: Database;
  readonly vectorStore: VectorStore;
  /** Secrets the workload identity may read: the database's and the vector store's. */
  readonly workloadSecrets: SecretReference[];
  /** The RAG service on the cluster (blue-green API, secrets, ingress, in-cluster monitoring). */
  readonly application: RagApplication;

  constructor(name: string, args: RagPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:platform:RagPlatform", name, {}, opts);
    const { settings, backend } = args;
    const project = args.project ?? pulumi.getProject();
    const stack = args.stack ?? pulumi.getStack();
    // Physical names start with the platform's name, so two platforms in one program differ.
    const naming = new Naming(name, stack);
    const context = {
      naming,
      tags: platformTags(settings, project, stack),
      region: settings.region,
      environment: settings.environment,
      providerConfig: settings.providerConfig,
    };
    const child = { parent: this };

    // Network and other shared foundations, then the components that hang off them.
    const foundation = backend.createFoundation(
      `${name}-network`,
      { ...context, settings: settings.network },
      child,
    );
    this.network = foundation.network;

    // Monitoring first: every later component registers its alerts with it.
    this.monitoring = foundation.createMonitoring(
      `${name}-monitoring`,
      { ...context, settings: settings.monitoring, protection: settings.protection },
      child,
    );

    // The vault holds the keys and credentials the cluster and data stores rely on.
    this.vault = foundation.createVault(
      `${name}-vault`,
      {
        ...context,
        settings: settings.vault,
        protection: settings.protection,
        monitoring: this.monitoring,
      },
      child,
    );

    const shared = {
      protection: settings.protection,
      monitoring: this.monitoring,
      vault: this.vault,
    };
    this.cluster = foundation.createCluster(
      `${name}-cluster`,
      { ...context, ...shared, settings: settings.cluster },
      child,
    );
    this.database = foundation.createDatabase(
      `${name}-database`,
      { ...context, ...shared, settings: settings.database },
      child,
    );
    this.vectorStore = foundation.createVectorStore(
      `${name}-vector-store`,
      { ...context, ...shared, settings: settings.vectorStore, database: this.database },
      child,
    );

    // Least privilege: the service reads its two credentials and nothing else in the vault.
    this.workloadSecrets = uniqueSecrets([this.database.credentials, this.vectorStore.credentials]);
    this.vault.grantRead(this.cluster.workloadIdentity, this.workloadSecrets);

    // The application layer: what it needs of the cloud, then the cloud-agnostic service.
    const hosting = foundation.createAppHosting(
      `${name}-app-hosting`,
      {
        ...context,
        protection: settings.protection,
        vault: this.vault,
        workloadIdentity: this.cluster.workloadIdentity,
        snapshots: settings.vectorStore.engine === "qdrant",
      },
      child,
    );
    this.application = new RagApplication(
      `${name}-app`,
      {
        settings,
        cluster: this.cluster,
        database: this.database,
        vectorStore: this.vectorStore,
        hosting,
        workloadSecrets: this.workloadSecrets,
      },
      child,
    );

    // The dashboard shows every registered alert, so it is declared last.
    this.monitoring.finalize();

    this.registerOutputs({
      clusterName: this.cluster.clusterName,
      databaseHost: this.database.host,
      vectorStoreEndpoint: this.vectorStore.endpoint,
    });
  }
}

function uniqueSecrets(secrets: SecretReference[]): SecretReference[] {
  const byName = new Map(secrets.map((secret) => [secret.logicalName, secret]));
  return [...byName.values()];
}
