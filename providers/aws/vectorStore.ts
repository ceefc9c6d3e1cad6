import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as opensearch from "@pulumi/aws/opensearch";
import * as pulumi from "@pulumi/pulumi";
import type { SecretReference, WorkloadIdentity } from "../../src/contracts/common";
import type { VectorStore, VectorStoreArgs } from "../../src/contracts/vectorStore";
import { placeVectorStore, type VectorStorePlacement } from "../../src/vectorStore";
import { statefulOptions } from "../../src/protection";
import { type AlarmSpec, createAlarms } from "./alarms";
import type { AwsAccount } from "./kms";
import { awsName } from "./naming";
import type { AwsNetwork } from "./network";
import { roleNameFromArn } from "./policies";

export interface AwsVectorStoreArgs extends VectorStoreArgs {
  account: AwsAccount;
  network: AwsNetwork;
  /** The cluster's workload identity; the `managed` engine grants it data access. */
  workloadIdentity?: WorkloadIdentity;
}

/** The collection's encryption policy: the vault's customer-managed key, not an AWS-owned one. */
export function encryptionPolicy(collectionName: string, keyArn: string): object {
  return {
    Rules: [{ ResourceType: "collection", Resource: [`collection/${collectionName}`] }],
    AWSOwnedKey: false,
    KmsARN: keyArn,
  };
}

/** The collection's network policy: reachable only through the platform's VPC endpoint. */
export function networkPolicy(collectionName: string, vpcEndpointId: string): object[] {
  return [
    {
      Rules: [{ ResourceType: "collection", Resource: [`collection/${collectionName}`] }],
      AllowFromPublic: false,
      SourceVPCEs: [vpcEndpointId],
    },
  ];
}

/** The data access policy: the workload reads, writes and manages indexes of this collection only. */
export function dataAccessPolicy(collectionName: string, principalArn: string): object[] {
  return [
    {
      Rules: [
        {
          ResourceType: "index",
          Resource: [`index/${collectionName}/*`],
          Permission: [
            "aoss:CreateIndex",
            "aoss:DescribeIndex",
            "aoss:UpdateIndex",
            "aoss:ReadDocument",
            "aoss:WriteDocument",
          ],
        },
        {
          ResourceType: "collection",
          Resource: [`collection/${collectionName}`],
          Permission: ["aoss:DescribeCollectionItems"],
        },
      ],
      Principal: [principalArn],
    },
  ];
}

/**
 * Server errors of the collection: `5xx` in `AWS/AOSS` (one-minute frequency, dimensions
 * ClientId = account, CollectionId, CollectionName); more than 5 a minute for three minutes.
 */
export function vectorStoreAlarmSpecs(
  accountId: pulumi.Input<string>,
  collectionId: pulumi.Input<string>,
  collectionName: string,
): AlarmSpec[] {
  return [
    {
      signal: "vector-store-errors",
      role: "errors-alarm",
      description: "The OpenSearch Serverless collection answers with server errors.",
      namespace: "AWS/AOSS",
      metricName: "5xx",
      dimensions: {
        ClientId: accountId,
        CollectionId: collectionId,
        CollectionName: collectionName,
      },
      statistic: "Sum",
      comparison: "GreaterThanThreshold",
      threshold: 5,
      evaluationPeriods: 3,
      publicationDelaySeconds: 60,
    },
  ];
}

/**
 * Where embeddings live. `pgvector`: the platform database (endpoint = its host, credentials =
 * its secret). `managed`: an OpenSearch Serverless vector-search collection encrypted with the
 * vault's key, reachable only through a VPC endpoint in the private subnets, with data access
 * for the workload role alone.
 *
 * A collection authenticates callers by IAM (SigV4), so it has no password: its vault secret
 * holds what a client needs to connect (endpoint, collection, index, region, the role to use).
 */
export class AwsVectorStore extends pulumi.ComponentResource implements VectorStore {
  readonly engine: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly indexName: pulumi.Output<string>;
  readonly dimensions: pulumi.Output<number>;
  readonly credentials: SecretReference;

  constructor(name: string, args: AwsVectorStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:vectorStore:AwsVectorStore", name, {}, opts);
    const { settings } = args;
    this.engine = pulumi.output(settings.engine);
    this.indexName = pulumi.output(settings.indexName);
    this.dimensions = pulumi.output(settings.dimensions);

    const placement = placeVectorStore(this, name, args, () => this.collection(name, args));
    this.endpoint = placement.endpoint;
    this.credentials = placement.credentials;

    this.registerOutputs({
      engine: this.engine,
      endpoint: this.endpoint,
      indexName: this.indexName,
    });
  }

  private collection(name: string, args: AwsVectorStoreArgs): VectorStorePlacement {
    const { naming, tags, settings, protection, network, account, region, vault } = args;
    const identity = args.workloadIdentity;
    if (identity === undefined) {
      throw new Error(
        "the managed vector store needs the cluster's workload identity; create the cluster first",
      );
    }
    const collectionName = awsName(naming, "vectors", "openSearch");
    const policyName = (role: string) => awsName(naming, `vectors-${role}`, "openSearch");

    // Encryption with the vault's key; must exist before the collection.
    const encryption = new opensearch.ServerlessSecurityPolicy(
      `${name}-encryption-policy`,
      {
        name: policyName("enc"),
        type: "encryption",
        policy: pulumi
          .output(vault.keyId)
          .apply((keyArn) => JSON.stringify(encryptionPolicy(collectionName, keyArn))),
      },
      { parent: this },
    );

    // A VPC endpoint in the private subnets, open on 443 to the VPC, and the only way in.
    const endpointSecurityGroup = new ec2.SecurityGroup(
      `${name}-endpoint-sg`,
      {
        name: awsName(naming, "vectors-endpoint", "securityGroup"),
        description: "HTTPS to the vector collection from inside the platform VPC only",
        vpcId: network.networkId,
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [network.cidr] }],
        egress: [],
        tags,
      },
      { parent: this },
    );
    const vpcEndpoint = new opensearch.ServerlessVpcEndpoint(
      `${name}-endpoint`,
      {
        name: policyName("vpce"),
        vpcId: network.networkId,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [endpointSecurityGroup.id],
      },
      { parent: this },
    );
    const networkAccess = new opensearch.ServerlessSecurityPolicy(
      `${name}-network-policy`,
      {
        name: policyName("net"),
        type: "network",
        policy: vpcEndpoint.id.apply((id) => JSON.stringify(networkPolicy(collectionName, id))),
      },
      { parent: this },
    );

    // The collection.
    const collection = new opensearch.ServerlessCollection(
      `${name}-collection`,
      {
        name: collectionName,
        type: "VECTORSEARCH",
        description: `Vector index ${settings.indexName} (${settings.dimensions} dimensions)`,
        standbyReplicas: "ENABLED",
        tags,
      },
      { parent: this, dependsOn: [encryption, networkAccess], ...statefulOptions(protection) },
    );

    // Data access for the workload role: a collection policy plus the IAM permission to call it.
    new opensearch.ServerlessAccessPolicy(
      `${name}-data-policy`,
      {
        name: policyName("data"),
        type: "data",
        policy: identity.principal.apply((arn) =>
          JSON.stringify(dataAccessPolicy(collectionName, arn)),
        ),
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${name}-workload-access`,
      {
        name: awsName(naming, "vectors-api-access", "iamPolicy"),
        role: identity.principal.apply(roleNameFromArn),
        policy: collection.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "aoss:APIAccessAll", Resource: arn }],
          }),
        ),
      },
      { parent: this },
    );

    // What a client needs to connect, in the vault (no password: access is by IAM role).
    const connection = pulumi
      .all([collection.collectionEndpoint, identity.principal])
      .apply(([endpoint, roleArn]) =>
        JSON.stringify({
          endpoint,
          collection: collectionName,
          index: settings.indexName,
          region,
          authentication: "aws-sigv4",
          signingService: "aoss",
          roleArn,
        }),
      );
    const credentials = vault.putSecret({
      logicalName: "vector-store-credentials",
      value: connection,
      description: `Connection details of the ${collectionName} vector collection (IAM authentication)`,
    });

    // Alarm on server errors of the collection.
    createAlarms(
      this,
      name,
      "vector-store",
      { naming, tags, monitoring: args.monitoring },
      vectorStoreAlarmSpecs(account.accountId, collection.id, collectionName),
    );

    return { endpoint: collection.collectionEndpoint, credentials };
  }
}
