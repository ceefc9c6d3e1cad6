import * as compute from "@pulumi/gcp/compute";
import * as servicenetworking from "@pulumi/gcp/servicenetworking";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkSettings } from "../../src/config/settings";
import type { ComponentContext } from "../../src/contracts/common";
import type { Network } from "../../src/contracts/network";
import { gcpLabels, gcpName } from "./naming";
import type { GcpProject } from "./project";

/** The address ranges carved out of the platform's CIDR block. */
export interface SubnetPlan {
  /** Primary range of the node subnet. */
  nodes: string;
  /** Secondary range for pod IPs (VPC-native GKE). */
  pods: string;
  /** Secondary range for Kubernetes service IPs. */
  services: string;
  /** Range reserved for private services access (Cloud SQL, Vertex AI peering). */
  privateServices: { address: string; prefixLength: number };
}

/**
 * Carves the platform's block (a /16 to a /20): the first half for pods, the third quarter for
 * private services access, then a sixteenth each for nodes and services; the last eighth stays
 * free for later subnets (proxy-only, PSC). Pods get the most because GKE hands every node a /24.
 */
export function subnetPlan(cidr: string): SubnetPlan {
  const [address, bits] = cidr.split("/");
  const prefix = Number(bits);
  const base = (ipToNumber(address) & prefixMask(prefix)) >>> 0;
  const size = 2 ** (32 - prefix);
  const block = (offset: number, extraBits: number) =>
    `${numberToIp(base + offset)}/${prefix + extraBits}`;
  return {
    pods: block(0, 1),
    privateServices: { address: numberToIp(base + size / 2), prefixLength: prefix + 2 },
    nodes: block((size * 3) / 4, 4),
    services: block((size * 3) / 4 + size / 16, 4),
  };
}

/**
 * Exactly three zones of the region, in a stable order, for a regional cluster. Every GCP region
 * has three or more zones ("Geography and regions", Google Cloud docs), so no config-time table is
 * needed; but `getZones` lists only those UP for the project: fewer fail the preview with the
 * region and the count, instead of a cluster over fewer zones than planned.
 */
export function pickZones(names: string[], region: string): string[] {
  const zones = [...names].sort().slice(0, 3);
  if (zones.length < 3) {
    throw new Error(
      `a zone-redundant platform needs 3 zones; GCP region ${region} offers this project ` +
        `${zones.length} zone(s) that are UP (${zones.join(", ") || "none"}). Retry once the ` +
        "zones are back, or choose another `gcp:region`.",
    );
  }
  return zones;
}

/** Google's health-check and load-balancer proxy ranges; load balancers probe nodes from here. */
export const googleHealthCheckRanges = ["35.191.0.0/16", "130.211.0.0/22"];

export const podsRangeName = "pods";
export const servicesRangeName = "services";

export interface GcpNetworkArgs extends ComponentContext {
  settings: NetworkSettings;
  project: GcpProject;
}

/**
 * A custom-mode VPC with one regional subnet (VPC-native secondary ranges for GKE, private Google
 * access, flow logs), Cloud NAT for egress without public node IPs, private services access for
 * Cloud SQL and Vertex AI, and firewall rules that admit only the platform's own traffic.
 */
export class GcpNetwork extends pulumi.ComponentResource implements Network {
  readonly networkId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly zones: pulumi.Output<string[]>;
  readonly network: compute.Network;
  readonly subnet: compute.Subnetwork;
  readonly plan: SubnetPlan;
  /** The platform's whole address block. */
  readonly cidr: string;
  readonly project: GcpProject;
  /** Reserved range of private services access; the Vertex AI deployment draws from it. */
  readonly privateServicesRange: compute.GlobalAddress;
  /** Peering with Google's service producers; Cloud SQL and Vertex AI endpoints depend on it. */
  readonly privateServicesConnection: servicenetworking.Connection;

  constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:network:GcpNetwork", name, {}, opts);
    const { naming, region } = args;
    const child = { parent: this };
    this.project = args.project;
    this.cidr = args.settings.cidr;
    this.plan = subnetPlan(this.cidr);

    // Custom-mode VPC: no auto-created subnets in every region.
    this.network = new compute.Network(
      `${name}-vpc`,
      {
        name: gcpName(naming, "vpc", "compute"),
        project: args.project.id,
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
        description: "Private network of the RAG platform",
      },
      child,
    );

    // One regional subnet spans every zone; pods and services live in its secondary ranges.
    this.subnet = new compute.Subnetwork(
      `${name}-subnet`,
      {
        name: gcpName(naming, "nodes", "compute"),
        network: this.network.id,
        region,
        ipCidrRange: this.plan.nodes,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: podsRangeName, ipCidrRange: this.plan.pods },
          { rangeName: servicesRangeName, ipCidrRange: this.plan.services },
        ],
        logConfig: {
          aggregationInterval: "INTERVAL_5_SEC",
          flowSampling: 0.5,
          metadata: "INCLUDE_ALL_METADATA",
        },
      },
      child,
    );

    // Egress for private nodes. Cloud NAT is a regional, zone-independent managed service, so a
    // zone outage does not cut egress and `natPerZone` needs no extra gateways here.
    const router = new compute.Router(
      `${name}-router`,
      { name: gcpName(naming, "router", "compute"), network: this.network.id, region },
      child,
    );
    new compute.RouterNat(
      `${name}-nat`,
      {
        name: gcpName(naming, "nat", "compute"),
        router: router.name,
        region,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      child,
    );

    // Private services access: a reserved range peered with Google's producer network, so Cloud
    // SQL and Vertex AI get private IPs and no public ones.
    this.privateServicesRange = new compute.GlobalAddress(
      `${name}-private-services`,
      {
        name: gcpName(naming, "private-services", "compute"),
        network: this.network.id,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        address: this.plan.privateServices.address,
        prefixLength: this.plan.privateServices.prefixLength,
        labels: gcpLabels(args.tags),
      },
      child,
    );
    this.privateServicesConnection = new servicenetworking.Connection(
      `${name}-private-services`,
      {
        network: this.network.id,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [this.privateServicesRange.name],
        // Deleting the peering fails while Google still tears down producers (Cloud SQL); the
        // network's own deletion removes it, so abandoning keeps `pulumi destroy` working.
        deletionPolicy: "ABANDON",
      },
      child,
    );

    // Firewall: GCP denies ingress by default and GKE adds its own control-plane rules. We add
    // only node/pod traffic inside the platform and Google's health checks, plus an explicit
    // lowest-priority deny so that refused connections are logged.
    const internalRanges = [this.plan.nodes, this.plan.pods];
    new compute.Firewall(
      `${name}-allow-internal`,
      {
        name: gcpName(naming, "allow-internal", "compute"),
        network: this.network.id,
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: internalRanges,
        destinationRanges: internalRanges,
        allows: [{ protocol: "tcp" }, { protocol: "udp" }, { protocol: "icmp" }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        description: "Node-to-node and pod-to-pod traffic inside the platform only",
      },
      child,
    );
    new compute.Firewall(
      `${name}-allow-health-checks`,
      {
        name: gcpName(naming, "allow-health-checks", "compute"),
        network: this.network.id,
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: googleHealthCheckRanges,
        destinationRanges: [this.plan.nodes, this.plan.pods],
        allows: [{ protocol: "tcp" }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        description: "Google load-balancer health checks to nodes and pods",
      },
      child,
    );
    new compute.Firewall(
      `${name}-deny-all-ingress`,
      {
        name: gcpName(naming, "deny-all-ingress", "compute"),
        network: this.network.id,
        direction: "INGRESS",
        priority: 65534,
        sourceRanges: ["0.0.0.0/0"],
        denies: [{ protocol: "all" }],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
        description: "Explicit deny of everything not allowed above, logged",
      },
      child,
    );

    // Three zones of the region for the regional cluster's nodes.
    const zones = compute.getZonesOutput({ region, status: "UP" }, { parent: this });
    this.zones = zones.apply((z) => pickZones(z.names, region));
    this.networkId = this.network.id;
    this.privateSubnetIds = this.subnet.id.apply((id) => [id]);

    this.registerOutputs({
      networkId: this.networkId,
      privateSubnetIds: this.privateSubnetIds,
      zones: this.zones,
    });
  }
}

function ipToNumber(ip: string): number {
  return ip.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function prefixMask(prefix: number): number {
  // Bitwise operators work on signed 32-bit ints; >>> 0 brings the mask back to unsigned.
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
