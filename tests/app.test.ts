import { expect } from "chai";
import { cloudRules } from "../providers";
import { clusterAutoscalerChart } from "../providers/aws/clusterAutoscaler";
import { loadBalancerControllerChart } from "../providers/aws/loadBalancerController";
import { detectionSeconds, appAlerts } from "../src/app/alerts";
import { charts } from "../src/app/charts";
import { ConfigError } from "../src/config/issues";
import { loadConfig } from "../src/config/load";
import type { Cloud, Environment } from "../src/config/settings";
import { maxDetectionSeconds } from "../src/contracts/common";
import { parseStackFile } from "../src/plan/stackFile";
import { stringify } from "yaml";
import { profiles } from "../stacks";
import {
  configFor,
  inputs,
  ofType,
  plan,
  type PlanResult,
  type RecordedResource,
  type StackConfig,
} from "./harness";

const clouds: Cloud[] = ["aws", "gcp", "azure"];
const environments: Environment[] = ["staging", "production"];

/** The resource of `type` whose Kubernetes `metadata.name` is `name`. */
function named(result: PlanResult, type: string, name: string): RecordedResource {
  const found = ofType(result, type).filter((r) => inputs(r).metadata?.name === name);
  expect(found, `${type} ${name}`).to.have.length(1);
  return found[0];
}

function release(result: PlanResult, name: string): RecordedResource {
  const found = ofType(result, "kubernetes:helm.sh/v3:Release").filter(
    (r) => inputs(r).name === name,
  );
  expect(found, `Helm release ${name}`).to.have.length(1);
  return found[0];
}

const policy = (result: PlanResult, name: string) =>
  inputs(named(result, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name)).spec;

for (const cloud of clouds) {
  for (const environment of environments) {
    describe(`application layer: ${cloud} ${environment}`, () => {
      const app = profiles[environment].app;
      let result: PlanResult;
      before(async () => {
        result = await plan(configFor(cloud, environment), environment);
      });

      it("declares every Kubernetes object through the cluster's own provider", () => {
        const [provider] = ofType(result, "pulumi:providers:kubernetes");
        const objects = result.recording.resources.filter((r) => r.type.startsWith("kubernetes:"));
        expect(objects.length).to.be.greaterThan(15);
        for (const object of objects) {
          expect(object.provider.startsWith(`${provider.urn}::`), object.urn).to.equal(true);
        }
      });

      it("runs blue and green from their configured images, non-root, probed and sized", () => {
        for (const color of ["blue", "green"] as const) {
          const spec = inputs(
            named(result, "kubernetes:apps/v1:Deployment", `rag-api-${color}`),
          ).spec;
          const pod = spec.template.spec;
          const [container] = pod.containers;
          expect(container.image).to.equal(color === "blue" ? app.blueImage : app.greenImage);
          expect(pod.securityContext.runAsNonRoot).to.equal(true);
          expect(container.securityContext).to.deep.include({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          });
          expect(container.readinessProbe.httpGet.path).to.equal("/readyz");
          expect(container.livenessProbe.httpGet.path).to.equal("/healthz");
          expect(container.resources.requests.cpu).to.equal(`${app.cpuMillicores}m`);
          expect(container.resources.limits.memory).to.equal(`${app.memoryMib}Mi`);
          expect(pod.serviceAccountName).to.equal("rag-api");
          expect(spec.replicas, "the autoscaler owns the count").to.equal(undefined);
        }
      });

      it("points the Service at the active colour, blue by default", () => {
        const service = inputs(named(result, "kubernetes:core/v1:Service", "rag-api"));
        expect(service.spec.selector["rag.dev/color"]).to.equal("blue");
      });

      it(`autoscales each colour between ${app.minReplicas} and ${app.maxReplicas} pods with a disruption budget`, () => {
        for (const color of ["blue", "green"]) {
          const hpa = inputs(
            named(result, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `rag-api-${color}`),
          ).spec;
          expect([hpa.minReplicas, hpa.maxReplicas]).to.deep.equal([
            app.minReplicas,
            app.maxReplicas,
          ]);
          expect(hpa.scaleTargetRef.name).to.equal(`rag-api-${color}`);
          const pdb = inputs(
            named(result, "kubernetes:policy/v1:PodDisruptionBudget", `rag-api-${color}`),
          );
          expect(pdb.spec.selector.matchLabels["rag.dev/color"]).to.equal(color);
        }
      });

      it("binds the service account to the cloud's workload identity", () => {
        const account = inputs(named(result, "kubernetes:core/v1:ServiceAccount", "rag-api"));
        expect(Object.keys(account.metadata.annotations ?? {})).to.have.length.greaterThan(0);
      });

      it("delivers every workload secret from the vault through External Secrets", () => {
        const stores = ofType(result, "kubernetes:external-secrets.io/v1:ClusterSecretStore");
        expect(stores).to.have.length(1);
        const provider = inputs(stores[0]).spec.provider;
        expect(Object.keys(provider)).to.have.length(1);
        const secrets = ofType(result, "kubernetes:external-secrets.io/v1:ExternalSecret");
        expect(secrets.length).to.be.greaterThan(0);
        for (const secret of secrets) {
          expect(inputs(secret).spec.secretStoreRef.name).to.equal(inputs(stores[0]).metadata.name);
        }
      });

      it("denies all traffic by default and allows exactly DNS, the database and the load balancer", () => {
        expect(policy(result, "default-deny")).to.deep.include({
          podSelector: { matchLabels: {} },
          policyTypes: ["Ingress", "Egress"],
        });
        const dns = policy(result, "allow-dns").egress[0];
        expect(dns.ports.map((p: any) => p.port)).to.deep.equal([53, 53]);
        const api = policy(result, "rag-api");
        const database = api.egress[0];
        expect(database.ports).to.deep.equal([{ port: 5432, protocol: "TCP" }]);
        for (const peer of database.to) expect(peer.ipBlock.cidr).to.not.equal("0.0.0.0/0");
        expect(api.ingress[0].ports).to.deep.equal([{ port: 8080, protocol: "TCP" }]);
        expect(api.ingress[0].from.length).to.be.greaterThan(0);
      });

      it("serves the API over TLS on its host name through the cloud's ingress class", () => {
        const ingress = inputs(named(result, "kubernetes:networking.k8s.io/v1:Ingress", "rag-api"));
        expect(ingress.spec.tls).to.deep.equal([
          { hosts: [app.apiHostname], secretName: app.tlsSecretName },
        ]);
        expect(ingress.spec.ingressClassName).to.be.a("string").and.not.equal("");
        expect(ingress.spec.rules[0].host).to.equal(app.apiHostname);
      });

      it("pins every chart's version and repository", () => {
        const releases = ofType(result, "kubernetes:helm.sh/v3:Release");
        expect(releases.length).to.be.at.least(2);
        // The application's charts, and the cluster add-ons a backend installs from its own pins.
        const addOns = [clusterAutoscalerChart, loadBalancerControllerChart];
        const pinned = [...Object.values(charts), ...addOns].map((c) => `${c.chart}@${c.version}`);
        for (const r of releases) {
          expect(pinned).to.include(`${inputs(r).chart}@${inputs(r).version}`);
          expect(inputs(r).repositoryOpts.repo).to.match(/^https:\/\//);
        }
      });

      it("creates custom resources only after the release that installs their CRDs", () => {
        const crdOwners: Record<string, string> = {
          "monitoring.coreos.com": release(result, "kube-prometheus-stack").urn,
          "external-secrets.io": release(result, "external-secrets").urn,
        };
        for (const [group, owner] of Object.entries(crdOwners)) {
          const users = result.recording.resources.filter((r) =>
            r.type.startsWith(`kubernetes:${group}/`),
          );
          expect(users.length, group).to.be.greaterThan(0);
          for (const user of users) expect(user.dependencies, user.urn).to.include(owner);
        }
      });

      it("alerts on errors, latency and unready pods within five minutes", () => {
        const rule = inputs(
          named(result, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "rag-api"),
        );
        const names = rule.spec.groups[0].rules.map((r: any) => r.alert);
        expect(names).to.include.members([
          "RagApiHighErrorRate",
          "RagApiHighLatency",
          "RagApiPodsNotReady",
        ]);
        const published = result.recording.outputs.appAlerts as Array<{ detectionSeconds: number }>;
        expect(published.length).to.equal(names.length);
        for (const alert of published)
          expect(alert.detectionSeconds).to.be.at.most(maxDetectionSeconds);
      });
    });
  }
}

describe("application layer with the qdrant engine", () => {
  const snapshotStore: Record<Cloud, string> = {
    aws: "aws:s3/bucket:Bucket",
    gcp: "gcp:storage/bucket:Bucket",
    azure: "azure-native:storage:StorageAccount",
  };
  for (const cloud of clouds) {
    it(`runs Qdrant by Helm on persistent volumes with snapshots to encrypted object storage (${cloud})`, async () => {
      const result = await plan(configFor(cloud, "staging", { "rag:vectorStoreEngine": "qdrant" }));
      const qdrant = release(result, "qdrant");
      const values = inputs(qdrant).values;
      expect(values.persistence.size).to.equal("20Gi");
      expect(values.snapshotPersistence.enabled).to.equal(true);
      expect(values.apiKey.valueFrom.secretKeyRef).to.deep.equal({
        name: "qdrant-api-key",
        key: "apiKey",
      });
      expect(qdrant.dependencies).to.include(release(result, "kube-prometheus-stack").urn);

      const stores = ofType(result, snapshotStore[cloud]).filter((r) => /snapshots/.test(r.name));
      expect(stores, snapshotStore[cloud]).to.have.length(1);
      const job = inputs(named(result, "kubernetes:batch/v1:CronJob", "qdrant-snapshot"));
      expect(job.spec.jobTemplate.spec.template.spec.serviceAccountName).to.equal("rag-api");
      const egress = policy(result, "rag-api").egress;
      expect(egress.some((rule: any) => rule.ports.some((p: any) => p.port === 6333))).to.equal(
        true,
      );
    });
  }

  it("encrypts the snapshot bucket with the vault's key on AWS", async () => {
    const result = await plan(configFor("aws", "staging", { "rag:vectorStoreEngine": "qdrant" }));
    const encryption = ofType(
      result,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).filter((r) => /snapshots/.test(r.name));
    expect(encryption).to.have.length(1);
    expect(
      inputs(encryption[0]).rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId,
    ).to.match(/^arn:aws:kms:/);
  });
});

describe("application configuration", () => {
  const load = (overrides: StackConfig) => {
    const source = "Pulumi.app.yaml";
    const raw = parseStackFile(
      stringify({ config: configFor("aws", "staging", overrides) }),
      "rag",
      source,
    );
    return loadConfig(raw, source, (c) => cloudRules[c]);
  };
  const issueKeys = (overrides: StackConfig): string[] => {
    try {
      load(overrides);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues.map((issue) => issue.key);
    }
  };

  for (const image of ["rag-api", "rag-api:latest", "Registry/rag-api:1.0", "rag-api:1.0 "]) {
    it(`refuses the image ${JSON.stringify(image)}`, () => {
      expect(issueKeys({ "rag:blueImage": image })).to.deep.equal(["rag:blueImage"]);
    });
  }
  for (const image of [
    "rag-api:1.4.2",
    "registry.example.com:5000/team/rag-api:2025.1",
    `registry.example.com/rag-api@sha256:${"a".repeat(64)}`,
  ]) {
    it(`accepts the image ${JSON.stringify(image)}`, () => {
      expect(load({ "rag:greenImage": image }).settings.app.greenImage).to.equal(image);
    });
  }

  it("refuses more minimum than maximum replicas", () => {
    expect(issueKeys({ "rag:apiMinReplicas": 5, "rag:apiMaxReplicas": 3 })).to.deep.equal([
      "rag:apiMinReplicas",
    ]);
  });

  it("refuses a two-pod Qdrant, which loses its consensus majority with either pod", () => {
    expect(issueKeys({ "rag:vectorStoreEngine": "qdrant", "rag:qdrantReplicas": 2 })).to.deep.equal(
      ["rag:qdrantReplicas"],
    );
  });

  it("refuses an active colour other than blue or green", () => {
    expect(issueKeys({ "rag:activeColor": "red" })).to.deep.equal(["rag:activeColor"]);
  });

  it("warns when production images are pinned by tag only", () => {
    const source = "Pulumi.app.yaml";
    const raw = parseStackFile(
      stringify({ config: configFor("gcp", "production") }),
      "rag",
      source,
    );
    const { warnings } = loadConfig(raw, source, (c) => cloudRules[c]);
    expect(warnings.map((w) => w.code)).to.include("RAG010");
  });

  it("bounds every alert's detection by scrape, window, hold and evaluation", () => {
    for (const alert of appAlerts("rag")) {
      expect(detectionSeconds(alert)).to.equal(30 + alert.windowSeconds + alert.forSeconds + 30);
    }
  });
});
