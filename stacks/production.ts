import type { EnvironmentProfile } from "../src/config/settings";

/**
 * Production: sized up, zone-redundant database with 35 days of point-in-time recovery and
 * copies in a second region, and every stateful resource protected on both levels (provider
 * deletion protection, Pulumi `protect` and `retainOnDelete`).
 */
export const production: EnvironmentProfile = {
  network: { cidr: "10.50.0.0/16", natPerZone: true },
  cluster: {
    kubernetesVersion: "1.33",
    nodeSize: "medium",
    nodeMinCount: 3,
    nodeMaxCount: 9,
    endpointAccess: "private",
    authorizedNetworks: [],
  },
  database: {
    engineVersion: 16,
    size: "medium",
    storageGb: 100,
    highAvailability: true,
    backupRetentionDays: 35,
    crossRegionBackup: true,
  },
  vectorStore: { engine: "pgvector", dimensions: 1536, indexName: "documents" },
  vault: { secretRotationDays: 30, keyRotationDays: 90 },
  monitoring: { logRetentionDays: 365, alertEmails: [] },
  protection: { deletionProtection: true, protect: true, retainOnDelete: true },
  // Both colours run at full size (a flip needs no scale-up), three or more pods each across zones.
  app: {
    activeColor: "blue",
    blueImage: "rag-api:0.1.0",
    greenImage: "rag-api:0.1.0",
    apiHostname: "rag-api.example.com",
    tlsSecretName: "rag-api-tls",
    minReplicas: 3,
    maxReplicas: 12,
    cpuMillicores: 500,
    memoryMib: 1024,
    qdrantReplicas: 3,
    qdrantStorageGb: 100,
  },
  // Zone loss or a bad write: 15 minutes of data, 4 hours of outage. Loss of the region: a day of
  // data (the least every cloud's cross-region backups guarantee) and 12 hours of outage.
  recovery: { rpoMinutes: 15, rtoMinutes: 240, regionRpoMinutes: 1440, regionRtoMinutes: 720 },
};
