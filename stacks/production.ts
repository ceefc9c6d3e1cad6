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
};
