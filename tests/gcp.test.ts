import { expect } from "chai";
import { maxDetectionSeconds } from "../src/contracts/common";
import { isSecretValue } from "../src/plan/wire";
import { gcpRules } from "../providers/gcp/rules";
import { backupConfiguration, maxConnections } from "../providers/gcp/database";
import { gcpLabels, gcpNameRules } from "../providers/gcp/naming";
import { pickZones, subnetPlan } from "../providers/gcp/network";
import { secretRotation } from "../providers/gcp/vault";
import { configFor, inputs, ofType, plan, single, type PlanResult } from "./harness";

type Environment = "staging" | "production";
const environments: Environment[] = ["staging", "production"];

const T = {
  cluster: "gcp:container/cluster:Cluster",
  nodePool: "gcp:container/nodePool:NodePool",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  sqlUser: "gcp:sql/user:User",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  secretReader: "gcp:secretmanager/secretIamMember:SecretIamMember",
  auditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  cryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  keyMember: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  subnet: "gcp:compute/subnetwork:Subnetwork",
  firewall: "gcp:compute/firewall:Firewall",
  saMember: "gcp:serviceaccount/iAMMember:IAMMember",
  k8sProvider: "pulumi:providers:kubernetes",
  index: "gcp:vertex/aiIndex:AiIndex",
  indexEndpoint: "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint",
  deployedIndex: "gcp:vertex/aiIndexEndpointDeployedIndex:AiIndexEndpointDeployedIndex",
  projectMember: "gcp:projects/iAMMember:IAMMember",
};

// Plans are slow-ish; each environment (and the managed engine) is planned once and shared.
const plans = new Map<string, Promise<PlanResult>>();
function planned(
  environment: Environment,
  overrides: Record<string, unknown> = {},
): Promise<PlanResult> {
  const key = `${environment}:${JSON.stringify(overrides)}`;
  if (!plans.has(key))
    plans.set(key, plan(configFor("gcp", environment, overrides), `gcp-${environment}`));
  return plans.get(key)!;
}

const expected = {
  staging: {
    deletionProtection: false,
    protect: false,
    availability: "ZONAL",
    backupLocation: undefined,
  },
  production: {
    deletionProtection: true,
    protect: true,
    availability: "REGIONAL",
    backupLocation: "europe-west1",
  },
} as const;

describe("GCP backend", () => {
  for (const environment of environments) {
    const want = expected[environment];

    describe(`${environment} database`, () => {
      it("has a private IP only, on the platform VPC, with TLS required", async () => {
        const ip = inputs(single(await planned(environment), T.sqlInstance)).settings
          .ipConfiguration;
        expect(ip.ipv4Enabled).to.equal(false);
        expect(ip.privateNetwork).to.be.a("string").and.not.equal("");
        expect(ip.sslMode).to.be.oneOf(["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]);
        expect(ip.authorizedNetworks ?? []).to.deep.equal([]);
      });

      it("is encrypted with a key from the vault's key ring", async () => {
        const result = await planned(environment);
        const instance = inputs(single(result, T.sqlInstance));
        const keyIds = ofType(result, T.cryptoKey).map(
          (key) => `${inputs(key).keyRing}/cryptoKeys/${inputs(key).name}`,
        );
        expect(keyIds).to.include(instance.encryptionKeyName);
      });

      it("keeps daily backups with point-in-time recovery", async () => {
        const backup = inputs(single(await planned(environment), T.sqlInstance)).settings
          .backupConfiguration;
        expect(backup.enabled).to.equal(true);
        expect(backup.pointInTimeRecoveryEnabled).to.equal(true);
        expect(backup.transactionLogRetentionDays).to.be.within(1, 7);
        expect(backup.backupRetentionSettings.retainedBackups).to.be.at.least(7);
        expect(backup.location).to.equal(want.backupLocation);
      });

      it(`is ${want.availability} and deletion protection is ${want.deletionProtection} on both levels`, async () => {
        const record = single(await planned(environment), T.sqlInstance);
        const instance = inputs(record);
        expect(instance.settings.availabilityType).to.equal(want.availability);
        // Explicit in both environments: the provider's default would block a staging destroy.
        expect(instance.deletionProtection).to.equal(want.deletionProtection);
        expect(instance.settings.deletionProtectionEnabled).to.equal(want.deletionProtection);
        expect(record.protect).to.equal(want.protect);
        expect(record.retainOnDelete).to.equal(want.protect);
      });

      it("sends the admin password to the engine only as a secret", async () => {
        const result = await planned(environment);
        expect(isSecretValue(single(result, T.sqlUser).inputs.password)).to.equal(true);
        for (const version of ofType(result, T.secretVersion)) {
          expect(isSecretValue(version.inputs.secretData), version.urn).to.equal(true);
        }
      });
    });

    describe(`${environment} cluster`, () => {
      it("has private nodes, a private endpoint and no public authorised networks", async () => {
        const cluster = inputs(single(await planned(environment), T.cluster));
        expect(cluster.privateClusterConfig.enablePrivateNodes).to.equal(true);
        expect(cluster.privateClusterConfig.enablePrivateEndpoint).to.equal(true);
        for (const block of cluster.masterAuthorizedNetworksConfig.cidrBlocks) {
          expect(block.cidrBlock).to.match(/^10\./);
        }
        expect(cluster.masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled).to.equal(false);
      });

      it("encrypts Kubernetes secrets with KMS and enables Workload Identity and Shielded Nodes", async () => {
        const cluster = inputs(single(await planned(environment), T.cluster));
        expect(cluster.databaseEncryption.state).to.equal("ENCRYPTED");
        expect(cluster.databaseEncryption.keyName).to.match(/\/cryptoKeys\//);
        expect(cluster.workloadIdentityConfig.workloadPool).to.equal(
          "rag-test-project.svc.id.goog",
        );
        expect(cluster.enableShieldedNodes).to.equal(true);
        expect(cluster.releaseChannel.channel).to.equal("REGULAR");
        expect(cluster.loggingConfig.enableComponents).to.include.members([
          "APISERVER",
          "WORKLOADS",
        ]);
        expect(cluster.monitoringConfig.managedPrometheus.enabled).to.equal(true);
      });

      it(`sets GKE deletion protection explicitly to ${want.deletionProtection}`, async () => {
        expect(inputs(single(await planned(environment), T.cluster)).deletionProtection).to.equal(
          want.deletionProtection,
        );
      });

      it("runs an autoscaling pool across three zones on hardened nodes", async () => {
        const result = await planned(environment);
        const pool = inputs(single(result, T.nodePool));
        expect(pool.nodeLocations).to.have.length(3);
        expect(pool.autoscaling.minNodeCount).to.equal(result.loaded.settings.cluster.nodeMinCount);
        expect(pool.autoscaling.maxNodeCount).to.equal(result.loaded.settings.cluster.nodeMaxCount);
        expect(pool.nodeConfig.shieldedInstanceConfig.enableSecureBoot).to.equal(true);
        expect(pool.nodeConfig.workloadMetadataConfig.mode).to.equal("GKE_METADATA");
        expect(pool.nodeConfig.serviceAccount).to.not.match(/-compute@developer/);
        expect(inputs(single(result, T.cluster)).removeDefaultNodePool).to.equal(true);
      });

      it("builds the Kubernetes provider from a secret kubeconfig that logs in without a prompt", async () => {
        const provider = single(await planned(environment), T.k8sProvider);
        expect(isSecretValue(provider.inputs.kubeconfig)).to.equal(true);
        const kubeconfig = JSON.parse(inputs(provider).kubeconfig);
        const exec = kubeconfig.users[0].user.exec;
        expect(exec.command).to.equal("gke-gcloud-auth-plugin");
        expect(exec.args).to.include("--use_application_default_credentials");
        expect(exec.interactiveMode).to.equal("Never");
      });

      it("binds the workload's Kubernetes service account to its Google service account", async () => {
        const binding = inputs(single(await planned(environment), T.saMember));
        expect(binding.role).to.equal("roles/iam.workloadIdentityUser");
        expect(binding.member).to.equal("serviceAccount:rag-test-project.svc.id.goog[rag/rag-api]");
      });
    });

    describe(`${environment} vault`, () => {
      it("encrypts every secret with a customer-managed key in the region and schedules rotation", async () => {
        const result = await planned(environment);
        const secrets = ofType(result, T.secret).map(inputs);
        expect(secrets).to.not.be.empty;
        for (const secret of secrets) {
          const [replica] = secret.replication.userManaged.replicas;
          expect(replica.location).to.equal("europe-west4");
          expect(replica.customerManagedEncryption.kmsKeyName).to.match(/\/cryptoKeys\//);
          expect(secret.rotation.rotationPeriod).to.equal(`${30 * 86400}s`);
          expect(secret.topics).to.have.length(1);
          expect(secret.deletionProtection).to.equal(want.deletionProtection);
        }
      });

      it("grants the workload read access to exactly the platform's credentials", async () => {
        const result = await planned(environment);
        const readers = ofType(result, T.secretReader).map(inputs);
        expect(readers.map((r) => r.role)).to.deep.equal(["roles/secretmanager.secretAccessor"]);
        expect(readers[0].secretId).to.match(/database-credentials$/);
        expect(readers[0].member).to.match(/^serviceAccount:.*rag-api.*@rag-test-project\.iam/);
      });

      it("audit-logs every read of a secret", async () => {
        const audits = ofType(await planned(environment), T.auditConfig).map(inputs);
        const secretManager = audits.find(
          (audit) => audit.service === "secretmanager.googleapis.com",
        );
        expect(
          secretManager?.auditLogConfigs.map((c: { logType: string }) => c.logType),
        ).to.include("DATA_READ");
      });

      it("rotates keys on the configured period and lets only service agents use them", async () => {
        const result = await planned(environment);
        const days = result.loaded.settings.vault.keyRotationDays;
        for (const key of ofType(result, T.cryptoKey)) {
          expect(inputs(key).rotationPeriod).to.equal(`${days * 86400}s`);
          expect(key.protect).to.equal(want.protect);
        }
        for (const grant of ofType(result, T.keyMember).map(inputs)) {
          expect(grant.role).to.equal("roles/cloudkms.cryptoKeyEncrypterDecrypter");
          expect(grant.member).to.match(/^serviceAccount:service-123456789012@/);
        }
      });
    });

    describe(`${environment} protection and alerts`, () => {
      it(`gives every stateful resource protect=${want.protect}`, async () => {
        const result = await planned(environment);
        const stateful = result.recording.resources.filter((r) =>
          gcpRules.statefulTypes.includes(r.type),
        );
        expect(stateful.length).to.be.greaterThan(5);
        for (const resource of stateful) {
          expect(resource.protect, resource.urn).to.equal(want.protect);
          if (environment === "production")
            expect(resource.retainOnDelete, resource.urn).to.equal(true);
        }
      });

      it("registers every required signal, each detecting within five minutes", async () => {
        const result = await planned(environment);
        const alerts = result.recording.outputs.alerts as Array<{
          signal: string;
          detectionSeconds: number;
        }>;
        const signals = alerts.map((alert) => alert.signal);
        expect(signals).to.include.members([
          "database-cpu",
          "database-storage",
          "database-connections",
          "cluster-node-health",
          "cluster-api-5xx",
        ]);
        // Cloud SQL HA has no lag metric; the standby's readiness stands in, only when HA is on.
        expect(signals.includes("database-replica-lag")).to.equal(environment === "production");
        for (const alert of alerts)
          expect(alert.detectionSeconds).to.be.at.most(maxDetectionSeconds);
      });

      it("passes every mandatory policy of the plan", async () => {
        const mandatory = (await planned(environment)).violations.filter(
          (v) => v.level === "mandatory",
        );
        expect(mandatory, JSON.stringify(mandatory, null, 2)).to.deep.equal([]);
      });
    });

    describe(`${environment} managed vector store`, () => {
      const managed = () => planned(environment, { "rag:vectorStoreEngine": "managed" });

      it("encrypts the Vertex AI index with a vault key and serves it only on the VPC", async () => {
        const result = await managed();
        const index = single(result, T.index);
        expect(inputs(index).encryptionSpec.kmsKeyName).to.match(/\/cryptoKeys\//);
        expect(inputs(index).metadata.config.dimensions).to.equal(1536);
        expect(index.protect).to.equal(want.protect);
        const endpoint = inputs(single(result, T.indexEndpoint));
        expect(endpoint.publicEndpointEnabled).to.equal(false);
        expect(endpoint.network).to.match(/^projects\/123456789012\/global\/networks\//);
        expect(ofType(result, T.deployedIndex)).to.have.length(1);
      });

      it("lets the workload query Vertex AI and alerts on a serving outage", async () => {
        const result = await managed();
        const members = ofType(result, T.projectMember).map(inputs);
        expect(members.find((m) => m.role === "roles/aiplatform.user")?.member).to.match(/rag-api/);
        const alerts = result.recording.outputs.alerts as Array<{ signal: string }>;
        expect(alerts.map((a) => a.signal)).to.include("vector-store-errors");
      });
    });
  }

  describe("with a long stack name", () => {
    it("keeps every physical name within GCP's limits", async () => {
      const longStack = "a-very-long-stack-name-for-the-eu-production-environment-2025";
      const result = await plan(configFor("gcp", "production"), longStack);
      const gke = inputs(single(result, T.cluster));
      expect(gke.name.length).to.be.at.most(gcpNameRules.gkeCluster.maxLength);
      for (const account of ofType(result, "gcp:serviceaccount/account:Account").map(inputs)) {
        expect(account.accountId).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
      }
      const instance = inputs(single(result, T.sqlInstance));
      expect(instance.name.length).to.be.at.most(gcpNameRules.sqlInstance.maxLength);
      for (const resource of result.recording.resources) {
        // On notification channels `labels` is the channel's configuration (the e-mail address);
        // resource labels are `userLabels` there.
        const labels = (inputs(resource).userLabels ?? inputs(resource).labels) as
          Record<string, string> | undefined;
        if (resource.type === T.secret || labels === undefined || typeof labels !== "object")
          continue;
        for (const [key, value] of Object.entries(labels)) {
          expect(key, resource.urn).to.match(/^[a-z][a-z0-9_-]{0,62}$/);
          if (typeof value === "string") expect(value, resource.urn).to.match(/^[a-z0-9_-]{0,63}$/);
        }
      }
    });
  });
});

describe("GCP backend decisions", () => {
  it("carves pods, private services, nodes and services from the platform block without overlap", () => {
    expect(subnetPlan("10.40.0.0/16")).to.deep.equal({
      pods: "10.40.0.0/17",
      privateServices: { address: "10.40.128.0", prefixLength: 18 },
      nodes: "10.40.192.0/20",
      services: "10.40.208.0/20",
    });
    expect(subnetPlan("172.16.16.0/20").nodes).to.equal("172.16.28.0/24");
  });

  const backups = [
    { days: 7, logDays: 7, retained: 7 },
    { days: 35, logDays: 7, retained: 35 },
  ];
  for (const { days, logDays, retained } of backups) {
    it(`keeps ${retained} backups and ${logDays} days of PITR logs for backupRetentionDays=${days}`, () => {
      const config = backupConfiguration({
        engineVersion: 16,
        size: "small",
        storageGb: 20,
        highAvailability: false,
        backupRetentionDays: days,
        crossRegionBackup: false,
      });
      expect(config.transactionLogRetentionDays).to.equal(logDays);
      expect(config.backupRetentionSettings.retainedBackups).to.equal(retained);
      expect(config.location).to.equal(undefined);
    });
  }

  it("derives max_connections from the tier's memory within Cloud SQL's bounds", () => {
    expect(maxConnections("db-custom-2-8192")).to.equal(200);
    expect(maxConnections("db-custom-96-638976")).to.equal(1000);
    expect(maxConnections("db-f1-micro")).to.equal(100);
  });

  it("turns tags into valid lower-case labels", () => {
    expect(gcpLabels({ Owner: "Team Platform", "cost-center": "CC.42" })).to.deep.equal({
      owner: "team-platform",
      "cost-center": "cc-42",
    });
  });

  it("refuses a region with fewer than three zones, naming the region and the count", () => {
    expect(() => pickZones(["x1-a", "x1-b"], "x1")).to.throw(/needs 3 zones.*region x1 .* 2 zone/);
    expect(pickZones(["x1-c", "x1-a", "x1-d", "x1-b"], "x1")).to.deep.equal([
      "x1-a",
      "x1-b",
      "x1-c",
    ]);
  });

  it("schedules the first secret rotation one period after creation", () => {
    const schedule = secretRotation(30, new Date("2025-01-01T00:00:00Z"));
    expect(schedule).to.deep.equal({
      rotationPeriod: "2592000s",
      nextRotationTime: "2025-01-31T00:00:00.000Z",
    });
  });
});

describe("GCP configuration rules", () => {
  it("refuses an Enterprise Plus tier, which the Enterprise-edition instance cannot use", async () => {
    const overrides = { "rag:databaseInstanceType": "db-perf-optimized-N-4" };
    const failure = await plan(configFor("gcp", "staging", overrides)).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).to.match(
      /`rag:databaseInstanceType`: expected a Cloud SQL Enterprise-edition tier/,
    );
  });
});
