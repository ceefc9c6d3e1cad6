import type { Cloud } from "../../src/config/settings";
import type { PlanResult, RecordedResource } from "../harness";
import { inputs, ofType } from "../harness";

/**
 * How the conformance suite reads one cloud's plan: which resources play each role and where
 * each cloud keeps the property being checked. Expectations live in the suite; only the reading
 * differs per cloud.
 */
export interface CloudAdapter {
  cloud: Cloud;
  /** The database server(s) holding the platform's data (primary first). */
  databases(result: PlanResult): RecordedResource[];
  databaseEncryptedWithCustomerKey(db: Record<string, any>): boolean;
  databasePubliclyReachable(db: Record<string, any>): boolean;
  databaseRequiresTls(result: PlanResult, db: Record<string, any>): boolean;
  /** Days of automated backups, and whether point-in-time recovery is on. */
  databaseBackups(db: Record<string, any>): { retentionDays: number; pointInTime: boolean };
  databaseZoneRedundant(db: Record<string, any>): boolean;
  /** Provider-side deletion protection (Azure: a CanNotDelete lock on the server). */
  databaseDeletionProtected(result: PlanResult, db: RecordedResource): boolean;
  cluster(result: PlanResult): RecordedResource;
  clusterSecretsEncryptedWithCustomerKey(cluster: Record<string, any>): boolean;
  clusterApiPublic(cluster: Record<string, any>): boolean;
  /** The vault's secret containers, and whether each is encrypted with a customer key. */
  vaultSecretsEncrypted(result: PlanResult): boolean[];
  /** Retention of every log store, in days. */
  logRetentionDays(result: PlanResult): number[];
  /** Input property holding tags or labels. */
  tagProperties: string[];
}

const aws: CloudAdapter = {
  cloud: "aws",
  databases: (r) => ofType(r, "aws:rds/instance:Instance"),
  databaseEncryptedWithCustomerKey: (db) =>
    db.storageEncrypted === true && /^arn:aws:kms:/.test(db.kmsKeyId ?? ""),
  databasePubliclyReachable: (db) => db.publiclyAccessible !== false,
  databaseRequiresTls: (r) =>
    ofType(r, "aws:rds/parameterGroup:ParameterGroup").some((pg) =>
      (inputs(pg).parameters ?? []).some(
        (p: any) => p.name === "rds.force_ssl" && String(p.value) === "1",
      ),
    ),
  databaseBackups: (db) => ({
    retentionDays: db.backupRetentionPeriod ?? 0,
    pointInTime: (db.backupRetentionPeriod ?? 0) > 0,
  }),
  databaseZoneRedundant: (db) => db.multiAz === true,
  databaseDeletionProtected: (_r, db) => inputs(db).deletionProtection === true,
  cluster: (r) => ofType(r, "aws:eks/cluster:Cluster")[0],
  clusterSecretsEncryptedWithCustomerKey: (c) =>
    (c.encryptionConfig?.resources ?? []).includes("secrets") &&
    /^arn:aws:kms:/.test(c.encryptionConfig?.provider?.keyArn ?? ""),
  clusterApiPublic: (c) => c.vpcConfig?.endpointPublicAccess === true,
  vaultSecretsEncrypted: (r) => [
    ...ofType(r, "aws:secretsmanager/secret:Secret").map((s) =>
      /^arn:aws:kms:/.test(inputs(s).kmsKeyId ?? ""),
    ),
    ...ofType(r, "aws:rds/instance:Instance")
      .filter((db) => inputs(db).manageMasterUserPassword === true)
      .map((db) => /^arn:aws:kms:/.test(inputs(db).masterUserSecretKmsKeyId ?? "")),
  ],
  logRetentionDays: (r) =>
    ofType(r, "aws:cloudwatch/logGroup:LogGroup").map((g) => inputs(g).retentionInDays),
  tagProperties: ["tags"],
};

const gcp: CloudAdapter = {
  cloud: "gcp",
  databases: (r) => ofType(r, "gcp:sql/databaseInstance:DatabaseInstance"),
  databaseEncryptedWithCustomerKey: (db) => /cryptoKeys\//.test(db.encryptionKeyName ?? ""),
  databasePubliclyReachable: (db) => db.settings?.ipConfiguration?.ipv4Enabled !== false,
  databaseRequiresTls: (_r, db) =>
    ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"].includes(
      db.settings?.ipConfiguration?.sslMode,
    ),
  databaseBackups: (db) => ({
    retentionDays: db.settings?.backupConfiguration?.backupRetentionSettings?.retainedBackups ?? 0,
    pointInTime:
      db.settings?.backupConfiguration?.enabled === true &&
      db.settings?.backupConfiguration?.pointInTimeRecoveryEnabled === true,
  }),
  databaseZoneRedundant: (db) => db.settings?.availabilityType === "REGIONAL",
  databaseDeletionProtected: (_r, db) =>
    inputs(db).deletionProtection === true &&
    inputs(db).settings?.deletionProtectionEnabled === true,
  cluster: (r) => ofType(r, "gcp:container/cluster:Cluster")[0],
  clusterSecretsEncryptedWithCustomerKey: (c) =>
    c.databaseEncryption?.state === "ENCRYPTED" &&
    /cryptoKeys\//.test(c.databaseEncryption?.keyName ?? ""),
  clusterApiPublic: (c) => c.privateClusterConfig?.enablePrivateEndpoint !== true,
  vaultSecretsEncrypted: (r) =>
    ofType(r, "gcp:secretmanager/secret:Secret").map(
      (s) =>
        (inputs(s).replication?.userManaged?.replicas ?? []).every((replica: any) =>
          /cryptoKeys\//.test(replica.customerManagedEncryption?.kmsKeyName ?? ""),
        ) && (inputs(s).replication?.userManaged?.replicas ?? []).length > 0,
    ),
  logRetentionDays: (r) =>
    ofType(r, "gcp:logging/projectBucketConfig:ProjectBucketConfig").map(
      (b) => inputs(b).retentionDays,
    ),
  // `userLabels` first: on notification channels `labels` is the channel configuration.
  tagProperties: ["userLabels", "resourceLabels", "labels"],
};

const azure: CloudAdapter = {
  cloud: "azure",
  databases: (r) => ofType(r, "azure-native:dbforpostgresql:Server"),
  databaseEncryptedWithCustomerKey: (db) =>
    db.dataEncryption?.type === "AzureKeyVault" &&
    String(db.dataEncryption?.primaryKeyURI ?? "").length > 0,
  databasePubliclyReachable: (db) => db.network?.publicNetworkAccess !== "Disabled",
  databaseRequiresTls: (r) =>
    ofType(r, "azure-native:dbforpostgresql:Configuration").some(
      (c) =>
        inputs(c).configurationName === "require_secure_transport" &&
        String(inputs(c).value).toLowerCase() === "on",
    ),
  databaseBackups: (db) => ({
    // Flexible Server restores to any point within its backup retention.
    retentionDays: db.backup?.backupRetentionDays ?? 0,
    pointInTime: (db.backup?.backupRetentionDays ?? 0) > 0,
  }),
  databaseZoneRedundant: (db) => db.highAvailability?.mode === "ZoneRedundant",
  databaseDeletionProtected: (r) =>
    r.recording.resources.some(
      (res) =>
        res.type.startsWith("azure-native:authorization:ManagementLock") &&
        inputs(res).level === "CanNotDelete",
    ),
  cluster: (r) => ofType(r, "azure-native:containerservice:ManagedCluster")[0],
  clusterSecretsEncryptedWithCustomerKey: (c) =>
    c.securityProfile?.azureKeyVaultKms?.enabled === true,
  clusterApiPublic: (c) => c.apiServerAccessProfile?.enablePrivateCluster !== true,
  vaultSecretsEncrypted: (r) =>
    // Key Vault encrypts every secret with the vault's keys; what the platform controls is that
    // the vault is an RBAC-authorised, purge-protected, private vault.
    ofType(r, "azure-native:keyvault:Vault").map((v) => {
      const p = inputs(v).properties ?? {};
      return p.enableRbacAuthorization === true && p.enablePurgeProtection === true;
    }),
  logRetentionDays: (r) =>
    ofType(r, "azure-native:operationalinsights:Workspace").map((w) => inputs(w).retentionInDays),
  tagProperties: ["tags"],
};

export const adapters: Record<Cloud, CloudAdapter> = { aws, gcp, azure };
