import * as customResources from "@pulumi/kubernetes/apiextensions";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as autoscaling from "@pulumi/kubernetes/autoscaling/v2";
import * as core from "@pulumi/kubernetes/core/v1";
import * as helm from "@pulumi/kubernetes/helm/v3";
import * as networking from "@pulumi/kubernetes/networking/v1";
import * as policy from "@pulumi/kubernetes/policy/v1";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformSettings } from "../config/settings";
import { deploymentColors } from "../config/settings";
import type { AppHosting } from "../contracts/app";
import type { Cluster } from "../contracts/cluster";
import type { SecretReference } from "../contracts/common";
import type { Database } from "../contracts/database";
import type { VectorStore } from "../contracts/vectorStore";
import { appAlerts, detectionSeconds, prometheusRuleSpec } from "./alerts";
import {
  charts,
  externalSecretsValues,
  kubePrometheusStackValues,
  namespaces,
  qdrantValues,
  type PinnedChart,
} from "./charts";
import { apiPolicies, qdrantPolicies } from "./policies";
import { qdrant } from "./qdrantStore";
import { snapshotJob } from "./snapshots";
import {
  apiLabels,
  apiName,
  autoscalerSpec,
  podTemplate,
  servicePort,
  serviceSelector,
} from "./spec";

export interface RagApplicationArgs {
  settings: PlatformSettings;
  cluster: Cluster;
  database: Database;
  vectorStore: VectorStore;
  /** What the cloud provides the application (ingress, secret store, snapshot storage). */
  hosting: AppHosting;
  /** Vault secrets the service reads, delivered into the namespace by External Secrets. */
  workloadSecrets: SecretReference[];
}

/** Kubernetes secret an ExternalSecret writes for a vault secret, and its variables' prefix. */
export function secretTarget(secret: SecretReference): { name: string; prefix: string } {
  const stem = secret.logicalName.replace(/-(credentials|connection)$/, "");
  return { name: `rag-${secret.logicalName}`, prefix: `${stem.toUpperCase().replace(/-/g, "_")}_` };
}

/**
 * The RAG service on the cluster: External Secrets delivering the vault's credentials, the API as
 * two identical deployments (blue and green) behind one Service whose selector alone follows
 * `rag:activeColor`, autoscaling and disruption budgets per colour, default-deny network
 * policies, a TLS Ingress, kube-prometheus-stack with the API's scrape target and alerts, and
 * Qdrant with snapshots when it is the vector store. Every object uses the cluster's provider.
 */
export class RagApplication extends pulumi.ComponentResource {
  readonly activeColor: string;
  /** Public URL of the API. */
  readonly endpoint: string;
  readonly alerts: Array<{ alert: string; detectionSeconds: number }>;

  constructor(name: string, args: RagApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:app:RagApplication", name, {}, opts);
    const { settings, cluster, database, vectorStore, hosting } = args;
    const { app } = settings;
    const identity = cluster.workloadIdentity;
    const k8s = { parent: this, provider: cluster.provider };
    const usesQdrant = settings.vectorStore.engine === "qdrant";
    const release = (
      role: string,
      chart: PinnedChart,
      namespace: string,
      values: pulumi.Input<Record<string, unknown>>,
      dependsOn: pulumi.Resource[] = [],
    ) =>
      new helm.Release(
        `${name}-${role}`,
        {
          name: role,
          chart: chart.chart,
          version: chart.version,
          repositoryOpts: { repo: chart.repository },
          namespace,
          createNamespace: namespace !== namespaces.app && namespace !== namespaces.qdrant,
          values,
          atomic: true,
          timeout: 900,
        },
        { ...k8s, dependsOn },
      );

    // The service's namespace (restricted pod security) and its workload-identity account.
    const namespace = new core.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: identity.namespace,
          labels: { "pod-security.kubernetes.io/enforce": "restricted" },
        },
      },
      k8s,
    );
    const serviceAccount = new core.ServiceAccount(
      `${name}-service-account`,
      {
        metadata: {
          name: identity.serviceAccountName,
          namespace: namespace.metadata.name,
          annotations: identity.serviceAccountAnnotations,
        },
      },
      k8s,
    );
    const qdrantNamespace = usesQdrant
      ? new core.Namespace(
          `${name}-qdrant-namespace`,
          { metadata: { name: qdrant.namespace } },
          k8s,
        )
      : undefined;

    // kube-prometheus-stack first: its CRDs (ServiceMonitor, PrometheusRule) back objects below.
    const monitoringStack = release(
      "kube-prometheus-stack",
      charts.kubePrometheusStack,
      namespaces.monitoring,
      kubePrometheusStackValues(settings.monitoring.logRetentionDays),
    );

    // External Secrets Operator, and one store reading the vault as the workload identity.
    const externalSecrets = release(
      "external-secrets",
      charts.externalSecrets,
      namespaces.externalSecrets,
      externalSecretsValues(),
      [monitoringStack],
    );
    const storeName = "rag-vault";
    const store = new customResources.CustomResource(
      `${name}-secret-store`,
      {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: storeName },
        spec: {
          provider: hosting.secretStoreProvider,
          conditions: [
            { namespaces: [identity.namespace, ...(usesQdrant ? [qdrant.namespace] : [])] },
          ],
        },
      },
      { ...k8s, dependsOn: [externalSecrets, serviceAccount] },
    );
    const externalSecret = (
      role: string,
      ns: pulumi.Input<string>,
      target: string,
      source: SecretReference,
    ) =>
      new customResources.CustomResource(
        `${name}-${role}`,
        {
          apiVersion: "external-secrets.io/v1",
          kind: "ExternalSecret",
          metadata: { name: target, namespace: ns },
          spec: {
            refreshInterval: "1h",
            secretStoreRef: { kind: "ClusterSecretStore", name: storeName },
            target: { name: target, creationPolicy: "Owner" },
            dataFrom: [{ extract: { key: source.name } }],
          },
        },
        { ...k8s, dependsOn: [externalSecrets, store] },
      );
    const delivered = args.workloadSecrets.map((secret) =>
      externalSecret(
        `secret-${secret.logicalName}`,
        namespace.metadata.name,
        secretTarget(secret).name,
        secret,
      ),
    );

    // Qdrant, when it is the vector store: its API key from the vault, volumes on the default class.
    if (usesQdrant && qdrantNamespace !== undefined) {
      const apiKey = externalSecret(
        "qdrant-api-key",
        qdrantNamespace.metadata.name,
        "qdrant-api-key",
        vectorStore.credentials,
      );
      release(
        qdrant.release,
        charts.qdrant,
        qdrant.namespace,
        qdrantValues(app, { name: "qdrant-api-key", key: "apiKey" }),
        [qdrantNamespace, apiKey, monitoringStack],
      );
    }

    // The API: two identical deployments, one per colour, each autoscaled and disruption-bounded.
    const env = {
      plain: {
        DATABASE_HOST: database.host,
        DATABASE_PORT: database.port.apply(String),
        DATABASE_NAME: database.databaseName,
        VECTOR_STORE_ENGINE: vectorStore.engine,
        VECTOR_STORE_ENDPOINT: vectorStore.endpoint,
        VECTOR_INDEX_NAME: vectorStore.indexName,
        VECTOR_DIMENSIONS: vectorStore.dimensions.apply(String),
      },
      secrets: args.workloadSecrets.map(secretTarget),
    };
    const plainEnv = pulumi.all(env.plain);
    for (const color of deploymentColors) {
      const deploymentName = `${apiName}-${color}`;
      new apps.Deployment(
        `${name}-api-${color}`,
        {
          metadata: {
            name: deploymentName,
            namespace: namespace.metadata.name,
            labels: apiLabels(color),
          },
          spec: {
            // No `replicas`: the autoscaler owns the count, so an update never resets it.
            selector: { matchLabels: apiLabels(color) },
            strategy: {
              type: "RollingUpdate",
              rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" },
            },
            template: plainEnv.apply((plain) =>
              podTemplate(
                color,
                app,
                identity.serviceAccountName,
                { plain, secrets: env.secrets },
                hosting.identityPodLabels,
              ),
            ),
          },
        },
        { ...k8s, dependsOn: [serviceAccount, ...delivered] },
      );
      new autoscaling.HorizontalPodAutoscaler(
        `${name}-api-${color}-hpa`,
        {
          metadata: { name: deploymentName, namespace: namespace.metadata.name },
          spec: autoscalerSpec(color, app),
        },
        k8s,
      );
      new policy.PodDisruptionBudget(
        `${name}-api-${color}-pdb`,
        {
          metadata: { name: deploymentName, namespace: namespace.metadata.name },
          spec: { maxUnavailable: 1, selector: { matchLabels: apiLabels(color) } },
        },
        k8s,
      );
    }

    // The Service: its selector is the only thing `activeColor` changes.
    const service = new core.Service(
      `${name}-api-service`,
      {
        metadata: { name: apiName, namespace: namespace.metadata.name, labels: apiLabels() },
        spec: {
          type: "ClusterIP",
          selector: serviceSelector(app.activeColor),
          ports: [{ name: "http", port: servicePort, targetPort: "http", protocol: "TCP" }],
        },
      },
      k8s,
    );

    // The public endpoint: the cloud's ingress class, TLS with the configured certificate secret.
    new networking.Ingress(
      `${name}-api-ingress`,
      {
        metadata: {
          name: apiName,
          namespace: namespace.metadata.name,
          annotations: hosting.ingress.annotations,
        },
        spec: {
          ingressClassName: hosting.ingress.className,
          tls: [{ hosts: [app.apiHostname], secretName: app.tlsSecretName }],
          rules: [
            {
              host: app.apiHostname,
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: service.metadata.name, port: { name: "http" } } },
                  },
                ],
              },
            },
          ],
        },
      },
      { ...k8s, dependsOn: hosting.ingressDependsOn ?? [] },
    );

    // Default deny, then exactly the traffic the service needs.
    const policies = apiPolicies({
      engine: settings.vectorStore.engine,
      databasePort: database.port,
      hosting,
    });
    if (usesQdrant) policies.push(...qdrantPolicies());
    for (const spec of policies) {
      new networking.NetworkPolicy(
        `${name}-netpol-${spec.name}`,
        {
          metadata: { name: spec.name, namespace: spec.namespace },
          spec: spec.spec,
        },
        {
          ...k8s,
          dependsOn:
            spec.namespace === qdrant.namespace && qdrantNamespace
              ? [qdrantNamespace]
              : [namespace],
        },
      );
    }

    // Snapshots of Qdrant to the cloud's object storage, as the workload identity.
    if (usesQdrant && hosting.snapshotStorage !== undefined) {
      snapshotJob(this, name, {
        provider: cluster.provider,
        namespace: namespace.metadata.name,
        serviceAccountName: identity.serviceAccountName,
        storage: hosting.snapshotStorage,
        apiKeySecret: secretTarget(vectorStore.credentials).name,
        identityLabels: hosting.identityPodLabels,
        dependsOn: [serviceAccount, ...delivered],
      });
    }

    // What Prometheus scrapes (the live Service) and the alerts it evaluates.
    new customResources.CustomResource(
      `${name}-api-service-monitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: apiName, namespace: namespace.metadata.name },
        spec: {
          selector: { matchLabels: apiLabels() },
          endpoints: [{ port: "http", path: "/metrics", interval: "30s" }],
        },
      },
      { ...k8s, dependsOn: [monitoringStack] },
    );
    const alerts = appAlerts(identity.namespace);
    new customResources.CustomResource(
      `${name}-api-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: apiName, namespace: namespace.metadata.name },
        spec: prometheusRuleSpec(alerts),
      },
      { ...k8s, dependsOn: [monitoringStack] },
    );

    this.activeColor = app.activeColor;
    this.endpoint = `https://${app.apiHostname}`;
    this.alerts = alerts.map((alert) => ({
      alert: alert.alert,
      detectionSeconds: detectionSeconds(alert),
    }));
    this.registerOutputs({ activeColor: this.activeColor, endpoint: this.endpoint });
  }
}
