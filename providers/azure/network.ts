import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import type { FoundationArgs } from "../../src/contracts/backend";
import type { Network } from "../../src/contracts/network";
import { azureName } from "./naming";

/** Availability zones the platform spreads across; every AKS region with zones has 1-3. */
export const azureZones = ["1", "2", "3"];

/** Address prefixes of the platform's subnets, carved from the VNet's address space. */
export interface SubnetLayout {
  /** AKS nodes (pods use the CNI overlay, so they take no VNet addresses): the first half. */
  nodes: string;
  /** Delegated to PostgreSQL Flexible Server. */
  database: string;
  /** Private endpoints (Key Vault, AI Search). */
  privateEndpoints: string;
  /** Delegated to AKS for API server VNet integration (a private Key Vault for KMS needs it). */
  apiServer: string;
}

/**
 * Splits `cidr` into the platform's subnets: nodes take the first half, and three blocks of a
 * sixteenth follow it. Needs a prefix of /20 or shorter, which `rules.ts` checks.
 */
export function subnetLayout(cidr: string): SubnetLayout {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const base = ipToNumber(address) & prefixMask(prefix);
  const sixteenth = 2 ** (32 - (prefix + 4));
  const block = (index: number, length: number) =>
    `${numberToIp(base + index * sixteenth)}/${length}`;
  return {
    nodes: `${numberToIp(base)}/${prefix + 1}`,
    database: block(8, prefix + 4),
    privateEndpoints: block(9, prefix + 4),
    apiServer: block(10, prefix + 4),
  };
}

function ipToNumber(ip: string): number {
  return ip.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Private DNS zones of the services reached through private endpoints. */
export const privateLinkZones = {
  keyVault: "privatelink.vaultcore.azure.net",
  search: "privatelink.search.windows.net",
} as const;

/**
 * The resource group and private network of the platform: a VNet with subnets for nodes, the
 * database, private endpoints and the API server, a NAT gateway for node egress, and the private
 * DNS zones linked to the VNet.
 */
export class AzureNetwork extends pulumi.ComponentResource implements Network {
  readonly networkId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly zones: pulumi.Output<string[]>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly resourceGroupId: pulumi.Output<string>;
  readonly location: string;
  readonly nodeSubnetId: pulumi.Output<string>;
  readonly databaseSubnetId: pulumi.Output<string>;
  readonly privateEndpointSubnetId: pulumi.Output<string>;
  readonly apiServerSubnetId: pulumi.Output<string>;
  readonly natGatewayId: pulumi.Output<string>;
  /** Zone for Flexible Server VNet integration (`<name>.private.postgres.database.azure.com`). */
  readonly postgresDnsZoneId: pulumi.Output<string>;
  readonly keyVaultDnsZoneId: pulumi.Output<string>;
  readonly searchDnsZoneId: pulumi.Output<string>;
  private readonly tags: Record<string, string>;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:network:AzureNetwork", name, {}, opts);
    const { naming, tags, region } = args;
    this.location = region;
    this.tags = tags;
    const layout = subnetLayout(args.settings.cidr);

    // One resource group holds the whole platform, so access and cost roll up in one place.
    const group = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: azureName(naming, "rg", "resourceGroup"), location: region, tags },
      { parent: this },
    );
    this.resourceGroupName = group.name;
    this.resourceGroupId = group.id;
    const placement = { resourceGroupName: group.name, location: region, tags };

    // Egress for nodes through a NAT gateway with a zone-redundant address; nothing else goes out.
    if (args.settings.natPerZone) {
      void pulumi.log.warn(
        "RAG401: rag:natPerZone is true, but an Azure Standard NAT gateway serves a whole subnet " +
          "from one zone; the node subnet gets one regional gateway with a zone-redundant address.",
        this,
      );
    }
    // TODO: a Standard NAT gateway is not zone-redundant; losing its zone stops node egress until
    // Azure recovers it. Zone-independent egress needs per-zone node pools and subnets, each with
    // its own gateway, or the StandardV2 SKU once the SDK offers it.
    const natAddress = new network.PublicIPAddress(
      `${name}-nat-ip`,
      {
        ...placement,
        publicIpAddressName: azureName(naming, "nat-ip", "generic"),
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        zones: azureZones,
      },
      { parent: this },
    );
    const nat = new network.NatGateway(
      `${name}-nat`,
      {
        ...placement,
        natGatewayName: azureName(naming, "nat", "generic"),
        sku: { name: "Standard" },
        idleTimeoutInMinutes: 4,
        publicIpAddresses: [{ id: natAddress.id }],
      },
      { parent: this },
    );
    this.natGatewayId = nat.id;

    // The VNet; subnets are separate resources so they can be changed without replacing it.
    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        ...placement,
        virtualNetworkName: azureName(naming, "vnet", "generic"),
        addressSpace: { addressPrefixes: [args.settings.cidr] },
      },
      { parent: this, ignoreChanges: ["subnets"] },
    );
    this.networkId = vnet.id;

    // Subnets one after another: Azure rejects concurrent writes to one VNet.
    const subnet = (
      role: string,
      prefix: string,
      extra: Partial<network.SubnetArgs>,
      after?: pulumi.Resource,
    ) =>
      new network.Subnet(
        `${name}-${role}`,
        {
          resourceGroupName: group.name,
          virtualNetworkName: vnet.name,
          subnetName: role,
          addressPrefix: prefix,
          // No implicit internet route: egress only where a NAT gateway is attached.
          defaultOutboundAccess: false,
          ...extra,
        },
        { parent: this, dependsOn: after ? [after] : [] },
      );
    const nodes = subnet("nodes", layout.nodes, { natGateway: { id: nat.id } });
    const database = subnet(
      "database",
      layout.database,
      {
        delegations: [
          { name: "postgres", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" },
        ],
      },
      nodes,
    );
    const endpoints = subnet(
      "private-endpoints",
      layout.privateEndpoints,
      { privateEndpointNetworkPolicies: "Enabled" },
      database,
    );
    const apiServer = subnet(
      "api-server",
      layout.apiServer,
      { delegations: [{ name: "aks", serviceName: "Microsoft.ContainerService/managedClusters" }] },
      endpoints,
    );
    this.nodeSubnetId = nodes.id;
    this.databaseSubnetId = database.id;
    this.privateEndpointSubnetId = endpoints.id;
    this.apiServerSubnetId = apiServer.id;
    this.privateSubnetIds = pulumi.all([nodes.id, database.id, endpoints.id]).apply((ids) => ids);
    this.zones = pulumi.output(azureZones);

    // Private DNS zones, linked to the VNet, so private endpoints resolve from inside it.
    const zone = (role: string, zoneName: string) => {
      const privateZone = new privatedns.PrivateZone(
        `${name}-dns-${role}`,
        { resourceGroupName: group.name, privateZoneName: zoneName, location: "global", tags },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-dns-${role}-link`,
        {
          resourceGroupName: group.name,
          privateZoneName: privateZone.name,
          virtualNetworkLinkName: azureName(naming, `${role}-link`, "generic"),
          location: "global",
          registrationEnabled: false,
          virtualNetwork: { id: vnet.id },
          tags,
        },
        { parent: this },
      );
      return privateZone.id;
    };
    this.postgresDnsZoneId = zone(
      "postgres",
      `${naming.physical("db", { maxLength: 40, charset: "lower-hyphen" })}.private.postgres.database.azure.com`,
    );
    this.keyVaultDnsZoneId = zone("keyvault", privateLinkZones.keyVault);
    this.searchDnsZoneId = zone("search", privateLinkZones.search);

    this.registerOutputs({ networkId: this.networkId, resourceGroupName: this.resourceGroupName });
  }

  /**
   * A private endpoint in the platform's endpoint subnet for `resourceId`, registered in the
   * private DNS zone so the service's public name resolves to the private address in the VNet.
   */
  privateEndpoint(
    name: string,
    args: { resourceId: pulumi.Input<string>; groupId: string; dnsZoneId: pulumi.Input<string> },
    parent: pulumi.Resource,
  ): network.PrivateEndpoint {
    const endpoint = new network.PrivateEndpoint(
      name,
      {
        resourceGroupName: this.resourceGroupName,
        location: this.location,
        subnet: { id: this.privateEndpointSubnetId },
        privateLinkServiceConnections: [
          { name: args.groupId, privateLinkServiceId: args.resourceId, groupIds: [args.groupId] },
        ],
        tags: this.tags,
      },
      { parent },
    );
    new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        resourceGroupName: this.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.dnsZoneId }],
      },
      { parent },
    );
    return endpoint;
  }
}
