import type * as inputs from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import type { VectorStoreEngine } from "../config/settings";
import type { AppHosting, NetworkPeer } from "../contracts/app";
import { namespaces } from "./charts";
import { qdrant } from "./qdrantStore";
import {
  apiLabels,
  containerPort,
  dnsRule,
  inNamespace,
  networkPolicySpec,
  type PolicyRule,
} from "./spec";

/** Labels of the snapshot job's pods. */
export const snapshotLabels = { "app.kubernetes.io/name": "rag-qdrant-snapshot" };
const qdrantPods = { "app.kubernetes.io/name": "qdrant" };

export interface NamedPolicy {
  name: string;
  namespace: string;
  spec: pulumi.Input<inputs.networking.v1.NetworkPolicySpec>;
}

const cidrPeers = (cidrs: string[]): NetworkPeer[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

/**
 * The app namespace's policies: deny everything, allow DNS, then the API's exact traffic (in from
 * the load balancer and Prometheus; out to the database, the vector store and the identity
 * endpoints) and, with Qdrant, the snapshot job's.
 */
export function apiPolicies(args: {
  engine: VectorStoreEngine;
  databasePort: pulumi.Input<number>;
  hosting: AppHosting;
}): NamedPolicy[] {
  const { hosting, engine } = args;
  const ns = namespaces.app;
  const identity: PolicyRule[] = hosting.identityEgress.map((rule) => ({
    peers: [rule.peer],
    ports: [{ port: rule.port, protocol: rule.protocol }],
  }));
  const api = pulumi
    .all([hosting.privateServiceCidrs, args.databasePort])
    .apply(([cidrs, databasePort]) => {
      const vectorStore: PolicyRule[] =
        engine === "qdrant"
          ? [
              {
                peers: [inNamespace(qdrant.namespace, qdrantPods)],
                ports: [
                  { port: qdrant.httpPort, protocol: "TCP" },
                  { port: qdrant.grpcPort, protocol: "TCP" },
                ],
              },
            ]
          : engine === "managed"
            ? [{ peers: cidrPeers(cidrs), ports: [{ port: 443, protocol: "TCP" }] }]
            : [];
      return networkPolicySpec(apiLabels(), {
        ingress: [
          { peers: hosting.ingress.sources, ports: [{ port: containerPort, protocol: "TCP" }] },
          {
            peers: [inNamespace(namespaces.monitoring)],
            ports: [{ port: containerPort, protocol: "TCP" }],
          },
        ],
        egress: [
          { peers: cidrPeers(cidrs), ports: [{ port: databasePort, protocol: "TCP" }] },
          ...vectorStore,
          ...identity,
        ],
      });
    });
  const policies: NamedPolicy[] = [
    {
      name: "default-deny",
      namespace: ns,
      spec: networkPolicySpec({}, { ingress: [], egress: [] }),
    },
    { name: "allow-dns", namespace: ns, spec: networkPolicySpec({}, { egress: [dnsRule] }) },
    { name: "rag-api", namespace: ns, spec: api },
  ];
  if (engine === "qdrant") {
    policies.push({
      name: "qdrant-snapshot",
      namespace: ns,
      spec: networkPolicySpec(snapshotLabels, {
        egress: [
          {
            peers: [inNamespace(qdrant.namespace, qdrantPods)],
            ports: [{ port: qdrant.httpPort, protocol: "TCP" }],
          },
          // TODO: object storage endpoints have no fixed CIDR, so the snapshot job may reach any
          // address on 443; a private endpoint (S3 gateway endpoint, Private Service Connect,
          // a storage private endpoint) would let this narrow to the network's own range.
          { peers: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] },
          ...identity,
        ],
      }),
    });
  }
  return policies;
}

/** Qdrant's namespace: only the API, the snapshot job, Prometheus and Qdrant's own peers get in. */
// TODO: Qdrant's egress is not restricted (only its ingress is), so a compromised Qdrant pod can
// reach anything the cluster network can; an egress policy for DNS and its peers would close it.
export function qdrantPolicies(): NamedPolicy[] {
  const ns = qdrant.namespace;
  const clientPorts = [
    { port: qdrant.httpPort, protocol: "TCP" as const },
    { port: qdrant.grpcPort, protocol: "TCP" as const },
  ];
  return [
    { name: "default-deny-ingress", namespace: ns, spec: networkPolicySpec({}, { ingress: [] }) },
    {
      name: "qdrant",
      namespace: ns,
      spec: networkPolicySpec(qdrantPods, {
        ingress: [
          {
            peers: [
              inNamespace(namespaces.app, apiLabels()),
              inNamespace(namespaces.app, snapshotLabels),
            ],
            ports: clientPorts,
          },
          {
            peers: [inNamespace(namespaces.monitoring)],
            ports: [{ port: qdrant.httpPort, protocol: "TCP" }],
          },
          {
            peers: [{ podSelector: { matchLabels: qdrantPods } }],
            ports: [...clientPorts, { port: qdrant.p2pPort, protocol: "TCP" }],
          },
        ],
      }),
    },
  ];
}
