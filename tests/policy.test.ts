import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  evaluate,
  get,
  unknownValue,
  type ResourceView,
  type Rule,
  type StackView,
} from "../policy/engine";
import { rules } from "../policy/rules";
import { statefulTypes } from "../policy/rules/stateful";
import { unknownSentinel } from "../src/plan/wire";
import { toResourceView } from "../src/policy/rules";
import { configFor, plan, planRepoStack, type PlanResult } from "./harness";

type Cloud = "aws" | "gcp" | "azure";
const clouds: Cloud[] = ["aws", "gcp", "azure"];
const environments = ["staging", "production"] as const;

const byName = (name: string): Rule => {
  const rule = rules.find((candidate) => candidate.name === name);
  if (rule === undefined) throw new Error(`no rule ${name}`);
  return rule;
};

/** A planned production stack of `cloud` with the managed vector store, as neutral views. */
const planned = new Map<Cloud, Promise<PlanResult>>();
function productionPlan(cloud: Cloud): Promise<PlanResult> {
  if (!planned.has(cloud))
    planned.set(
      cloud,
      plan(configFor(cloud, "production", { "rag:vectorStoreEngine": "managed" })),
    );
  return planned.get(cloud)!;
}
async function productionStack(cloud: Cloud): Promise<StackView> {
  const result = await productionPlan(cloud);
  return {
    host: "plan",
    stackUrn: "",
    // A deep copy per test, so that a mutation never leaks into the next case.
    resources: result.recording.resources.map((r) =>
      toResourceView(structuredClone(r), "production"),
    ),
    alerts: [],
  };
}

/** Sets the value at a dotted path; `undefined` deletes it. */
function set(props: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  const parent = parts.slice(0, -1).reduce((object: any, part) => object[part], props);
  if (value === undefined) delete parent[parts[parts.length - 1]];
  else parent[parts[parts.length - 1]] = value;
}

interface Case {
  rule: string;
  cloud: Cloud;
  /** Type of the resource that breaks the rule, and the name of the one to pick. */
  type: string;
  name?: string;
  /** Type and name of the resource to mutate when it is not the judged one. @default type */
  mutateType?: string;
  mutate: (view: ResourceView) => void;
  /** Property the violation must name. */
  property: string;
}

const p = (path: string, value: unknown) => (view: ResourceView) => set(view.props, path, value);
const jsonPolicy = (edit: (document: any) => void) => (view: ResourceView) => {
  const document = JSON.parse(String(view.props.policy));
  edit(document);
  view.props.policy = JSON.stringify(document);
};

const rds = "aws:rds/instance:Instance";
const cloudSql = "gcp:sql/databaseInstance:DatabaseInstance";
const flexible = "azure-native:dbforpostgresql:Server";
const collection = "aws:opensearch/serverlessCollection:ServerlessCollection";
const securityPolicy = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy";

const cases: Case[] = [
  // encryption at rest with a customer-managed key
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: p("storageEncrypted", false),
    property: "storageEncrypted",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: "aws:eks/cluster:Cluster",
    mutate: p("encryptionConfig.provider.keyArn", ""),
    property: "encryptionConfig.provider.keyArn",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: "aws:secretsmanager/secret:Secret",
    mutate: p("kmsKeyId", undefined),
    property: "kmsKeyId",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "rag-monitoring-application",
    mutate: p("kmsKeyId", undefined),
    property: "kmsKeyId",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: "aws:s3/bucket:Bucket",
    mutateType:
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    mutate: (v) =>
      set((v.props.rules as any[])[0], "applyServerSideEncryptionByDefault.sseAlgorithm", "AES256"),
    property: "bucket",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "aws",
    type: collection,
    mutateType: securityPolicy,
    name: "rag-vector-store-encryption-policy",
    mutate: jsonPolicy((d) => (d.AWSOwnedKey = true)),
    property: "name",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("encryptionKeyName", undefined),
    property: "encryptionKeyName",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "gcp",
    type: "gcp:container/cluster:Cluster",
    mutate: p("databaseEncryption.state", "DECRYPTED"),
    property: "databaseEncryption.state",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "gcp",
    type: "gcp:secretmanager/secret:Secret",
    name: "rag-vault-database-credentials",
    mutate: (v) =>
      delete (get(v.props, "replication.userManaged.replicas") as any[])[0]
        .customerManagedEncryption,
    property: "replication.userManaged.replicas[0].customerManagedEncryption.kmsKeyName",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "gcp",
    type: "gcp:vertex/aiIndex:AiIndex",
    mutate: p("encryptionSpec", undefined),
    property: "encryptionSpec.kmsKeyName",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "azure",
    type: flexible,
    mutate: p("dataEncryption.type", "SystemManaged"),
    property: "dataEncryption.type",
  },
  {
    rule: "encryption-at-rest-customer-key",
    cloud: "azure",
    type: "azure-native:containerservice:ManagedCluster",
    mutate: p("securityProfile.azureKeyVaultKms.enabled", false),
    property: "securityProfile.azureKeyVaultKms.enabled",
  },
  // no public database, vector store or vault
  {
    rule: "no-public-data-endpoints",
    cloud: "aws",
    type: rds,
    name: "rag-database-replica",
    mutate: p("publiclyAccessible", true),
    property: "publiclyAccessible",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "aws",
    type: collection,
    mutateType: securityPolicy,
    name: "rag-vector-store-network-policy",
    mutate: jsonPolicy((d) => (d[0].AllowFromPublic = true)),
    property: "name",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "aws",
    type: "aws:s3/bucket:Bucket",
    mutateType: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    mutate: p("blockPublicPolicy", false),
    property: "bucket",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("settings.ipConfiguration.ipv4Enabled", true),
    property: "settings.ipConfiguration.ipv4Enabled",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "gcp",
    type: "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint",
    mutate: p("publicEndpointEnabled", true),
    property: "publicEndpointEnabled",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "azure",
    type: flexible,
    mutate: p("network.publicNetworkAccess", "Enabled"),
    property: "network.publicNetworkAccess",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "azure",
    type: "azure-native:keyvault:Vault",
    name: "rag-vault-kv",
    mutate: p("properties.publicNetworkAccess", "Enabled"),
    property: "properties.publicNetworkAccess",
  },
  {
    rule: "no-public-data-endpoints",
    cloud: "azure",
    type: "azure-native:search:Service",
    mutate: p("publicNetworkAccess", "Enabled"),
    property: "publicNetworkAccess",
  },
  // TLS enforced
  {
    rule: "database-tls-enforced",
    cloud: "aws",
    type: "aws:rds/parameterGroup:ParameterGroup",
    mutate: p("parameters", [{ name: "rds.force_ssl", value: "0" }]),
    property: "parameters",
  },
  {
    rule: "database-tls-enforced",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: p("parameterGroupName", "default.postgres16"),
    property: "parameterGroupName",
  },
  {
    rule: "database-tls-enforced",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED"),
    property: "settings.ipConfiguration.sslMode",
  },
  {
    rule: "database-tls-enforced",
    cloud: "azure",
    type: "azure-native:dbforpostgresql:Configuration",
    name: "rag-database-require-secure-transport",
    mutate: p("value", "off"),
    property: "value",
  },
  // backups and point-in-time recovery
  {
    rule: "database-backups-and-pitr",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: p("backupRetentionPeriod", 0),
    property: "backupRetentionPeriod",
  },
  {
    rule: "database-backups-and-pitr",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("settings.backupConfiguration.pointInTimeRecoveryEnabled", false),
    property: "settings.backupConfiguration.pointInTimeRecoveryEnabled",
  },
  {
    rule: "database-backups-and-pitr",
    cloud: "azure",
    type: flexible,
    mutate: p("backup.backupRetentionDays", 1),
    property: "backup.backupRetentionDays",
  },
  // provider-side deletion protection in production
  {
    rule: "deletion-protection-in-production",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: p("deletionProtection", false),
    property: "deletionProtection",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "aws",
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "rag-vault-audit-logs",
    mutate: p("deletionProtectionEnabled", false),
    property: "deletionProtectionEnabled",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "aws",
    type: "aws:secretsmanager/secret:Secret",
    mutate: p("recoveryWindowInDays", 0),
    property: "recoveryWindowInDays",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("settings.deletionProtectionEnabled", false),
    property: "settings.deletionProtectionEnabled",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "gcp",
    type: "gcp:container/cluster:Cluster",
    mutate: p("deletionProtection", false),
    property: "deletionProtection",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "azure",
    type: flexible,
    mutateType: "azure-native:authorization:ManagementLockByScope",
    name: "rag-database-lock",
    mutate: p("level", "ReadOnly"),
    property: "serverName",
  },
  {
    rule: "deletion-protection-in-production",
    cloud: "azure",
    type: "azure-native:keyvault:Vault",
    name: "rag-vault-kv",
    mutate: p("properties.enablePurgeProtection", false),
    property: "properties.enablePurgeProtection",
  },
  // Pulumi protect / retainOnDelete on stateful resources in production
  {
    rule: "stateful-resources-protected",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: (v) => (v.protect = false),
    property: "protect",
  },
  {
    rule: "stateful-resources-protected",
    cloud: "gcp",
    type: cloudSql,
    mutate: (v) => (v.retainOnDelete = false),
    property: "retainOnDelete",
  },
  {
    rule: "stateful-resources-protected",
    cloud: "azure",
    type: "azure-native:keyvault:Secret",
    name: "rag-vault-database-credentials",
    mutate: (v) => (v.protect = false),
    property: "protect",
  },
  // log retention
  {
    rule: "log-retention-set",
    cloud: "aws",
    type: "aws:cloudwatch/logGroup:LogGroup",
    name: "rag-monitoring-flow-logs",
    mutate: p("retentionInDays", undefined),
    property: "retentionInDays",
  },
  {
    rule: "log-retention-set",
    cloud: "gcp",
    type: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    mutate: p("retentionDays", undefined),
    property: "retentionDays",
  },
  {
    rule: "log-retention-set",
    cloud: "azure",
    type: "azure-native:operationalinsights:Workspace",
    mutate: p("retentionInDays", undefined),
    property: "retentionInDays",
  },
  // rotation
  {
    rule: "secret-rotation-configured",
    cloud: "aws",
    type: "aws:secretsmanager/secretRotation:SecretRotation",
    mutate: p("rotationRules", {}),
    property: "rotationRules.automaticallyAfterDays",
  },
  {
    rule: "secret-rotation-configured",
    cloud: "aws",
    type: "aws:kms/key:Key",
    name: "rag-database-storage-key",
    mutate: p("enableKeyRotation", false),
    property: "enableKeyRotation",
  },
  {
    rule: "secret-rotation-configured",
    cloud: "gcp",
    type: "gcp:secretmanager/secret:Secret",
    name: "rag-vault-database-credentials",
    mutate: p("rotation", undefined),
    property: "rotation.rotationPeriod",
  },
  {
    rule: "secret-rotation-configured",
    cloud: "gcp",
    type: "gcp:kms/cryptoKey:CryptoKey",
    name: "rag-vault-database-key",
    mutate: p("rotationPeriod", undefined),
    property: "rotationPeriod",
  },
  {
    rule: "secret-rotation-configured",
    cloud: "azure",
    type: "azure-native:keyvault:Key",
    name: "rag-database-key",
    mutate: (v) =>
      (get(v.props, "properties.rotationPolicy.lifetimeActions") as any[]).splice(0, 1),
    property: "properties.rotationPolicy.lifetimeActions",
  },
  {
    rule: "secret-rotation-configured",
    cloud: "azure",
    type: "azure-native:keyvault:Secret",
    name: "rag-vault-database-credentials",
    mutate: p("tags.rotation-days", undefined),
    property: "rotation-days",
  },
  // private or restricted cluster endpoint
  {
    rule: "cluster-endpoint-restricted",
    cloud: "aws",
    type: "aws:eks/cluster:Cluster",
    mutate: p("vpcConfig.endpointPublicAccess", true),
    property: "vpcConfig.publicAccessCidrs",
  },
  {
    rule: "cluster-endpoint-restricted",
    cloud: "gcp",
    type: "gcp:container/cluster:Cluster",
    mutate: (v) => {
      set(v.props, "privateClusterConfig.enablePrivateEndpoint", false);
      set(v.props, "masterAuthorizedNetworksConfig.cidrBlocks", [{ cidrBlock: "0.0.0.0/0" }]);
    },
    property: "masterAuthorizedNetworksConfig.cidrBlocks",
  },
  {
    rule: "cluster-endpoint-restricted",
    cloud: "azure",
    type: "azure-native:containerservice:ManagedCluster",
    mutate: p("apiServerAccessProfile.enablePrivateCluster", false),
    property: "apiServerAccessProfile.authorizedIPRanges",
  },
  // required tags
  {
    rule: "required-tags",
    cloud: "aws",
    type: rds,
    name: "rag-database-instance",
    mutate: p("tags.environment", undefined),
    property: "tags",
  },
  {
    rule: "required-tags",
    cloud: "gcp",
    type: cloudSql,
    mutate: p("settings.userLabels.managed-by", undefined),
    property: "tags",
  },
  {
    rule: "required-tags",
    cloud: "azure",
    type: flexible,
    mutate: p("tags", undefined),
    property: "tags",
  },
];

function pick(stack: StackView, type: string, name?: string): ResourceView {
  const found = stack.resources.filter(
    (r) => r.type === type && (name === undefined || r.name === name),
  );
  if (found.length === 0) throw new Error(`no ${type} ${name ?? ""} in the plan`);
  return found[0];
}

describe("the shared policies", function () {
  this.timeout(240_000);

  describe("judge each rule's property on every cloud", () => {
    for (const c of cases) {
      it(`${c.rule}: flags ${c.type} ${c.name ?? ""} on ${c.cloud} when \`${c.property}\` breaks it`, async () => {
        const stack = await productionStack(c.cloud);
        const rule = byName(c.rule);
        // Compliant: the planned stack passes the rule.
        expect(evaluate([rule], stack), "the planned stack complies").to.deep.equal([]);
        // Violating: one property changed, one violation naming the resource and the property.
        const judged = pick(stack, c.type, c.mutateType === undefined ? c.name : undefined);
        c.mutate(pick(stack, c.mutateType ?? c.type, c.name));
        const violations = evaluate([rule], stack).filter((v) => v.urn === judged.urn);
        expect(violations, JSON.stringify(violations)).to.have.length(1);
        expect(violations[0].message).to.contain(judged.type).and.contain(`\`${judged.name}\``);
        expect(violations[0].message).to.contain(`\`${c.property}\``);
        expect(violations[0].level).to.equal(rule.level);
      });
    }
  });

  it("judges production-only rules on staging resources not at all", async () => {
    const stack = await productionStack("aws");
    const instance = pick(stack, rds, "rag-database-instance");
    instance.props.deletionProtection = false;
    instance.environment = "staging";
    expect(evaluate([byName("deletion-protection-in-production")], stack)).to.deep.equal([]);
    instance.environment = undefined; // unknown environment: judged, fail safe
    expect(evaluate([byName("deletion-protection-in-production")], stack)).to.have.length(1);
  });

  it("flags a Kubernetes LoadBalancer service without the internal annotation", () => {
    const service = (annotations: Record<string, string>): StackView => ({
      host: "plan",
      stackUrn: "",
      alerts: [],
      resources: [
        {
          type: "kubernetes:core/v1:Service",
          urn: "urn:pulumi:s::rag::kubernetes:core/v1:Service::qdrant",
          name: "qdrant",
          props: { metadata: { annotations }, spec: { type: "LoadBalancer" } },
          protect: false,
          retainOnDelete: false,
          environment: "production",
        },
      ],
    });
    const rule = byName("no-public-data-endpoints");
    const internal = { "networking.gke.io/load-balancer-type": "Internal" };
    expect(evaluate([rule], service(internal))).to.deep.equal([]);
    const [violation] = evaluate([rule], service({}));
    expect(violation.message).to.contain("`qdrant`").and.contain("`metadata.annotations`");
  });

  it("counts a key reference unknown until the update as set", async () => {
    const stack = await productionStack("aws");
    pick(stack, rds, "rag-database-instance").props.kmsKeyId = unknownValue;
    expect(evaluate([byName("encryption-at-rest-customer-key")], stack)).to.deep.equal([]);
  });

  describe("never pass a type they were asked to judge but do not know", () => {
    for (const rule of rules.filter((r) => r.coverage !== undefined)) {
      it(`${rule.name} judges or exempts every type of its concern`, () => {
        const { judged, exempt, concern, judgesEveryType } = rule.coverage!;
        const unknown = statefulTypes.filter(
          (type) =>
            concern(type) && !judged.includes(type) && !(type in exempt) && !judgesEveryType,
        );
        expect(unknown).to.deep.equal([]);
        for (const type of Object.keys(exempt)) expect(exempt[type], type).to.not.equal("");
      });
    }

    const newTypes: Array<[string, string]> = [
      ["database-tls-enforced", "aws:rds/cluster:Cluster"],
      [
        "database-backups-and-pitr",
        "gcp:sql/sourceRepresentationInstance:SourceRepresentationInstance",
      ],
      ["cluster-endpoint-restricted", "azure-native:containerservice:Fleet"],
      ["log-retention-set", "gcp:logging/projectSink:ProjectSink"],
      ["secret-rotation-configured", "azure-native:keyvault:ManagedHsm"],
    ];
    for (const [name, type] of newTypes) {
      it(`${name} fails on ${type}, a type of its concern it does not know`, () => {
        const stack: StackView = {
          host: "plan",
          stackUrn: "",
          alerts: [],
          resources: [
            {
              type,
              urn: `urn:x::${type}::new`,
              name: "new",
              props: {},
              protect: true,
              retainOnDelete: true,
              environment: "production",
            },
          ],
        };
        const [violation] = evaluate([byName(name)], stack);
        expect(violation?.message).to.contain(type).and.contain("does not know");
      });
    }
  });

  describe("pass on every repository stack and every cloud's plan", () => {
    for (const stack of ["staging", "production"]) {
      it(`Pulumi.${stack}.yaml passes every rule`, async () => {
        const result = await planRepoStack(stack);
        expect(result.violations, JSON.stringify(result.violations, null, 2)).to.deep.equal([]);
      });
    }
    for (const cloud of clouds)
      for (const environment of environments)
        for (const engine of ["pgvector", "managed"]) {
          it(`${cloud} ${environment} with the ${engine} vector store passes every rule`, async () => {
            const result =
              environment === "production" && engine === "managed"
                ? await productionPlan(cloud)
                : await plan(configFor(cloud, environment, { "rag:vectorStoreEngine": engine }));
            expect(result.violations, JSON.stringify(result.violations, null, 2)).to.deep.equal([]);
          });
        }
  });
});

/**
 * The pack run the way the Pulumi CLI runs it: the SDK's policy-pack runner (ts-node) in policy/,
 * serving the analyzer protocol on a loopback port it picks; the test talks to that server only.
 */
describe("the CrossGuard pack (policy/)", function () {
  this.timeout(180_000);
  const sdk = createRequire(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb"));
  const grpc = sdk("@grpc/grpc-js");
  const services = sdk("./analyzer_grpc_pb");
  const messages = sdk("./analyzer_pb");
  const { Struct } = sdk("google-protobuf/google/protobuf/struct_pb");
  const { Empty } = sdk("google-protobuf/google/protobuf/empty_pb");
  let runner: ChildProcess | undefined;
  let client: any;

  before(async () => {
    const script = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    // The first argument stands for the engine's address, which the runner drops.
    runner = spawn(process.execPath, [script, "engine-address-unused", "."], {
      cwd: join(__dirname, "..", "policy"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    runner.stderr!.on("data", (chunk) => (stderr += String(chunk)));
    const port = await new Promise<string>((resolve, reject) => {
      runner!.stdout!.on("data", (chunk) => {
        const match = /^(\d+)\s*$/m.exec(String(chunk));
        if (match !== null) resolve(match[1]);
      });
      runner!.on("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
    });
    client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (runner?.pid !== undefined && runner.exitCode === null) process.kill(runner.pid);
  });

  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: Error | null, response: T) =>
        error === null ? resolve(response) : reject(error),
      ),
    );

  const levels: Record<number, string> = { 0: "advisory", 1: "mandatory" };

  it("serves exactly the shared rules CrossGuard can judge, with their levels", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("rag");
    const served = info
      .getPoliciesList()
      .map((policy: any) => `${policy.getName()}:${levels[policy.getEnforcementlevel()]}`);
    const shared = rules
      .filter((rule) => rule.hosts.includes("crossguard"))
      .map((rule) => `${rule.name}:${rule.level}`);
    expect(served).to.deep.equal(shared);
    expect(shared).to.include("stateful-resources-protected:mandatory");
    expect(shared).to.include("required-tags:advisory");
  });

  /** A planned stack as the engine's AnalyzeStack request. */
  function analyzeRequest(result: PlanResult, edit: (urn: string, props: any) => void): unknown {
    const resources = result.recording.resources.map((resource) => {
      const props = structuredClone(resource.inputs);
      edit(resource.urn, props);
      const options = new messages.AnalyzerResourceOptions();
      options.setProtect(resource.protect);
      const analyzed = new messages.AnalyzerResource();
      analyzed.setType(resource.type);
      analyzed.setUrn(resource.urn);
      analyzed.setName(resource.name);
      analyzed.setProperties(Struct.fromJavaScript(props));
      analyzed.setOptions(options);
      return analyzed;
    });
    const request = new messages.AnalyzeStackRequest();
    request.setResourcesList(resources);
    return request;
  }

  it("passes the planned production stack and flags a public database, by resource", async () => {
    const result = await productionPlan("aws");
    const instance = result.recording.resources.find((r) => r.name === "rag-database-instance")!;
    const compliant: any = await call(
      "analyzeStack",
      // A key id unknown during a real preview must neither fail nor demote the policy.
      analyzeRequest(result, (urn, props) => {
        if (urn === instance.urn) props.kmsKeyId = unknownSentinel;
      }),
    );
    expect(compliant.getDiagnosticsList().map((d: any) => d.getMessage())).to.deep.equal([]);

    const violating: any = await call(
      "analyzeStack",
      analyzeRequest(result, (urn, props) => {
        if (urn === instance.urn) props.publiclyAccessible = true;
      }),
    );
    const diagnostics = violating.getDiagnosticsList();
    expect(diagnostics).to.have.length(1);
    expect(diagnostics[0].getPolicyname()).to.equal("no-public-data-endpoints");
    expect(levels[diagnostics[0].getEnforcementlevel()]).to.equal("mandatory");
    expect(diagnostics[0].getUrn()).to.equal(instance.urn);
    expect(diagnostics[0].getMessage()).to.contain("`rag-database-instance`: `publiclyAccessible`");
  });
});
