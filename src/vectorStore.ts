import type * as pulumi from "@pulumi/pulumi";
import { qdrantVectorStore } from "./app/qdrantStore";
import type { SecretReference } from "./contracts/common";
import type { VectorStoreArgs } from "./contracts/vectorStore";

/** Where a vector store's clients connect, and the vault secret they authenticate with. */
export interface VectorStorePlacement {
  endpoint: pulumi.Output<string>;
  credentials: SecretReference;
}

/**
 * The engine choice every backend's vector store shares: `pgvector` is the platform database
 * (its host, its credentials) and `qdrant` the in-cluster Qdrant (src/app, its API key in the
 * vault); only `managed` is the cloud's own service, which the backend declares in `managed`.
 */
export function placeVectorStore(
  parent: pulumi.Resource,
  name: string,
  args: Pick<VectorStoreArgs, "settings" | "database" | "vault">,
  managed: () => VectorStorePlacement,
): VectorStorePlacement {
  switch (args.settings.engine) {
    case "pgvector":
      return { endpoint: args.database.host, credentials: args.database.credentials };
    case "qdrant":
      return qdrantVectorStore(parent, name, args.vault, args.settings);
    case "managed":
      return managed();
  }
}
