import type * as pulumi from "@pulumi/pulumi";

/**
 * The private network every other component lives in. Backends add their own details (subnet
 * roles, delegated subnets, private service access) on their concrete class; shared code reads
 * only these outputs.
 */
export interface Network {
  networkId: pulumi.Output<string>;
  /** Subnets with no route from the internet, one per zone where the cloud has zonal subnets. */
  privateSubnetIds: pulumi.Output<string[]>;
  /** Zones the platform spreads across. */
  zones: pulumi.Output<string[]>;
}
