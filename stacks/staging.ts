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
  // Both colours run at full size, so a flip needs no scale-up; the images are placeholders a
  // real stack sets (rag:blueImage, rag:greenImage).
  app: {
    activeColor: "blue",
    blueImage: "rag-api:0.1.0",
    greenImage: "rag-api:0.1.0",
    apiHostname: "rag-api.staging.example.com",
    tlsSecretName: "rag-api-tls",
    minReplicas: 2,
    maxReplicas: 4,
    cpuMillicores: 250,
    memoryMib: 512,
    qdrantReplicas: 1,
    qdrantStorageGb: 20,
  },
  // A zone loss or a bad write costs at most an hour of data and a working day; staging need not
  // survive the loss of its region (its backups stay there).
  recovery: { rpoMinutes: 60, rtoMinutes: 480 },
};
