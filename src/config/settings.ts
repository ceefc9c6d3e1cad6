/**
 * The fully resolved settings of one stack: an environment profile from `stacks/` with the
 * stack file's `rag:` overrides merged over it. Everything downstream of `src/config` reads these
 * types, never raw Pulumi config.
 */

export const clouds = ["aws", "gcp", "azure"] as const;
export type Cloud = (typeof clouds)[number];

export const environments = ["staging", "production"] as const;
export type Environment = (typeof environments)[number];

export const sizeClasses = ["small", "medium", "large"] as const;
/** A cloud-neutral size; each backend maps it to a machine or instance type. */
export type SizeClass = (typeof sizeClasses)[number];

export const vectorStoreEngines = ["pgvector", "qdrant", "managed"] as const;
export type VectorStoreEngine = (typeof vectorStoreEngines)[number];

export const endpointAccessModes = ["private", "restricted"] as const;
/**
 * `private`: the Kubernetes API answers only inside the network. `restricted`: it also answers
 * on a public address, but only to `clusterAuthorizedNetworks`.
 */
export type EndpointAccess = (typeof endpointAccessModes)[number];

export interface NetworkSettings {
  /** Address space of the platform's network; subnets are carved from it. */
  cidr: string;
  /** One NAT gateway per zone (zone-independent egress) instead of one shared gateway. */
  natPerZone: boolean;
}

export interface ClusterSettings {
  kubernetesVersion: string;
  nodeSize: SizeClass;
  /** Overrides the machine type the backend derives from `nodeSize`. */
  nodeMachineType?: string;
  nodeMinCount: number;
  nodeMaxCount: number;
  endpointAccess: EndpointAccess;
  authorizedNetworks: string[];
}

export interface DatabaseSettings {
  /** PostgreSQL major version; 16 or newer so that pgvector is available on every cloud. */
  engineVersion: number;
  size: SizeClass;
  /** Overrides the instance type the backend derives from `size`. */
  instanceType?: string;
  storageGb: number;
  highAvailability: boolean;
  backupRetentionDays: number;
  crossRegionBackup: boolean;
  /** Region that receives backup copies; required when `crossRegionBackup` is on. */
  backupRegion?: string;
}

export interface VectorStoreSettings {
  engine: VectorStoreEngine;
  dimensions: number;
  indexName: string;
}

export interface VaultSettings {
  secretRotationDays: number;
  keyRotationDays: number;
}

export interface MonitoringSettings {
  logRetentionDays: number;
  alertEmails: string[];
}

export interface ProtectionSettings {
  /** Provider-side deletion protection (RDS, Cloud SQL, Azure locks, EKS/GKE where offered). */
  deletionProtection: boolean;
  /** Pulumi `protect` on stateful resources: `pulumi destroy` refuses to delete them. */
  protect: boolean;
  /** Pulumi `retainOnDelete` on stateful resources: removed from state, kept in the cloud. */
  retainOnDelete: boolean;
}

/**
 * Recovery targets: the most data (RPO) and the longest outage (RTO) the stack accepts. The plan
 * refuses targets the configured design cannot meet (see src/recovery).
 */
export interface RecoverySettings {
  /** Most minutes of data a zone failure or a restore after data corruption may lose. */
  rpoMinutes: number;
  /** Longest outage, in minutes, after a zone failure or data corruption. */
  rtoMinutes: number;
  /** Most minutes of data the loss of the whole region may lose; absent: not required. */
  regionRpoMinutes?: number;
  /** Longest outage, in minutes, after the loss of the whole region; absent: not required. */
  regionRtoMinutes?: number;
}

export const deploymentColors = ["blue", "green"] as const;
/** One of the two identical deployments of the RAG API; the Service sends traffic to one. */
export type DeploymentColor = (typeof deploymentColors)[number];

/** The RAG service on the cluster: blue-green images, capacity, public endpoint, Qdrant size. */
export interface AppSettings {
  /** Colour the Service sends traffic to; flipping it is the rollback. */
  activeColor: DeploymentColor;
  /** Image of the blue deployment, with a tag (not `latest`) or a digest. */
  blueImage: string;
  /** Image of the green deployment, with a tag (not `latest`) or a digest. */
  greenImage: string;
  /** Public host name of the API (Ingress rule and TLS certificate). */
  apiHostname: string;
  /** Kubernetes TLS secret in the app namespace holding the certificate of `apiHostname`. */
  tlsSecretName: string;
  /** Fewest pods of each colour (HPA lower bound). */
  minReplicas: number;
  /** Most pods of each colour (HPA upper bound). */
  maxReplicas: number;
  /** CPU request (and half the limit) of one API pod, in millicores. */
  cpuMillicores: number;
  /** Memory request and limit of one API pod, in MiB. */
  memoryMib: number;
  /** Qdrant pods when `vectorStore.engine` is qdrant. */
  qdrantReplicas: number;
  /** Persistent volume of each Qdrant pod, in GiB (snapshots get a volume of the same size). */
  qdrantStorageGb: number;
}

/** Values of an environment tier; every field can be overridden from the stack file. */
export interface EnvironmentProfile {
  network: NetworkSettings;
  cluster: ClusterSettings;
  database: DatabaseSettings;
  vectorStore: VectorStoreSettings;
  vault: VaultSettings;
  monitoring: MonitoringSettings;
  protection: ProtectionSettings;
  app: AppSettings;
  recovery: RecoverySettings;
}

export interface PlatformSettings extends EnvironmentProfile {
  cloud: Cloud;
  environment: Environment;
  /** The provider's own region or location key (`aws:region`, `gcp:region`, `azure-native:location`). */
  region: string;
  /** Provider keys that are not regions (for example `gcp:project`). */
  providerConfig: Record<string, string>;
  owner?: string;
  costCenter?: string;
}
