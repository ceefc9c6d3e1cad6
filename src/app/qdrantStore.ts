import { RandomPassword } from "@pulumi/random/randomPassword";
import * as pulumi from "@pulumi/pulumi";
import type { SecretReference } from "../contracts/common";
import type { Vault } from "../contracts/vault";

/** Namespace, release and service name of the in-cluster Qdrant (the chart names its Service after the release). */
export const qdrant = {
  namespace: "qdrant",
  release: "qdrant",
  httpPort: 6333,
  grpcPort: 6334,
  p2pPort: 6335,
} as const;

/** In-cluster URL of Qdrant's REST API, the vector store endpoint the service uses. */
export const qdrantEndpoint = `http://${qdrant.release}.${qdrant.namespace}.svc.cluster.local:${qdrant.httpPort}`;

/**
 * The vault side of the `qdrant` engine, the same on every cloud: a generated API key stored in
 * the vault (the application layer hands it to Qdrant and to the service through External
 * Secrets), and the in-cluster endpoint. `placeVectorStore` (src/vectorStore.ts) calls it for
 * every backend.
 */
export function qdrantVectorStore(
  parent: pulumi.Resource,
  name: string,
  vault: Vault,
  settings: { indexName: string; dimensions: number },
): { endpoint: pulumi.Output<string>; credentials: SecretReference } {
  const apiKey = new RandomPassword(
    `${name}-qdrant-api-key`,
    { length: 48, special: false },
    { parent },
  );
  const credentials = vault.putSecret({
    logicalName: "vector-store-credentials",
    description: "API key and endpoint of the in-cluster Qdrant of the RAG platform",
    value: pulumi.secret(
      apiKey.result.apply((key) =>
        JSON.stringify({
          apiKey: key,
          endpoint: qdrantEndpoint,
          indexName: settings.indexName,
          dimensions: settings.dimensions,
        }),
      ),
    ),
  });
  return { endpoint: pulumi.output(qdrantEndpoint), credentials };
}
