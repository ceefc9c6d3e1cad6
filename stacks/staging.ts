import type { EnvironmentProfile } from "../src/config/settings";

/**
 * Staging: small, single-zone database, short retention, and nothing that stops
 * `pulumi destroy` from tearing the stack down.
 */
export const staging: EnvironmentProfile = {
  network: { cidr: "10.40.0.0/16", natPerZone: false },
  cluster: {
    kubernetesVersion: "1.33",
    nodeSize: "small",
    nodeMinCount: 2,
    nodeMaxCount: 4,
    endpointAccess: "private",
    authorizedNetworks: [],
  },
  database: {
    engineVersion: 16,
    size: "small",
    storageGb: 20,
    highAvailability: false,
    backupRetentionDays: 7,
    crossRegionBackup: false,
  },
  vectorStore: { engine: "pgvector", dimensions: 1536, indexName: "documents" },
  vault: { secretRotationDays: 30, keyRotationDays: 365 },
  monitoring: { logRetentionDays: 30, alertEmails: [] },
  protection: { deletionProtection: false, protect: false, retainOnDelete: false },
};
