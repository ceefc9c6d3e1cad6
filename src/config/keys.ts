import { z } from "zod";
import {
  clouds,
  deploymentColors,
  endpointAccessModes,
  environments,
  sizeClasses,
  vectorStoreEngines,
  type EnvironmentProfile,
} from "./settings";

/** How a stack file value is decoded from the string the Pulumi CLI hands the program. */
export type ConfigKind = "string" | "integer" | "boolean" | "array";

/** One `rag:` key: how it is decoded and checked, and where it lands in the profile. */
export interface ConfigKey {
  /** Key without the `rag:` namespace. */
  name: string;
  kind: ConfigKind;
  /** Checks the decoded value. */
  schema: ValueSchema;
  /** What a valid value is, as shown in error messages and the README's reference. */
  expected: string;
  description: string;
  /** Says which parts of an invalid value are wrong, where the whole value says too little. */
  describeInvalid?: (value: unknown) => string | undefined;
  /** Writes the value into a profile; absent for `cloud` and `environment`, read separately. */
  apply?: (profile: EnvironmentProfile, value: never) => void;
}

const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/)
  .refine((value) => {
    const [address, bits] = value.split("/");
    const octets = address.split(".").map(Number);
    if (!octets.every((octet) => octet <= 255) || Number(bits) > 32) return false;
    // A network address: the clouds refuse a block whose host bits are set (10.40.7.1/16).
    const ip = octets.reduce((sum, octet) => sum * 256 + octet, 0);
    return ip % 2 ** (32 - Number(bits)) === 0;
  });
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const email = z.string().regex(emailPattern);
/** Tag values every cloud accepts: AWS's tag characters, within GCP's label length. */
const tagValue = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:=+@-]{0,62}$/);
const tagValueExpected =
  "1-63 letters, digits, spaces or _ . : = + @ - (characters every cloud accepts in a tag), " +
  "starting with a letter or digit";

/** Names the entries of an e-mail list that are malformed or repeated. */
function describeEmailList(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const entry of value) {
    if (typeof entry !== "string" || !emailPattern.test(entry)) {
      problems.push(`${JSON.stringify(entry)} is not an e-mail address`);
      continue;
    }
    if (seen.has(entry.toLowerCase())) problems.push(`${JSON.stringify(entry)} is listed twice`);
    seen.add(entry.toLowerCase());
  }
  if (value.length > 20) problems.push(`${value.length} addresses`);
  return problems.length > 0 ? problems.join(", ") : undefined;
}
/**
 * A container image reference pinned by a tag other than `latest` or by a sha256 digest:
 * `[registry[:port]/]path[:tag][@sha256:digest]`, the grammar of the distribution reference.
 */
export const imageReference = z
  .string()
  .max(255)
  .regex(
    /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
  )
  .refine((value) => {
    const digest = value.includes("@sha256:");
    const tag = /:([A-Za-z0-9_][A-Za-z0-9_.-]*)$/.exec(value.split("@")[0].split("/").pop() ?? "");
    return digest || (tag !== null && tag[1] !== "latest");
  });
const hostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/);
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The one method of a zod schema the loader uses. Typing keys against this rather than
 * `z.ZodType<T>` spares the type-checker a structural comparison of zod's generic types, which
 * cost more than a second of every type-check.
 */
export interface ValueSchema<T = unknown> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

function key<T>(
  name: string,
  kind: ConfigKind,
  schema: ValueSchema<T>,
  expected: string,
  description: string,
  apply?: (profile: EnvironmentProfile, value: T) => void,
  describeInvalid?: (value: unknown) => string | undefined,
): ConfigKey {
  return {
    name,
    kind,
    schema,
    expected,
    description,
    apply: apply as ConfigKey["apply"],
    describeInvalid,
  };
}

/** Every `rag:` key a stack file may set. Pulumi.yaml declares the same keys (a test checks). */
export const configKeys: ConfigKey[] = [
  key("cloud", "string", z.enum(clouds), "one of aws, gcp, azure", "Cloud the stack runs on."),
  key(
    "environment",
    "string",
    z.enum(environments),
    "one of staging, production",
    "Environment tier; decides the profile of defaults, whatever the stack is called.",
  ),
  key("owner", "string", tagValue, tagValueExpected, "Value of the `owner` tag."),
  key("costCenter", "string", tagValue, tagValueExpected, "Value of the `cost-center` tag."),
  key(
    "networkCidr",
    "string",
    cidr.refine((value) => {
      const bits = Number(value.split("/")[1]);
      return bits >= 16 && bits <= 20;
    }),
    "an IPv4 network address from /16 to /20 with its host bits zero, such as 10.40.0.0/16",
    "Address space of the platform network.",
    (p, v: string) => (p.network.cidr = v),
  ),
  key(
    "natPerZone",
    "boolean",
    z.boolean(),
    "true or false",
    "One NAT gateway per zone instead of one shared gateway.",
    (p, v: boolean) => (p.network.natPerZone = v),
  ),
  key(
    "kubernetesVersion",
    "string",
    z.string().regex(/^1\.(2[89]|3\d)$/),
    'a Kubernetes minor version from 1.28 to 1.39, such as "1.33"',
    "Kubernetes minor version of the cluster.",
    (p, v: string) => (p.cluster.kubernetesVersion = v),
  ),
  key(
    "nodeSize",
    "string",
    z.enum(sizeClasses),
    "one of small, medium, large",
    "Node size class; each cloud maps it to a machine type.",
    (p, v: (typeof sizeClasses)[number]) => (p.cluster.nodeSize = v),
  ),
  key(
    "nodeMachineType",
    "string",
    z.string().regex(/^[A-Za-z0-9._-]{2,64}$/),
    "the cloud's machine type name, such as m6i.large, e2-standard-4 or Standard_D4s_v5",
    "Overrides the machine type derived from nodeSize.",
    (p, v: string) => (p.cluster.nodeMachineType = v),
  ),
  key(
    "nodeMinCount",
    "integer",
    int(1, 100),
    "an integer from 1 to 100",
    "Fewest nodes the autoscaler keeps.",
    (p, v: number) => (p.cluster.nodeMinCount = v),
  ),
  key(
    "nodeMaxCount",
    "integer",
    int(1, 100),
    "an integer from 1 to 100",
    "Most nodes the autoscaler adds.",
    (p, v: number) => (p.cluster.nodeMaxCount = v),
  ),
  key(
    "clusterEndpointAccess",
    "string",
    z.enum(endpointAccessModes),
    "one of private, restricted",
    "private: the Kubernetes API is reachable only inside the network; restricted: also publicly, from clusterAuthorizedNetworks only.",
    (p, v: (typeof endpointAccessModes)[number]) => (p.cluster.endpointAccess = v),
  ),
  key(
    "clusterAuthorizedNetworks",
    "array",
    z.array(cidr).max(20),
    "a list of at most 20 IPv4 network addresses with their host bits zero, such as 203.0.113.0/24",
    "Networks allowed to reach a restricted Kubernetes API.",
    (p, v: string[]) => (p.cluster.authorizedNetworks = v),
  ),
  key(
    "databaseVersion",
    "integer",
    z.union([z.literal(16), z.literal(17)]),
    "16 or 17 (PostgreSQL major versions with pgvector on every cloud)",
    "PostgreSQL major version.",
    (p, v: number) => (p.database.engineVersion = v),
  ),
  key(
    "databaseSize",
    "string",
    z.enum(sizeClasses),
    "one of small, medium, large",
    "Database size class; each cloud maps it to an instance type.",
    (p, v: (typeof sizeClasses)[number]) => (p.database.size = v),
  ),
  key(
    "databaseInstanceType",
    "string",
    z.string().regex(/^[A-Za-z0-9._-]{2,64}$/),
    "the cloud's instance type name, such as db.r6g.large, db-custom-2-8192 or Standard_D2ds_v5",
    "Overrides the instance type derived from databaseSize.",
    (p, v: string) => (p.database.instanceType = v),
  ),
  key(
    "databaseStorageGb",
    "integer",
    int(20, 16384),
    "an integer from 20 to 16384",
    "Allocated database storage in GiB.",
    (p, v: number) => (p.database.storageGb = v),
  ),
  key(
    "databaseHighAvailability",
    "boolean",
    z.boolean(),
    "true or false",
    "Zone-redundant standby for the database.",
    (p, v: boolean) => (p.database.highAvailability = v),
  ),
  key(
    "backupRetentionDays",
    "integer",
    int(7, 35),
    "an integer from 7 to 35 (the range every cloud's point-in-time recovery accepts)",
    "Days of automated backups and point-in-time recovery.",
    (p, v: number) => (p.database.backupRetentionDays = v),
  ),
  key(
    "crossRegionBackup",
    "boolean",
    z.boolean(),
    "true or false",
    "Copy backups to backupRegion.",
    (p, v: boolean) => (p.database.crossRegionBackup = v),
  ),
  key(
    "backupRegion",
    "string",
    z.string().regex(/^[a-z][a-z0-9-]{2,30}$/),
    "a region or location name of the stack's cloud, such as us-west-2, europe-west4 or westeurope",
    "Region that receives backup copies; must differ from the stack's region.",
    (p, v: string) => (p.database.backupRegion = v),
  ),
  key(
    "vectorStoreEngine",
    "string",
    z.enum(vectorStoreEngines),
    "one of pgvector, qdrant, managed",
    "Where embeddings live: pgvector in the database, qdrant in the cluster, or the cloud's managed vector search.",
    (p, v: (typeof vectorStoreEngines)[number]) => (p.vectorStore.engine = v),
  ),
  key(
    "vectorDimensions",
    "integer",
    int(2, 2000),
    "an integer from 2 to 2000 (pgvector indexes at most 2000 dimensions)",
    "Dimensions of the embedding vectors.",
    (p, v: number) => (p.vectorStore.dimensions = v),
  ),
  key(
    "vectorIndexName",
    "string",
    z.string().regex(/^[a-z][a-z0-9-]{2,31}$/),
    "3-32 characters: a lower-case letter, then lower-case letters, digits or hyphens",
    "Name of the vector index or collection.",
    (p, v: string) => (p.vectorStore.indexName = v),
  ),
  key(
    "secretRotationDays",
    "integer",
    int(1, 365),
    "an integer from 1 to 365",
    "Days between rotations of the platform's secrets.",
    (p, v: number) => (p.vault.secretRotationDays = v),
  ),
  key(
    "keyRotationDays",
    "integer",
    int(90, 365),
    "an integer from 90 to 365 (AWS KMS rotates no more often than every 90 days)",
    "Days between rotations of the customer-managed keys.",
    (p, v: number) => (p.vault.keyRotationDays = v),
  ),
  key(
    "logRetentionDays",
    "integer",
    int(1, 3650),
    "an integer from 1 to 3650",
    "Days logs are kept.",
    (p, v: number) => (p.monitoring.logRetentionDays = v),
  ),
  key(
    "alertEmails",
    "array",
    z
      .array(email)
      .max(20)
      .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length),
    "a list of at most 20 distinct e-mail addresses",
    "Addresses that receive alerts.",
    (p, v: string[]) => (p.monitoring.alertEmails = v),
    describeEmailList,
  ),
  key(
    "deletionProtection",
    "boolean",
    z.boolean(),
    "true or false",
    "Provider-side deletion protection on stateful resources.",
    (p, v: boolean) => (p.protection.deletionProtection = v),
  ),
  key(
    "protect",
    "boolean",
    z.boolean(),
    "true or false",
    "Pulumi `protect` on stateful resources.",
    (p, v: boolean) => (p.protection.protect = v),
  ),
  key(
    "retainOnDelete",
    "boolean",
    z.boolean(),
    "true or false",
    "Pulumi `retainOnDelete` on stateful resources.",
    (p, v: boolean) => (p.protection.retainOnDelete = v),
  ),
  key(
    "rpoMinutes",
    "integer",
    int(0, 10080),
    "an integer from 0 to 10080 (a week)",
    "Recovery point objective: most minutes of data a zone failure or data corruption may lose.",
    (p, v: number) => (p.recovery.rpoMinutes = v),
  ),
  key(
    "rtoMinutes",
    "integer",
    int(1, 10080),
    "an integer from 1 to 10080 (a week)",
    "Recovery time objective: longest outage in minutes after a zone failure or data corruption.",
    (p, v: number) => (p.recovery.rtoMinutes = v),
  ),
  key(
    "regionRpoMinutes",
    "integer",
    int(0, 10080),
    "an integer from 0 to 10080 (a week)",
    "Most minutes of data the loss of the stack's whole region may lose.",
    (p, v: number) => (p.recovery.regionRpoMinutes = v),
  ),
  key(
    "regionRtoMinutes",
    "integer",
    int(1, 10080),
    "an integer from 1 to 10080 (a week)",
    "Longest outage in minutes after the loss of the stack's whole region.",
    (p, v: number) => (p.recovery.regionRtoMinutes = v),
  ),
  key(
    "activeColor",
    "string",
    z.enum(deploymentColors),
    "one of blue, green",
    "Deployment the API Service sends traffic to; flipping it is the rollback (see docs/blue-green.md).",
    (p, v: (typeof deploymentColors)[number]) => (p.app.activeColor = v),
  ),
  key(
    "blueImage",
    "string",
    imageReference,
    "an image reference with a tag other than latest or a sha256 digest, such as registry.example.com/rag-api:1.4.2",
    "Image of the blue deployment of the RAG API.",
    (p, v: string) => (p.app.blueImage = v),
  ),
  key(
    "greenImage",
    "string",
    imageReference,
    "an image reference with a tag other than latest or a sha256 digest, such as registry.example.com/rag-api:1.4.2",
    "Image of the green deployment of the RAG API.",
    (p, v: string) => (p.app.greenImage = v),
  ),
  key(
    "apiHostname",
    "string",
    hostname,
    "a lower-case DNS name such as rag.example.com",
    "Public host name of the API: the Ingress rule and the name on its TLS certificate.",
    (p, v: string) => (p.app.apiHostname = v),
  ),
  key(
    "apiTlsSecretName",
    "string",
    z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/),
    "a Kubernetes secret name (lower-case letters, digits, dots, hyphens)",
    "kubernetes.io/tls secret in the rag namespace holding the API's certificate.",
    (p, v: string) => (p.app.tlsSecretName = v),
  ),
  key(
    "apiMinReplicas",
    "integer",
    int(1, 50),
    "an integer from 1 to 50",
    "Fewest pods of each colour (the autoscaler's lower bound).",
    (p, v: number) => (p.app.minReplicas = v),
  ),
  key(
    "apiMaxReplicas",
    "integer",
    int(1, 100),
    "an integer from 1 to 100",
    "Most pods of each colour (the autoscaler's upper bound).",
    (p, v: number) => (p.app.maxReplicas = v),
  ),
  key(
    "apiCpuMillicores",
    "integer",
    int(50, 16000),
    "an integer from 50 to 16000",
    "CPU request of one API pod in millicores; the limit is twice the request.",
    (p, v: number) => (p.app.cpuMillicores = v),
  ),
  key(
    "apiMemoryMib",
    "integer",
    int(64, 65536),
    "an integer from 64 to 65536",
    "Memory request and limit of one API pod in MiB.",
    (p, v: number) => (p.app.memoryMib = v),
  ),
  key(
    "qdrantReplicas",
    "integer",
    int(1, 9),
    "an integer from 1 to 9",
    "Qdrant pods when rag:vectorStoreEngine is qdrant.",
    (p, v: number) => (p.app.qdrantReplicas = v),
  ),
  key(
    "qdrantStorageGb",
    "integer",
    int(1, 16384),
    "an integer from 1 to 16384",
    "Persistent volume of each Qdrant pod in GiB.",
    (p, v: number) => (p.app.qdrantStorageGb = v),
  ),
];
