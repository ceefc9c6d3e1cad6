import type * as pulumi from "@pulumi/pulumi";
import type { ComponentContext, SecretReference, WorkloadIdentity } from "./common";
import type { ProtectionSettings, VaultSettings } from "../config/settings";
import type { Monitoring } from "./monitoring";

export interface VaultArgs extends ComponentContext {
  settings: VaultSettings;
  protection: ProtectionSettings;
  monitoring: Monitoring;
}

export interface PutSecretArgs {
  /** Logical name, unique within the platform, lower-case with hyphens. */
  logicalName: string;
  /** The value; stored as a Pulumi secret and never exported in plain text. */
  value: pulumi.Input<string>;
  description: string;
}

/**
 * The cloud's secret store with a customer-managed key, a rotation schedule, least-privilege
 * access for the cluster's workload identity, and audit logging of secret access.
 */
export interface Vault {
  /** Secrets Manager prefix ARN, GCP project secret prefix, Key Vault resource id. */
  vaultId: pulumi.Output<string>;
  /** The customer-managed key that encrypts the secrets. */
  keyId: pulumi.Output<string>;
  /** Stores a value as a secret (encrypted with `keyId`, with rotation configured). */
  putSecret(args: PutSecretArgs): SecretReference;
  /**
   * Registers a secret another service created in the store (for example the RDS-managed
   * master password) so that `grantRead` and the outputs can include it.
   */
  adoptSecret(ref: SecretReference): SecretReference;
  /** Secrets the platform stored or adopted. */
  readonly secrets: ReadonlyArray<SecretReference>;
  /** Grants the identity read access to exactly these secrets, and nothing else. */
  grantRead(identity: WorkloadIdentity, secrets: SecretReference[]): void;
}
