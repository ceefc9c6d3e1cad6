import { expect } from "chai";
import { stringify } from "yaml";
import { cloudRules } from "../providers";
import { metricDetectionSeconds, logDetectionSeconds } from "../providers/azure/alerts";
import { nonInteractiveKubeconfig } from "../providers/azure/cluster";
import { flexibleServerStorageGb } from "../providers/azure/database";
import { azureName, azureNameRules } from "../providers/azure/naming";
import { subnetLayout } from "../providers/azure/network";
import { azureFixtures } from "../providers/azure/fixtures";
import { cidrsOverlap } from "../providers/azure/rules";
import { ConfigError } from "../src/config/issues";
import { loadConfig } from "../src/config/load";
import { maxDetectionSeconds } from "../src/contracts/common";
import { Naming } from "../src/naming";
import { isSecretValue } from "../src/plan/wire";
import { parseStackFile } from "../src/plan/stackFile";
import {
  configFor,
  inputs,
  ofType,
  plan,
  single,
  type PlanResult,
  type RecordedResource,
  type StackConfig,
} from "./harness";

type Environment = "staging" | "production";
const environments: Environment[] = ["staging", "production"];

const t = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  secret: "azure-native:keyvault:Secret",
  server: "azure-native:dbforpostgresql:Server",
  configuration: "azure-native:dbforpostgresql:Configuration",
  cluster: "azure-native:containerservice:ManagedCluster",
  lock: "azure-native:authorization:ManagementLockByScope",
  role: "azure-native:authorization:RoleAssignment",
  metricAlert: "azure-native:monitor:MetricAlert",
  logAlert: "azure-native:monitor:ScheduledQueryRule",
  diagnostic: "azure-native:monitor:DiagnosticSetting",
  search: "azure-native:search:Service",
  workspace: "azure-native:operationalinsights:Workspace",
  k8sProvider: "pulumi:providers:kubernetes",
};

const plans = new Map<string, PlanResult>();

/** Plans each distinct config once; the plans are slow and the assertions only read them. */
async function planned(environment: Environment, overrides: StackConfig = {}): Promise<PlanResult> {
  const key = `${environment}:${JSON.stringify(overrides)}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const result = await plan(configFor("azure", environment, overrides), environment);
  plans.set(key, result);
  return result;
}

function wire(resource: RecordedResource, property: string): unknown {
  return resource.inputs[property];
}

function configurationValue(result: PlanResult, parameter: string): unknown {
  const found = ofType(result, t.configuration).find(
    (c) => inputs(c).configurationName === parameter,
  );
  return found ? inputs(found).value : undefined;
}

describe("the Azure backend", () => {
  const protection = { staging: false, production: true };

  describe("Key Vault", () => {
    for (const environment of environments) {
      it(`authorizes with RBAC, keeps purge protection and refuses public access in ${environment}`, async () => {
        const vaults = ofType(await planned(environment), t.vault);
        expect(vaults).to.have.length(environment === "production" ? 2 : 1);
        for (const vault of vaults.map(inputs)) {
          expect(vault.properties.enableRbacAuthorization).to.equal(true);
          expect(vault.properties.enablePurgeProtection).to.equal(true);
          expect(vault.properties.enableSoftDelete).to.equal(true);
          expect(vault.properties.publicNetworkAccess).to.equal("Disabled");
          expect(vault.properties.networkAcls.defaultAction).to.equal("Deny");
          expect(vault.properties.accessPolicies ?? []).to.have.length(0);
        }
      });

      it(`rotates every key on the configured schedule in ${environment}`, async () => {
        const result = await planned(environment);
        const keys = ofType(result, t.key);
        const days = environment === "production" ? 90 : 365;
        expect(keys.length).to.be.greaterThan(0);
        for (const key of keys) {
          const actions = inputs(key).properties.rotationPolicy.lifetimeActions;
          expect(actions).to.deep.include({
            trigger: { timeAfterCreate: `P${days}D` },
            action: { type: "rotate" },
          });
        }
      });

      it(`audits vault access to Log Analytics in ${environment}`, async () => {
        const result = await planned(environment);
        const audits = ofType(result, t.diagnostic).filter((d) =>
          (inputs(d).logs as { category?: string }[]).some((log) => log.category === "AuditEvent"),
        );
        expect(audits.length).to.be.greaterThan(0);
      });
    }

    it("grants the workload identity Key Vault Secrets User on each secret, never the vault", async () => {
      const result = await planned("production");
      const vaultUrns = ofType(result, t.vault).map((vault) => vault.urn);
      const secretReads = ofType(result, t.role).filter((r) =>
        String(inputs(r).roleDefinitionId).endsWith("4633458b-17de-408a-b874-0445c86b69e6"),
      );
      expect(secretReads).to.have.length(1);
      for (const grant of secretReads) {
        expect(String(inputs(grant).scope)).to.match(
          /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/secrets\/[^/]+$/,
        );
        for (const urn of vaultUrns)
          expect(grant.propertyDependencies.scope ?? []).to.not.include(urn);
        expect(inputs(grant).principalType).to.equal("ServicePrincipal");
      }
    });

    it("names vaults within 3-24 characters, starting with a letter, even for a very long stack", () => {
      const naming = new Naming("rag", "a-very-long-production-stack-name-for-europe-west-2025");
      for (const role of ["kv", "geo-kv"]) {
        const name = azureName(naming, role, "keyVault");
        expect(name).to.match(/^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
        expect(name).to.not.include("--");
      }
      expect(azureName(naming, "kv", "keyVault")).to.not.equal(
        azureName(naming, "geo-kv", "keyVault"),
      );
      const server = azureName(naming, "db", "postgresServer");
      expect(server.length).to.be.within(3, azureNameRules.postgresServer.maxLength);
      expect(server).to.match(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    });
  });

  describe("PostgreSQL", () => {
    for (const environment of environments) {
      it(`is reachable only inside the VNet in ${environment}`, async () => {
        const server = inputs(single(await planned(environment), t.server));
        expect(server.network.publicNetworkAccess).to.equal("Disabled");
        expect(server.network.delegatedSubnetResourceId).to.match(/\/subnets\/database$/);
        expect(server.network.privateDnsZoneArmResourceId).to.match(
          /\.postgres\.database\.azure\.com$/,
        );
      });

      it(`encrypts with a customer-managed key through a user-assigned identity in ${environment}`, async () => {
        const server = inputs(single(await planned(environment), t.server));
        expect(server.dataEncryption.type).to.equal("AzureKeyVault");
        expect(server.dataEncryption.primaryKeyURI).to.match(
          /^https:\/\/.+\.vault\.azure\.net\/keys\//,
        );
        expect(server.identity.type).to.equal("UserAssigned");
        expect(Object.keys(server.identity.userAssignedIdentities)).to.include(
          server.dataEncryption.primaryUserAssignedIdentityId,
        );
      });

      it(`requires TLS and allow-lists pgvector in ${environment}`, async () => {
        const result = await planned(environment);
        expect(configurationValue(result, "require_secure_transport")).to.equal("on");
        expect(configurationValue(result, "azure.extensions")).to.equal("VECTOR");
      });

      it(`hands the engine the admin password only as a secret in ${environment}`, async () => {
        const server = single(await planned(environment), t.server);
        expect(isSecretValue(wire(server, "administratorLoginPassword"))).to.equal(true);
        for (const secret of ofType(await planned(environment), t.secret)) {
          expect(
            isSecretValue((secret.inputs.properties as Record<string, unknown>)?.value) ||
              isSecretValue(secret.inputs.properties),
          ).to.equal(true);
        }
      });

      it(`protects the server on both levels exactly when ${environment} asks`, async () => {
        const result = await planned(environment);
        const server = single(result, t.server);
        expect(server.protect).to.equal(protection[environment]);
        expect(server.retainOnDelete).to.equal(protection[environment]);
        const locks = ofType(result, t.lock).filter((l) =>
          l.propertyDependencies.scope?.includes(server.urn),
        );
        expect(locks).to.have.length(protection[environment] ? 1 : 0);
      });
    }

    it("runs a zone-redundant standby and geo-redundant backups with a paired-region key in production", async () => {
      const server = inputs(single(await planned("production"), t.server));
      expect(server.highAvailability.mode).to.equal("ZoneRedundant");
      expect(server.backup.geoRedundantBackup).to.equal("Enabled");
      expect(server.backup.backupRetentionDays).to.equal(35);
      expect(server.dataEncryption.geoBackupKeyURI).to.match(
        /^https:\/\/.+\.vault\.azure\.net\/keys\//,
      );
      expect(server.dataEncryption.geoBackupKeyURI).to.not.equal(
        server.dataEncryption.primaryKeyURI,
      );
      const geoVault = ofType(await planned("production"), t.vault).find(
        (v) => inputs(v).location === "northeurope",
      );
      expect(geoVault, "a vault in the paired region").to.not.equal(undefined);
    });

    it("stays single-zone, local-backup and lock-free in staging", async () => {
      const result = await planned("staging");
      const server = inputs(single(result, t.server));
      expect(server.highAvailability.mode).to.equal("Disabled");
      expect(server.backup.geoRedundantBackup).to.equal("Disabled");
      expect(ofType(result, t.lock)).to.have.length(0);
      for (const type of [t.server, t.vault, t.key, t.secret, t.workspace]) {
        for (const resource of ofType(result, type)) {
          expect(resource.protect, resource.urn).to.equal(false);
          expect(resource.retainOnDelete, resource.urn).to.equal(false);
        }
      }
    });

    it("rounds storage up to a size Flexible Server offers", () => {
      expect([20, 32, 100, 129].map(flexibleServerStorageGb)).to.deep.equal([32, 32, 128, 256]);
    });
  });

  describe("AKS", () => {
    for (const environment of environments) {
      it(`signs in through Entra ID only, with Azure RBAC, in ${environment}`, async () => {
        const cluster = inputs(single(await planned(environment), t.cluster));
        expect(cluster.disableLocalAccounts).to.equal(true);
        expect(cluster.aadProfile).to.include({ managed: true, enableAzureRBAC: true });
        expect(cluster.enableRBAC).to.equal(true);
      });

      it(`encrypts etcd with a key in the private vault and federates workloads in ${environment}`, async () => {
        const cluster = inputs(single(await planned(environment), t.cluster));
        expect(cluster.securityProfile.azureKeyVaultKms).to.include({
          enabled: true,
          keyVaultNetworkAccess: "Private",
        });
        expect(cluster.securityProfile.azureKeyVaultKms.keyId).to.match(
          /\/keys\/aks-etcd\/[0-9a-f]+$/,
        );
        expect(cluster.apiServerAccessProfile.enableVnetIntegration).to.equal(true);
        expect(cluster.securityProfile.workloadIdentity.enabled).to.equal(true);
        expect(cluster.oidcIssuerProfile.enabled).to.equal(true);
        expect(cluster.identity.type).to.equal("UserAssigned");
      });

      it(`spreads nodes across three zones behind the NAT gateway with a private API in ${environment}`, async () => {
        const cluster = inputs(single(await planned(environment), t.cluster));
        expect(cluster.agentPoolProfiles[0].availabilityZones).to.deep.equal(["1", "2", "3"]);
        expect(cluster.agentPoolProfiles[0].enableNodePublicIP).to.equal(false);
        expect(cluster.networkProfile.outboundType).to.equal("userAssignedNATGateway");
        expect(cluster.apiServerAccessProfile.enablePrivateCluster).to.equal(true);
        expect(cluster.addonProfiles.azurepolicy.enabled).to.equal(true);
        expect(cluster.addonProfiles.omsagent.enabled).to.equal(true);
      });

      it(`sends control-plane audit logs to Log Analytics in ${environment}`, async () => {
        const result = await planned(environment);
        const cluster = single(result, t.cluster);
        const audit = ofType(result, t.diagnostic).find((d) =>
          d.propertyDependencies.resourceUri?.includes(cluster.urn),
        );
        expect(audit, "a diagnostic setting on the cluster").to.not.equal(undefined);
        expect((inputs(audit!).logs as { category: string }[]).map((l) => l.category)).to.include(
          "kube-audit",
        );
      });

      it(`builds the Kubernetes provider from a secret, non-interactive kubeconfig in ${environment}`, async () => {
        const provider = single(await planned(environment), t.k8sProvider);
        expect(isSecretValue(wire(provider, "kubeconfig"))).to.equal(true);
        const kubeconfig = String(inputs(provider).kubeconfig);
        expect(kubeconfig).to.include("azurecli");
        expect(kubeconfig).to.include("interactiveMode: Never");
        expect(kubeconfig).to.not.include("devicecode");
      });

      it(`enables the application routing add-on that serves the Ingress's class in ${environment}`, async () => {
        const result = await planned(environment);
        const routing = inputs(single(result, t.cluster)).ingressProfile?.webAppRouting;
        expect(routing?.enabled).to.equal(true);
        expect(routing?.nginx?.defaultIngressControllerType).to.equal("External");
        // The class the add-on's default NGINX controller registers.
        const ingress = inputs(single(result, "kubernetes:networking.k8s.io/v1:Ingress"));
        expect(ingress.spec.ingressClassName).to.equal("webapprouting.kubernetes.azure.com");
      });
    }

    it("answers only authorised networks when the API endpoint is restricted", async () => {
      const result = await planned("staging", {
        "rag:clusterEndpointAccess": "restricted",
        "rag:clusterAuthorizedNetworks": ["203.0.113.0/24"],
      });
      const cluster = inputs(single(result, t.cluster));
      expect(cluster.apiServerAccessProfile.enablePrivateCluster).to.equal(false);
      expect(cluster.apiServerAccessProfile.authorizedIPRanges).to.deep.equal(["203.0.113.0/24"]);
    });

    it("rewrites every kubeconfig user to a kubelogin exec that never prompts", () => {
      const original = stringify({
        users: [
          {
            name: "u",
            user: { exec: { command: "kubelogin", args: ["get-token", "--login", "devicecode"] } },
          },
        ],
      });
      const rewritten = nonInteractiveKubeconfig(original);
      expect(rewritten).to.include("azurecli").and.to.not.include("devicecode");
    });
  });

  describe("alerts", () => {
    const required = [
      "database-cpu",
      "database-storage",
      "database-connections",
      "cluster-node-health",
      "cluster-api-5xx",
    ];

    it("detects every outage within the platform's bound", () => {
      expect(metricDetectionSeconds()).to.be.at.most(maxDetectionSeconds);
      expect(logDetectionSeconds()).to.be.at.most(maxDetectionSeconds);
    });

    for (const environment of environments) {
      it(`evaluates every alert each minute over at most five minutes in ${environment}`, async () => {
        const result = await planned(environment);
        const names = [...ofType(result, t.metricAlert), ...ofType(result, t.logAlert)].map(
          (a) => inputs(a).criteria.allOf[0].name ?? "log",
        );
        for (const signal of required.filter((s) => s !== "cluster-api-5xx"))
          expect(names).to.include(signal);
        expect(ofType(result, t.logAlert)).to.have.length(1);
        for (const alert of [...ofType(result, t.metricAlert), ...ofType(result, t.logAlert)]) {
          expect(inputs(alert).evaluationFrequency).to.equal("PT1M");
          expect(["PT1M", "PT5M"]).to.include(inputs(alert).windowSize);
        }
      });
    }

    it("alerts on replica lag only where a replica exists (production HA)", async () => {
      const lagAlerts = async (environment: Environment) =>
        ofType(await planned(environment), t.metricAlert).filter(
          (a) => inputs(a).criteria.allOf[0].name === "database-replica-lag",
        );
      expect(await lagAlerts("production")).to.have.length(1);
      expect(await lagAlerts("staging")).to.have.length(0);
    });
  });

  describe("managed vector store (Azure AI Search)", () => {
    for (const environment of environments) {
      it(`accepts only Entra ID over a private endpoint in ${environment}`, async () => {
        const result = await planned(environment, { "rag:vectorStoreEngine": "managed" });
        const service = single(result, t.search);
        expect(inputs(service)).to.include({
          disableLocalAuth: true,
          publicNetworkAccess: "Disabled",
        });
        expect(inputs(service).replicaCount).to.equal(environment === "production" ? 2 : 1);
        expect(service.protect).to.equal(protection[environment]);
        const dataRoles = ofType(result, t.role).filter((r) =>
          String(inputs(r).roleDefinitionId).endsWith("8ebe5a00-799e-43f5-93ac-243d3dce84a7"),
        );
        expect(dataRoles).to.have.length(1);
        const alerts = ofType(result, t.metricAlert).map((a) => inputs(a).criteria.allOf[0].name);
        expect(alerts).to.include("vector-store-errors");
      });
    }
  });

  describe("configuration checks", () => {
    const load = (config: StackConfig) =>
      loadConfig(
        parseStackFile(stringify({ config }), "rag", "Pulumi.test.yaml"),
        "Pulumi.test.yaml",
        (c) => cloudRules[c],
      );
    const cases: { what: string; overrides: StackConfig; key: string }[] = [
      {
        what: "a zone-redundant standby on a Burstable SKU",
        overrides: { "rag:databaseHighAvailability": true },
        key: "rag:databaseHighAvailability",
      },
      {
        what: "a network too small for the subnets",
        overrides: { "rag:networkCidr": "10.0.0.0/24" },
        key: "rag:networkCidr",
      },
      {
        what: "a network overlapping the pod range",
        overrides: { "rag:networkCidr": "192.168.0.0/16" },
        key: "rag:networkCidr",
      },
      {
        what: "a backup region Azure does not pair with the stack's",
        overrides: { "rag:crossRegionBackup": true, "rag:backupRegion": "eastus" },
        key: "rag:backupRegion",
      },
    ];
    for (const { what, overrides, key } of cases) {
      it(`rejects ${what}, naming \`${key}\``, () => {
        let error: unknown;
        try {
          load(configFor("azure", "staging", overrides));
        } catch (caught) {
          error = caught;
        }
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).issues.map((i) => i.key)).to.include(key);
      });
    }

    it("carves non-overlapping subnets from the VNet", () => {
      const layout = subnetLayout("10.40.0.0/16");
      const blocks = Object.values(layout);
      for (const [i, a] of blocks.entries()) {
        expect(cidrsOverlap(a, "10.40.0.0/16")).to.equal(true);
        for (const b of blocks.slice(i + 1))
          expect(cidrsOverlap(a, b), `${a} ${b}`).to.equal(false);
      }
    });
  });

  describe("availability zones", () => {
    const load = (config: StackConfig) =>
      loadConfig(
        parseStackFile(stringify({ config }), "rag", "Pulumi.test.yaml"),
        "Pulumi.test.yaml",
        (c) => cloudRules[c],
      );
    const refused: Array<{ location: string; given: RegExp; hint: RegExp }> = [
      { location: "westus", given: /has no availability zones/, hint: /westus2 and westus3/ },
      {
        location: "northcentralus",
        given: /has no availability zones/,
        hint: /centralus and eastus2/,
      },
      { location: "ukwest", given: /has no availability zones/, hint: /uksouth/ },
      {
        location: "westeurop",
        given: /is not a known location with availability zones/,
        hint: /such as westeurope/,
      },
    ];
    for (const environment of environments) {
      for (const { location, given, hint } of refused) {
        it(`refuses ${location} in ${environment}: AKS spreads over zones 1-3 everywhere`, () => {
          let error: unknown;
          try {
            load(configFor("azure", environment, { "azure-native:location": location }));
          } catch (caught) {
            error = caught;
          }
          expect(error).to.be.instanceOf(ConfigError);
          const issue = (error as ConfigError).issues.find(
            (i) => i.key === "azure-native:location",
          );
          expect(issue?.expected).to.match(/a location with availability zones/);
          expect(issue?.given)
            .to.match(new RegExp(`^"${location}", `))
            .and.to.match(given);
          expect(issue?.hint).to.match(hint);
        });
      }
    }

    for (const location of ["westeurope", "westus3", "swedencentral", "japanwest"]) {
      it(`accepts ${location}, a location with zones`, () => {
        expect(
          load(configFor("azure", "staging", { "azure-native:location": location })).settings,
        ).to.have.property("region", location);
      });
    }
  });

  describe("offline answers", () => {
    const engines = ["qdrant", "managed"] as const;

    it("gives the snapshot container the storage account's physical name, not its logical one", async () => {
      const result = await planned("production", { "rag:vectorStoreEngine": "qdrant" });
      const account = single(result, "azure-native:storage:StorageAccount");
      const container = single(result, "azure-native:storage:BlobContainer");
      expect(inputs(account).accountName).to.match(/^[a-z0-9]{3,24}$/);
      expect(inputs(container).accountName).to.equal(inputs(account).accountName);
      expect(inputs(container).accountName).to.not.equal(account.name);
      const step = result.digest.steps.find((s) => s.urn === container.urn);
      expect(step?.newState.inputs.accountName).to.equal(inputs(account).accountName);
    });

    for (const engine of engines) {
      it(`gives every Azure resource an ARM id and its physical name with the ${engine} engine`, async () => {
        const result = await planned("production", { "rag:vectorStoreEngine": engine });
        const azure = result.recording.resources.filter((r) => r.type.startsWith("azure-native:"));
        expect(azure).to.not.be.empty;
        for (const resource of azure) {
          const id = azureFixtures.id!(resource.type, resource.name, inputs(resource));
          expect(id, resource.type).to.match(
            /^\/subscriptions\/[0-9a-f-]+(\/.*)?\/(resourceGroups|providers)\//,
          );
          expect(id, resource.type).to.not.contain("azure-native:");
          const outputs =
            azureFixtures.resourceOutputs[resource.type]?.(resource.name, inputs(resource)) ??
            azureFixtures.defaultOutputs!(resource.type, resource.name, inputs(resource));
          // The name Azure reports is one of the name inputs (its own; the others name parents),
          // never the logical name when a name input exists.
          const names = Object.entries(inputs(resource))
            .filter(([key]) => /Name$/.test(key) && key !== "resourceGroupName")
            .map(([, value]) => value);
          if (names.length > 0) expect(names, resource.type).to.include(outputs.name);
        }
      });
    }
  });
});
