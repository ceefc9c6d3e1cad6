import * as ec2 from "@pulumi/aws/ec2";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import * as pulumi from "@pulumi/pulumi";
import type { FoundationArgs } from "../../src/contracts/backend";
import type { Network } from "../../src/contracts/network";

/** The platform spreads over exactly this many zones. */
export const zoneCount = 3;

/** Address plan of the VPC: one large private subnet per zone, one small public one for NAT. */
export interface SubnetPlan {
  privateCidrs: string[];
  publicCidrs: string[];
}

/**
 * Carves the VPC range: the first three quarters are the private subnets (pods take one address
 * each with the VPC CNI, so they get the space), and three 1/32 blocks of the last quarter hold
 * the public subnets, which carry nothing but NAT gateways and the API's load balancer.
 */
export function subnetPlan(cidr: string): SubnetPlan {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (!(prefix >= 8 && prefix <= 22)) {
    throw new Error(
      `network CIDR \`${cidr}\` must have a prefix between /8 and /22 to hold six subnets`,
    );
  }
  const base = (ipToNumber(address) & prefixMask(prefix)) >>> 0;
  const block = (index: number, size: number) =>
    `${numberToIp(base + index * 2 ** (32 - size))}/${size}`;
  const privateCidrs = [0, 1, 2].map((i) => block(i, prefix + 2));
  const publicCidrs = [24, 25, 26].map((i) => block(i, prefix + 5));
  return { privateCidrs, publicCidrs };
}

/**
 * The first `zoneCount` zones the account sees in `region`. Fewer is an error naming the region
 * and the count, instead of subnets placed in an undefined zone: `awsRules.validate` refuses the
 * regions known to offer too few, this catches an account or region the table does not know.
 */
export function pickZones(names: readonly string[], region: string): string[] {
  if (names.length < zoneCount) {
    throw new Error(
      `AWS region ${region} offers this account ${names.length} available zone(s) ` +
        `(${names.join(", ") || "none"}); the platform spreads its subnets, nodes and database ` +
        `over ${zoneCount}. Choose another \`aws:region\`, such as us-west-2 or us-east-2.`,
    );
  }
  return names.slice(0, zoneCount);
}

/** Number of NAT gateways: one per zone keeps egress alive through a zone outage. */
export function natGatewayCount(natPerZone: boolean): number {
  return natPerZone ? zoneCount : 1;
}

/**
 * A VPC over three zones: private subnets for nodes, databases and endpoints; public subnets only
 * for NAT gateways; the default security group stripped of rules.
 *
 * VPC flow logs are declared by the monitoring component (see `AwsMonitoring`), because the
 * network is declared before monitoring and the flow-log group should carry the stack's log
 * retention and the logs key like every other log group, rather than a second retention value.
 */
export class AwsNetwork extends pulumi.ComponentResource implements Network {
  readonly networkId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly zones: pulumi.Output<string[]>;
  /** Address range of the VPC; databases admit clients from it. */
  readonly cidr: string;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:network:AwsNetwork", name, {}, opts);
    const { settings, tags } = args;
    const plan = subnetPlan(settings.cidr);
    this.cidr = settings.cidr;
    const nameTag = (role: string) => ({ ...tags, Name: `${args.naming.prefix}-${role}` });

    // The first three available zones of the region; fewer fail the preview (see `pickZones`).
    this.zones = getAvailabilityZonesOutput(
      { state: "available", region: args.region },
      { parent: this },
    ).names.apply((names) => pickZones(names, args.region));
    const zone = (i: number) => this.zones.apply((zones) => zones[i]);

    // The VPC, with DNS so that private endpoints (EKS, RDS, OpenSearch) resolve inside it.
    const vpc = new ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: settings.cidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: nameTag("vpc"),
      },
      { parent: this },
    );

    // No rule in the default group: a resource that forgets its own group gets no traffic.
    new ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, ingress: [], egress: [], tags: nameTag("default") },
      { parent: this },
    );

    // Public subnets exist only to hold the NAT gateways; no load balancer is placed there.
    const igw = new ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: nameTag("igw") },
      { parent: this },
    );
    const publicRoutes = new ec2.RouteTable(
      `${name}-public-rt`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: nameTag("public"),
      },
      { parent: this },
    );
    const publicSubnets = plan.publicCidrs.map((cidrBlock, i) => {
      const subnet = new ec2.Subnet(
        `${name}-public-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock,
          availabilityZone: zone(i),
          mapPublicIpOnLaunch: false,
          // The tag the AWS Load Balancer Controller looks for to place internet-facing ALBs.
          tags: { ...nameTag(`public-${i}`), "kubernetes.io/role/elb": "1" },
        },
        { parent: this },
      );
      new ec2.RouteTableAssociation(
        `${name}-public-${i}-rta`,
        { subnetId: subnet.id, routeTableId: publicRoutes.id },
        { parent: this },
      );
      return subnet;
    });

    // NAT gateways: one per zone in production, one shared gateway otherwise.
    const natGateways = publicSubnets
      .slice(0, natGatewayCount(settings.natPerZone))
      .map((subnet, i) => {
        const eip = new ec2.Eip(
          `${name}-nat-${i}-eip`,
          { domain: "vpc", tags: nameTag(`nat-${i}`) },
          { parent: this },
        );
        return new ec2.NatGateway(
          `${name}-nat-${i}`,
          { allocationId: eip.id, subnetId: subnet.id, tags: nameTag(`nat-${i}`) },
          { parent: this, dependsOn: [igw] },
        );
      });

    // Private subnets, each routed to its zone's NAT gateway (or the shared one).
    const privateSubnets = plan.privateCidrs.map((cidrBlock, i) => {
      const subnet = new ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId: vpc.id,
          cidrBlock,
          availabilityZone: zone(i),
          mapPublicIpOnLaunch: false,
          // Internal load balancers of the cluster are placed in subnets with this tag.
          tags: { ...nameTag(`private-${i}`), "kubernetes.io/role/internal-elb": "1" },
        },
        { parent: this },
      );
      const nat = natGateways[i % natGateways.length];
      const routes = new ec2.RouteTable(
        `${name}-private-${i}-rt`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: nameTag(`private-${i}`),
        },
        { parent: this },
      );
      new ec2.RouteTableAssociation(
        `${name}-private-${i}-rta`,
        { subnetId: subnet.id, routeTableId: routes.id },
        { parent: this },
      );
      return subnet;
    });

    this.networkId = vpc.id;
    this.privateSubnetIds = pulumi.all(privateSubnets.map((subnet) => subnet.id));
    this.registerOutputs({
      networkId: this.networkId,
      privateSubnetIds: this.privateSubnetIds,
      zones: this.zones,
    });
  }
}

function ipToNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`\`${ip}\` is not an IPv4 address`);
  }
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}
