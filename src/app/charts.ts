import type { AppSettings } from "../config/settings";
import { qdrant } from "./qdrantStore";

/**
 * A Helm chart pinned to one version of one repository. Versions are bumped deliberately (read
 * the chart's changelog: CRD changes in particular), never floated.
 */
export interface PinnedChart {
  chart: string;
  version: string;
  repository: string;
}

/**
 * The charts the application layer installs with `helm.v3.Release`.
 *
 * Why Release rather than Chart: `helm.v3.Chart` renders client-side through the
 * `kubernetes:helm:template` invoke, which needs the chart (a network fetch) at preview and, in
 * the offline plan, a fixture that could only return recorded manifests, so the plan would show
 * a copy, not what the chart renders; `helm.v4.Chart` is rendered by the provider plugin (the
 * offline plan's mocks never see its children, and its preview wants a reachable cluster for
 * `--dry-run=server`). A Release is one resource the provider installs at `up`: preview with a
 * cluster that does not exist yet works, and the offline plan records exactly what is declared:
 * chart, version, repository and values.
 */
export const charts = {
  externalSecrets: {
    chart: "external-secrets",
    version: "0.19.1",
    repository: "https://charts.external-secrets.io",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "80.4.1",
    repository: "https://prometheus-community.github.io/helm-charts",
  },
  qdrant: {
    chart: "qdrant",
    version: "1.15.1",
    repository: "https://qdrant.github.io/qdrant-helm",
  },
} as const satisfies Record<string, PinnedChart>;

/** Namespaces of the in-cluster platform parts. */
export const namespaces = {
  app: "rag",
  externalSecrets: "external-secrets",
  monitoring: "monitoring",
  qdrant: qdrant.namespace,
} as const;

/** Scrape and rule evaluation interval of Prometheus; the alert detection bound depends on it. */
export const prometheusIntervalSeconds = 30;

/** Values of kube-prometheus-stack: its CRDs, and selectors that pick up every namespace's rules. */
export function kubePrometheusStackValues(retentionDays: number): Record<string, unknown> {
  return {
    crds: { enabled: true },
    prometheus: {
      prometheusSpec: {
        scrapeInterval: `${prometheusIntervalSeconds}s`,
        evaluationInterval: `${prometheusIntervalSeconds}s`,
        retention: `${Math.min(retentionDays, 30)}d`,
        // Without these the operator only selects objects labelled with this release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        // On the cluster's default storage class.
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
          },
        },
      },
    },
    // TODO: Alertmanager has no receiver, so the app's alerts fire in Prometheus and Alertmanager
    // but page nobody; route them to rag:alertEmails (SMTP relay) or to the cloud's alert channel.
    alertmanager: { enabled: true },
    grafana: { enabled: true },
  };
}

/** Values of External Secrets Operator: CRDs from the chart, non-root, with its webhook. */
export function externalSecretsValues(): Record<string, unknown> {
  return {
    installCRDs: true,
    serviceMonitor: { enabled: false },
  };
}

/**
 * Values of the Qdrant chart: persistent storage and a snapshot volume on the cluster's default
 * storage class, the API key from the secret External Secrets writes, spread across zones.
 */
export function qdrantValues(
  app: AppSettings,
  apiKeySecret: { name: string; key: string },
): Record<string, unknown> {
  const size = `${app.qdrantStorageGb}Gi`;
  return {
    replicaCount: app.qdrantReplicas,
    apiKey: { valueFrom: { secretKeyRef: apiKeySecret } },
    persistence: { accessModes: ["ReadWriteOnce"], size },
    snapshotPersistence: { enabled: true, accessModes: ["ReadWriteOnce"], size },
    config: { cluster: { enabled: app.qdrantReplicas > 1 } },
    podDisruptionBudget: { enabled: app.qdrantReplicas > 1, maxUnavailable: 1 },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "qdrant" } },
      },
    ],
    metrics: { serviceMonitor: { enabled: true } },
    resources: {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { memory: "4Gi" },
    },
  };
}
