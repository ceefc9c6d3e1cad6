/**
 * Fixed answers the offline plan gives in place of a cloud: invoke results (zones, caller
 * identity, project, client config) and the computed outputs a resource gets once created
 * (ARNs, endpoints, ids). Each cloud ships its own under `providers/<cloud>/fixtures.ts`; they
 * are plain data and import no SDK.
 */

export type Inputs = Record<string, unknown>;

export interface CloudFixtures {
  /** Invoke token (for example `aws:index/getAvailabilityZones:getAvailabilityZones`) to result. */
  invokes: Record<string, (args: Inputs) => Inputs>;
  /** Resource type token to the outputs the provider computes, merged over the inputs. */
  resourceOutputs: Record<string, (name: string, inputs: Inputs) => Inputs>;
  /**
   * Outputs every resource of the cloud gets unless `resourceOutputs` names its type (for
   * example an ARN on AWS). Receives the type token.
   */
  defaultOutputs?: (type: string, name: string, inputs: Inputs) => Inputs;
  /** Physical id of a resource. @default `${name}-id` */
  id?: (type: string, name: string, inputs: Inputs) => string;
}

/** Type-token prefixes each cloud's fixtures answer for (`aws:`, `gcp:`, `azure-native:`). */
export interface FixtureSet {
  /** Prefix of the package's tokens, including the colon. */
  prefix: string;
  fixtures: CloudFixtures;
}
