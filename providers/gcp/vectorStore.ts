import * as projects from "@pulumi/gcp/projects";
import * as vertex from "@pulumi/gcp/vertex";
import * as pulumi from "@pulumi/pulumi";
import type { Environment } from "../../src/config/settings";
import type { SecretReference, WorkloadIdentity } from "../../src/contracts/common";
import type { VectorStore, VectorStoreArgs } from "../../src/contracts/vectorStore";
import { placeVectorStore, type VectorStorePlacement } from "../../src/vectorStore";
import { statefulOptions } from "../../src/protection";
import {
  channelList,
  metricAlignmentSeconds,
  metricFilter,
  thresholdAlert,
  thresholdDetectionSeconds,
  vertexMetricDelaySeconds,
} from "./alerts";
import { gcpLabels, gcpName } from "./naming";
import type { GcpNetwork } from "./network";
import type { GcpVault } from "./vault";

/**
 * Serving replicas of the deployed index: two in production so that one replica's loss keeps
 * queries answered, one in staging.
 */
export function indexReplicas(environment: Environment): {
  minReplicaCount: number;
  maxReplicaCount: number;
} {
  return environment === "production"
    ? { minReplicaCount: 2, maxReplicaCount: 10 }
    : { minReplicaCount: 1, maxReplicaCount: 2 };
}

/** Embeddings are compared by cosine similarity, the common choice for text embeddings. */
export const distanceMeasure = "COSINE_DISTANCE";

export interface GcpVectorStoreArgs extends VectorStoreArgs {
  network: GcpNetwork;
  vault: GcpVault;
  /** The service's identity; it gets Vertex AI query access for the managed engine. */
  workloadIdentity: WorkloadIdentity;
  environment: Environment;
}

/**
 * `pgvector`: vectors live in the platform database (Cloud SQL PostgreSQL 16+ ships the `vector`
 * extension; the service runs `CREATE EXTENSION vector`). `managed`: Vertex AI Vector Search
 * with a streaming index encrypted with a Cloud KMS key, deployed to an endpoint reachable only
 * through the VPC's private services peering.
 */
export class GcpVectorStore extends pulumi.ComponentResource implements VectorStore {
  readonly engine: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly indexName: pulumi.Output<string>;
  readonly dimensions: pulumi.Output<number>;
  readonly credentials: SecretReference;

  constructor(name: string, args: GcpVectorStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:vectorStore:GcpVectorStore", name, {}, opts);
    const { settings } = args;
    this.engine = pulumi.output(settings.engine);
    this.indexName = pulumi.output(settings.indexName);
    this.dimensions = pulumi.output(settings.dimensions);

    const placement = placeVectorStore(this, name, args, () => this.declareVertex(name, args));
    this.endpoint = placement.endpoint;
    this.credentials = placement.credentials;

    this.registerOutputs({
      engine: this.engine,
      endpoint: this.endpoint,
      indexName: this.indexName,
      dimensions: this.dimensions,
    });
  }

  private declareVertex(name: string, args: GcpVectorStoreArgs): VectorStorePlacement {
    const { naming, settings, network, protection } = args;
    const project = network.project;
    const labels = gcpLabels(args.tags);
    const child = { parent: this };

    // Vertex AI's service agent encrypts the index and endpoint with our key.
    const vertexAgent = new projects.ServiceIdentity(
      `${name}-vertex-agent`,
      { service: "aiplatform.googleapis.com", project: project.id },
      child,
    );
    const key = args.vault.createKey("vectors", [vertexAgent.member]);

    // A streaming index: documents are upserted as they are embedded, no batch rebuilds.
    // TODO: Vertex AI indexes have no provider-side deletion protection; only Pulumi `protect`
    // and `retainOnDelete` guard the production index against a destroy.
    const index = new vertex.AiIndex(
      `${name}-index`,
      {
        displayName: gcpName(naming, settings.indexName, "vertexDisplayName"),
        description: "Embeddings of the RAG service's documents",
        project: project.id,
        region: args.region,
        indexUpdateMethod: "STREAM_UPDATE",
        metadata: {
          config: {
            dimensions: settings.dimensions,
            distanceMeasureType: distanceMeasure,
            approximateNeighborsCount: 150,
            shardSize: "SHARD_SIZE_SMALL",
            algorithmConfig: {
              treeAhConfig: { leafNodeEmbeddingCount: 1000, leafNodesToSearchPercent: 10 },
            },
          },
        },
        encryptionSpec: { kmsKeyName: key.key.id },
        labels,
      },
      { ...child, ...statefulOptions(protection), dependsOn: key.grants },
    );

    // The endpoint answers only on the VPC (peered through private services access).
    const indexEndpoint = new vertex.AiIndexEndpoint(
      `${name}-endpoint`,
      {
        displayName: gcpName(naming, `${settings.indexName}-endpoint`, "vertexDisplayName"),
        project: project.id,
        region: args.region,
        network: pulumi.interpolate`projects/${project.number}/global/networks/${network.network.name}`,
        publicEndpointEnabled: false,
        encryptionSpec: { kmsKeyName: key.key.id },
        labels,
      },
      { ...child, dependsOn: [network.privateServicesConnection, ...key.grants] },
    );
    const deployedIndexId = gcpName(naming, settings.indexName, "deployedIndexId");
    const deployed = new vertex.AiIndexEndpointDeployedIndex(
      `${name}-deployment`,
      {
        deployedIndexId,
        displayName: deployedIndexId,
        index: index.id,
        indexEndpoint: indexEndpoint.id,
        region: args.region,
        automaticResources: indexReplicas(args.environment),
        reservedIpRanges: [network.privateServicesRange.name],
        enableAccessLogging: true,
      },
      child,
    );

    // Vertex AI authorises queries with IAM, not keys: the workload identity gets query access.
    // TODO: roles/aiplatform.user is granted on the project (Vertex AI offers no IAM binding on
    // one index endpoint), so the service could also call other Vertex AI resources there.
    new projects.IAMMember(
      `${name}-workload-vertex-user`,
      {
        project: project.id,
        role: "roles/aiplatform.user",
        member: pulumi.interpolate`serviceAccount:${args.workloadIdentity.principal}`,
      },
      child,
    );

    // Alert when the deployed index has no serving replica: every query then fails.
    const replicasAlert = thresholdAlert(
      `${name}-replicas`,
      {
        displayName: `${naming.prefix} Vector Search index has no serving replica`,
        filter: metricFilter(
          "aiplatform.googleapis.com/IndexEndpoint",
          "aiplatform.googleapis.com/matching_engine/current_replicas",
          { index_endpoint_id: indexEndpoint.name.apply((id) => id.split("/").pop() ?? id) },
        ),
        comparison: "COMPARISON_LT",
        threshold: 1,
        aligner: "ALIGN_MIN",
        documentation: "The deployed index serves no replica; vector queries fail.",
        channels: channelList(args.monitoring.alertChannelId),
        labels,
      },
      child,
    );
    // TODO: the query error rate of the endpoint is not alerted on (only serving capacity), so
    // a deployment that serves but answers with errors pages nobody.
    args.monitoring.registerAlerts("vector-store", [
      {
        signal: "vector-store-errors",
        resource: replicasAlert,
        detectionSeconds: thresholdDetectionSeconds({
          alignmentSeconds: metricAlignmentSeconds,
          durationSeconds: 0,
          delaySeconds: vertexMetricDelaySeconds,
        }),
      },
    ]);

    // The connection details a client needs; Vertex AI uses IAM, so they hold no password.
    const grpcAddress = deployed.privateEndpoints.apply(
      (endpoints) => endpoints[0]?.matchGrpcAddress ?? "",
    );
    const credentials = args.vault.putSecret({
      logicalName: "vector-store-connection",
      description: "Vertex AI Vector Search index endpoint and deployed index of the RAG service",
      value: pulumi
        .all([index.id, indexEndpoint.id, grpcAddress])
        .apply(([indexResource, endpointResource, address]) =>
          JSON.stringify({
            index: indexResource,
            indexEndpoint: endpointResource,
            deployedIndexId,
            matchGrpcAddress: address,
            auth: "google-workload-identity",
          }),
        ),
    });
    return { endpoint: grpcAddress, credentials };
  }
}
