import { expect } from "chai";
import { readFileSync } from "node:fs";
import { cloudRules } from "../../providers";
import { alertSignals, maxDetectionSeconds } from "../../src/contracts/common";
import type { Cloud, Environment } from "../../src/config/settings";
import { blind } from "../../src/plan/wire";
import { profiles } from "../../stacks";
import { configFor, inputs, plan, type PlanResult } from "../harness";
import { adapters } from "./adapters";

const clouds: Cloud[] = ["aws", "gcp", "azure"];
const environments: Environment[] = ["staging", "production"];

/** Where an SDK keeps a resource type's args, to tell whether the type takes tags or labels. */
function argsDeclaration(type: string): string | undefined {
  const [pkg, module, className] = type.split(":");
  if (className === undefined || type.startsWith("pulumi:")) return undefined;
  const root = `node_modules/@pulumi/${pkg}`;
  const file =
    pkg === "azure-native"
      ? `${root}/${module}/${className[0].toLowerCase()}${className.slice(1)}.d.ts`
      : `${root}/${module.split("/")[0] === "index" ? "" : `${module.split("/")[0]}/`}${module.split("/")[1]}.d.ts`;
  try {
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(`export interface ${className}Args {`);
    if (start < 0) return undefined;
    return text.slice(start, text.indexOf("\n}", start));
  } catch {
    return undefined;
  }
}

function takesTags(type: string, properties: string[]): string | undefined {
  const declaration = argsDeclaration(type);
  if (declaration === undefined) return undefined;
  return properties.find((property) => new RegExp(`\\n\\s+${property}\\?:`).test(declaration));
}

/** Signals every backend must alert on in an environment. */
function requiredSignals(environment: Environment): string[] {
  const always = [
    "database-cpu",
    "database-storage",
    "database-connections",
    "cluster-node-health",
    "cluster-api-5xx",
  ];
  return environment === "production" ? [...always, "database-replica-lag"] : always;
}

for (const cloud of clouds) {
  for (const environment of environments) {
    describe(`conformance: ${cloud} ${environment}`, () => {
      const adapter = adapters[cloud];
      const profile = profiles[environment];
      let result: PlanResult;

      before(async () => {
        result = await plan(
          configFor(cloud, environment, { "rag:owner": "platform-team" }),
          environment,
        );
      });

      it("publishes every contract output", () => {
        const outputs = blind(result.recording.outputs) as Record<string, any>;
        for (const key of [
          "clusterName",
          "databaseHost",
          "databasePort",
          "databaseName",
          "vaultId",
          "workloadIdentity",
        ]) {
          expect(outputs[key], key).to.not.be.oneOf([undefined, null, ""]);
        }
        expect(outputs.kubeconfig).to.equal("[secret]");
        expect(outputs.vectorStore).to.include.keys(
          "engine",
          "endpoint",
          "indexName",
          "dimensions",
          "credentialsSecret",
        );
        expect(outputs.vectorStore.dimensions).to.equal(profile.vectorStore.dimensions);
      });

      it("encrypts the database, the cluster's secrets and the vault with customer-managed keys", () => {
        for (const db of adapter.databases(result)) {
          expect(adapter.databaseEncryptedWithCustomerKey(inputs(db)), db.urn).to.equal(true);
        }
        expect(
          adapter.clusterSecretsEncryptedWithCustomerKey(inputs(adapter.cluster(result))),
        ).to.equal(true);
        const vault = adapter.vaultSecretsEncrypted(result);
        expect(vault.length, "vault secrets found").to.be.greaterThan(0);
        expect(vault.every(Boolean)).to.equal(true);
      });

      it("leaves nothing public: database without a public address, private Kubernetes API", () => {
        for (const db of adapter.databases(result)) {
          expect(adapter.databasePubliclyReachable(inputs(db)), db.urn).to.equal(false);
        }
        expect(adapter.clusterApiPublic(inputs(adapter.cluster(result)))).to.equal(false);
      });

      it("enforces TLS on database connections", () => {
        const [primary] = adapter.databases(result);
        expect(adapter.databaseRequiresTls(result, inputs(primary))).to.equal(true);
      });

      it(`keeps ${profile.database.backupRetentionDays} days of backups with point-in-time recovery`, () => {
        const [primary] = adapter.databases(result);
        expect(adapter.databaseBackups(inputs(primary))).to.deep.equal({
          retentionDays: profile.database.backupRetentionDays,
          pointInTime: true,
        });
      });

      it(`${profile.database.highAvailability ? "runs" : "does not run"} a zone-redundant database`, () => {
        const [primary] = adapter.databases(result);
        expect(adapter.databaseZoneRedundant(inputs(primary))).to.equal(
          profile.database.highAvailability,
        );
      });

      if (environment === "production") {
        it("protects every stateful resource with protect and retainOnDelete, and the database provider-side", () => {
          const stateful = result.recording.resources.filter((r) =>
            cloudRules[cloud].statefulTypes.includes(r.type),
          );
          expect(stateful.length).to.be.greaterThan(0);
          for (const resource of stateful) {
            expect([resource.protect, resource.retainOnDelete], resource.urn).to.deep.equal([
              true,
              true,
            ]);
          }
          const [primary] = adapter.databases(result);
          expect(adapter.databaseDeletionProtected(result, primary)).to.equal(true);
        });
      } else {
        it("stays destroyable: nothing protected, no provider-side deletion protection on the database", () => {
          const protectedUrns = result.recording.resources
            .filter((r) => r.protect)
            .map((r) => r.urn);
          expect(protectedUrns).to.deep.equal([]);
          const [primary] = adapter.databases(result);
          expect(adapter.databaseDeletionProtected(result, primary)).to.equal(false);
        });
      }

      it("alerts on the same signals as every other cloud, each within five minutes", () => {
        const alerts = result.recording.outputs.alerts as Array<{
          signal: string;
          detectionSeconds: number;
        }>;
        const signals = new Set(alerts.map((a) => a.signal));
        for (const signal of requiredSignals(environment))
          expect(signals.has(signal), signal).to.equal(true);
        for (const alert of alerts) {
          expect(alertSignals as readonly string[]).to.include(alert.signal);
          expect(alert.detectionSeconds, alert.signal).to.be.at.most(maxDetectionSeconds);
        }
      });

      it(`keeps logs for ${profile.monitoring.logRetentionDays} days`, () => {
        const retention = adapter.logRetentionDays(result);
        expect(retention.length).to.be.greaterThan(0);
        for (const days of retention) expect(days).to.equal(profile.monitoring.logRetentionDays);
      });

      it("tags or labels everything taggable with the platform's tag set", () => {
        const untagged: string[] = [];
        for (const resource of result.recording.resources.filter((r) => r.custom)) {
          const property = takesTags(resource.type, adapter.tagProperties);
          if (property === undefined) continue;
          const tags = inputs(resource)[property] ?? {};
          if (tags.environment !== environment || tags["managed-by"] !== "pulumi") {
            untagged.push(`${resource.type} ${resource.name} (${property})`);
          }
        }
        expect(untagged).to.deep.equal([]);
      });
    });
  }
}
