import {
  expectSet,
  expectValue,
  get,
  parseJson,
  resourceRule,
  show,
  type Finding,
  type ResourceView,
  type StackView,
} from "../engine";
import { companions, isStateful } from "./stateful";

const keyOrUnknown = "a customer-managed key";

/** OpenSearch Serverless security policies of `kind` whose rules name the collection. */
function collectionPolicies(
  stack: StackView,
  collection: ResourceView,
  kind: "encryption" | "network",
): unknown[] {
  const name = get(collection.props, "name");
  return stack.resources
    .filter((r) => r.type === "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy")
    .filter((r) => get(r.props, "type") === kind)
    .map((r) => parseJson(get(r.props, "policy")))
    .flatMap((document) => (Array.isArray(document) ? document : [document]))
    .filter((document) =>
      ((get(document, "Rules") as unknown[] | undefined) ?? []).some((rule) =>
        ((get(rule, "Resource") as unknown[] | undefined) ?? []).some(
          (resource) => resource === `collection/${String(name)}` || resource === "collection/*",
        ),
      ),
    );
}

/** Every replica of a Secret Manager secret names its own customer-managed key. */
function gcpSecretKeys(secret: ResourceView): Finding[] {
  const auto = get(secret.props, "replication.auto");
  if (auto !== undefined) {
    return expectSet(
      secret.props,
      "replication.auto.customerManagedEncryption.kmsKeyName",
      keyOrUnknown,
    );
  }
  const replicas = (get(secret.props, "replication.userManaged.replicas") as unknown[]) ?? [];
  if (replicas.length === 0) {
    return [{ property: "replication", problem: "names no replica; expected replicas with a key" }];
  }
  return replicas.flatMap((_, i) =>
    expectSet(
      secret.props,
      `replication.userManaged.replicas[${i}].customerManagedEncryption.kmsKeyName`,
      keyOrUnknown,
    ),
  );
}

/** Encryption at rest with a customer-managed key, on every type that holds data. */
export const encryptionAtRest = resourceRule({
  name: "encryption-at-rest-customer-key",
  level: "mandatory",
  description:
    "Data at rest (databases, cluster secrets, secrets, logs, buckets, vector indexes) is " +
    "encrypted with a customer-managed key the platform creates.",
  concern: (type) => isStateful(type) || /^(aws:eks\/cluster|gcp:container\/cluster)/.test(type),
  judges: {
    "aws:rds/instance:Instance": (r) => [
      ...expectValue(r.props, "storageEncrypted", true),
      ...expectSet(r.props, "kmsKeyId", keyOrUnknown),
    ],
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (r) =>
      expectSet(r.props, "kmsKeyId", keyOrUnknown),
    "aws:eks/cluster:Cluster": (r) => {
      const resources = get(r.props, "encryptionConfig.resources");
      const findings = expectSet(r.props, "encryptionConfig.provider.keyArn", keyOrUnknown);
      if (!Array.isArray(resources) || !resources.includes("secrets")) {
        findings.push({
          property: "encryptionConfig.resources",
          problem: `is ${show(resources)}; expected it to include "secrets"`,
        });
      }
      return findings;
    },
    "aws:secretsmanager/secret:Secret": (r) => expectSet(r.props, "kmsKeyId", keyOrUnknown),
    "aws:cloudwatch/logGroup:LogGroup": (r) => expectSet(r.props, "kmsKeyId", keyOrUnknown),
    "aws:s3/bucket:Bucket": (r, stack) => {
      const type =
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
      const configs = companions(stack, type, "bucket", [get(r.props, "bucket"), r.urn]);
      const byKey = configs.filter((config) =>
        ((get(config.props, "rules") as unknown[] | undefined) ?? []).some(
          (rule) =>
            get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm") === "aws:kms" &&
            expectSet(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId", "").length === 0,
        ),
      );
      if (byKey.length > 0) return [];
      return [
        {
          property: "bucket",
          problem:
            "has no BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and a " +
            "kmsMasterKeyId; expected one",
        },
      ];
    },
    "aws:opensearch/serverlessCollection:ServerlessCollection": (r, stack) => {
      const byKey = collectionPolicies(stack, r, "encryption").filter(
        (policy) =>
          get(policy, "AWSOwnedKey") === false && typeof get(policy, "KmsARN") === "string",
      );
      if (byKey.length > 0) return [];
      return [
        {
          property: "name",
          problem:
            "is covered by no encryption security policy with AWSOwnedKey false and a KmsARN; " +
            "expected one",
        },
      ];
    },
    "gcp:sql/databaseInstance:DatabaseInstance": (r) =>
      expectSet(r.props, "encryptionKeyName", keyOrUnknown),
    "gcp:container/cluster:Cluster": (r) => [
      ...expectValue(r.props, "databaseEncryption.state", "ENCRYPTED"),
      ...expectSet(r.props, "databaseEncryption.keyName", keyOrUnknown),
    ],
    "gcp:secretmanager/secret:Secret": gcpSecretKeys,
    "gcp:vertex/aiIndex:AiIndex": (r) =>
      expectSet(r.props, "encryptionSpec.kmsKeyName", keyOrUnknown),
    "azure-native:dbforpostgresql:Server": (r) => [
      ...expectValue(r.props, "dataEncryption.type", "AzureKeyVault"),
      ...expectSet(r.props, "dataEncryption.primaryKeyURI", keyOrUnknown),
      ...(get(r.props, "backup.geoRedundantBackup") === "Enabled"
        ? expectSet(r.props, "dataEncryption.geoBackupKeyURI", keyOrUnknown)
        : []),
    ],
    "azure-native:containerservice:ManagedCluster": (r) => [
      ...expectValue(r.props, "securityProfile.azureKeyVaultKms.enabled", true),
      ...expectSet(r.props, "securityProfile.azureKeyVaultKms.keyId", keyOrUnknown),
    ],
  },
  exempt: {
    "aws:kms/key:Key": "is the customer-managed key itself",
    "azure-native:keyvault:Key": "is the customer-managed key itself",
    "azure-native:keyvault:Vault": "holds the customer-managed keys",
    "gcp:kms/keyRing:KeyRing": "holds keys and no data",
    "gcp:kms/cryptoKey:CryptoKey": "is the customer-managed key itself",
    "gcp:sql/database:Database": "lives in its instance, whose key is judged",
    "azure-native:keyvault:Secret": "is stored in its vault, encrypted by the vault's HSM keys",
    // TODO: the _Default log bucket uses Google-managed encryption; CMEK for Cloud Logging is a
    // project or organisation setting this platform does not manage, so logs are not under a
    // customer-managed key on GCP.
    "gcp:logging/projectBucketConfig:ProjectBucketConfig":
      "Cloud Logging CMEK is a project or organisation setting outside this stack",
    // TODO: Azure AI Search takes a customer-managed key per index (data plane), which Pulumi does
    // not manage; the backend sets no `encryptionWithCmk.enforcement`, so the index content is
    // under a Microsoft-managed key.
    "azure-native:search:Service": "encrypts per index in the data plane, outside Pulumi",
    // TODO: Log Analytics takes a customer-managed key only through a dedicated cluster
    // (100 GB/day commitment), which the platform does not create.
    "azure-native:operationalinsights:Workspace":
      "needs a dedicated Log Analytics cluster for a customer-managed key",
  },
});

/** Annotation that makes a Kubernetes LoadBalancer Service internal, per cloud. */
const internalLoadBalancer: ReadonlyArray<[string, string]> = [
  ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"],
  ["service.beta.kubernetes.io/aws-load-balancer-internal", "true"],
  ["networking.gke.io/load-balancer-type", "Internal"],
  ["service.beta.kubernetes.io/azure-load-balancer-internal", "true"],
];

/** No database, vector store or vault reachable from the internet. */
export const noPublicDataEndpoints = resourceRule({
  name: "no-public-data-endpoints",
  level: "mandatory",
  description:
    "Databases, vector stores, vaults and buckets accept no connection from the public " +
    "internet; Kubernetes services exposing them use internal load balancers.",
  concern: (type) => isStateful(type) || type === "kubernetes:core/v1:Service",
  judges: {
    "aws:rds/instance:Instance": (r) => expectValue(r.props, "publiclyAccessible", false),
    "aws:opensearch/serverlessCollection:ServerlessCollection": (r, stack) => {
      const policies = collectionPolicies(stack, r, "network");
      if (policies.length > 0 && policies.every((p) => get(p, "AllowFromPublic") === false))
        return [];
      return [
        {
          property: "name",
          problem:
            "is covered by no network security policy, or by one with AllowFromPublic; expected " +
            "AllowFromPublic false",
        },
      ];
    },
    "aws:s3/bucket:Bucket": (r, stack) => {
      const type = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
      const flags = [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ];
      const blocks = companions(stack, type, "bucket", [get(r.props, "bucket"), r.urn]);
      if (blocks.some((block) => flags.every((flag) => get(block.props, flag) === true))) return [];
      return [
        {
          property: "bucket",
          problem: `has no BucketPublicAccessBlock with ${flags.join(", ")} all true; expected one`,
        },
      ];
    },
    "gcp:sql/databaseInstance:DatabaseInstance": (r) => [
      ...expectValue(r.props, "settings.ipConfiguration.ipv4Enabled", false),
      ...expectSet(r.props, "settings.ipConfiguration.privateNetwork", "a private network"),
    ],
    "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint": (r) => [
      ...expectValue(r.props, "publicEndpointEnabled", false),
      ...expectSet(r.props, "network", "a VPC network"),
    ],
    "azure-native:dbforpostgresql:Server": (r) =>
      expectValue(r.props, "network.publicNetworkAccess", "Disabled"),
    "azure-native:keyvault:Vault": (r) => [
      ...expectValue(r.props, "properties.publicNetworkAccess", "Disabled"),
      ...expectValue(r.props, "properties.networkAcls.defaultAction", "Deny"),
    ],
    "azure-native:search:Service": (r) => expectValue(r.props, "publicNetworkAccess", "Disabled"),
    // TODO: Services rendered by a Helm release (`kubernetes:helm.sh/v3:Release` values) and
    // Ingresses are not judged, so a chart that exposes a public LoadBalancer passes.
    "kubernetes:core/v1:Service": (r) => {
      if (get(r.props, "spec.type") !== "LoadBalancer") return [];
      const annotations = (get(r.props, "metadata.annotations") ?? {}) as Record<string, unknown>;
      if (internalLoadBalancer.some(([key, value]) => annotations[key] === value)) return [];
      return [
        {
          property: "metadata.annotations",
          problem: "mark no internal load balancer; expected the cloud's internal annotation",
        },
      ];
    },
  },
  exempt: {
    "aws:kms/key:Key": "has no network endpoint of its own; access is by key policy",
    "aws:secretsmanager/secret:Secret": "has no network setting; access is by IAM",
    "aws:cloudwatch/logGroup:LogGroup": "has no network setting; access is by IAM",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      "holds backups with no endpoint of their own",
    "gcp:sql/database:Database": "is reached through its instance, which is judged",
    "gcp:kms/keyRing:KeyRing": "has no network endpoint; access is by IAM",
    "gcp:kms/cryptoKey:CryptoKey": "has no network endpoint; access is by IAM",
    "gcp:secretmanager/secret:Secret": "has no network setting; access is by IAM",
    "gcp:vertex/aiIndex:AiIndex": "is served only through its index endpoint, which is judged",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig":
      "has no network setting; access is by IAM",
    "azure-native:keyvault:Key": "is reached through its vault, which is judged",
    "azure-native:keyvault:Secret": "is reached through its vault, which is judged",
    "azure-native:operationalinsights:Workspace": "is queried through Entra ID (local auth off)",
  },
});
