import type * as inputs from "@pulumi/kubernetes/types/input";
import type { AppSettings, DeploymentColor } from "../config/settings";
import type { NetworkPeer } from "../contracts/app";

/** Name of the API: Service, Deployments (`rag-api-blue`, `rag-api-green`), labels. */
export const apiName = "rag-api";
/** Port the API container listens on; the Service exposes it on `servicePort`. */
export const containerPort = 8080;
/** Port the API's Service listens on. */
export const servicePort = 80;
/** Path of the readiness probe, also the release workflows' health check. */
export const readinessPath = "/readyz";

/** Labels every API object carries; `color` tells the two deployments apart. */
export function apiLabels(color?: DeploymentColor): Record<string, string> {
  const base = { "app.kubernetes.io/name": apiName, "app.kubernetes.io/part-of": "rag" };
  return color === undefined ? base : { ...base, "rag.dev/color": color };
}

/**
 * The Service's selector: the API pods of the active colour. This is the only field that
 * follows `activeColor`, so a rollback changes nothing else (tests/colourFlip.test.ts proves it).
 */
export function serviceSelector(activeColor: DeploymentColor): Record<string, string> {
  return apiLabels(activeColor);
}

export interface ContainerEnvironment {
  plain: Record<string, string>;
  /** Kubernetes secrets whose keys become environment variables, with a prefix. */
  secrets: Array<{ name: string; prefix: string }>;
}

/** The pod template of one colour: non-root, read-only, probed, sized from the settings. */
export function podTemplate(
  color: DeploymentColor,
  app: AppSettings,
  serviceAccountName: string,
  env: ContainerEnvironment,
  identityLabels: Record<string, string> = {},
): Record<string, unknown> {
  const image = color === "blue" ? app.blueImage : app.greenImage;
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: "http" },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });
  return {
    metadata: { labels: { ...identityLabels, ...apiLabels(color) } },
    spec: {
      serviceAccountName,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      // Zones first, then nodes: losing either leaves most of a colour serving.
      topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map(
        (topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: apiLabels(color) },
        }),
      ),
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "api",
          image,
          ports: [{ name: "http", containerPort }],
          env: [
            ...Object.entries(env.plain).map(([name, value]) => ({ name, value })),
            { name: "RAG_COLOR", value: color },
          ],
          envFrom: env.secrets.map((secret) => ({
            prefix: secret.prefix,
            secretRef: { name: secret.name },
          })),
          // Ready only when it can serve (the app checks its database and vector store).
          readinessProbe: probe(readinessPath, 5, 2),
          livenessProbe: probe("/healthz", 10, 3),
          startupProbe: probe("/healthz", 5, 24),
          // Lets endpoints drain from kube-proxy and the load balancer before the process stops.
          lifecycle: { preStop: { sleep: { seconds: 10 } } },
          resources: {
            requests: { cpu: `${app.cpuMillicores}m`, memory: `${app.memoryMib}Mi` },
            limits: { cpu: `${app.cpuMillicores * 2}m`, memory: `${app.memoryMib}Mi` },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
      ],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    },
  };
}

/** HPA of one colour: CPU-driven between the configured bounds. */
export function autoscalerSpec(
  color: DeploymentColor,
  app: AppSettings,
): inputs.autoscaling.v2.HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: `${apiName}-${color}` },
    minReplicas: app.minReplicas,
    maxReplicas: app.maxReplicas,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ],
  };
}

/** One NetworkPolicy rule's peers and ports. */
export interface PolicyRule {
  peers: NetworkPeer[];
  ports: Array<{ port: number; protocol: "TCP" | "UDP" }>;
}

/** Cluster DNS (CoreDNS or kube-dns, labelled `k8s-app: kube-dns` on EKS, GKE and AKS). */
export const dnsRule: PolicyRule = {
  peers: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};

/** Pods of a namespace, selected by its immutable name label. */
export function inNamespace(namespace: string, labels?: Record<string, string>): NetworkPeer {
  const peer: NetworkPeer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  };
  return labels === undefined ? peer : { ...peer, podSelector: { matchLabels: labels } };
}

/** A NetworkPolicy spec for pods matching `podLabels` (empty: every pod of the namespace). */
export function networkPolicySpec(
  podLabels: Record<string, string>,
  rules: { ingress?: PolicyRule[]; egress?: PolicyRule[] },
): inputs.networking.v1.NetworkPolicySpec {
  const policyTypes = [
    ...(rules.ingress !== undefined ? ["Ingress"] : []),
    ...(rules.egress !== undefined ? ["Egress"] : []),
  ];
  const toK8s = (rule: PolicyRule, direction: "from" | "to") => ({
    [direction]: rule.peers,
    ports: rule.ports,
  });
  return {
    podSelector: { matchLabels: podLabels },
    policyTypes,
    ...(rules.ingress !== undefined ? { ingress: rules.ingress.map((r) => toK8s(r, "from")) } : {}),
    ...(rules.egress !== undefined ? { egress: rules.egress.map((r) => toK8s(r, "to")) } : {}),
  };
}
