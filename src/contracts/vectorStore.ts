import type * as pulumi from "@pulumi/pulumi";
import type { ComponentContext, SecretReference } from "./common";
import type { ProtectionSettings, VectorStoreSettings } from "../config/settings";
import type { Database } from "./database";
import type { Monitoring } from "./monitoring";
import type { Vault } from "./vault";

export interface VectorStoreArgs extends ComponentContext {
  settings: VectorStoreSettings;
  protection: ProtectionSettings;
  monitoring: Monitoring;
  vault: Vault;
  /** The platform database; the `pgvector` engine stores vectors in it. */
  database: Database;
}

/**
 * Where embeddings live: `pgvector` in the platform database, `qdrant` in the cluster, or the
 * cloud's managed vector search (OpenSearch Serverless, Vertex AI Vector Search, Azure AI Search).
 */
export interface VectorStore {
  engine: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  indexName: pulumi.Output<string>;
  dimensions: pulumi.Output<number>;
  /** Vault secret with the credentials a client uses (for pgvector, the database's). */
  credentials: SecretReference;
}
