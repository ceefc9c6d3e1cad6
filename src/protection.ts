import type * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "./config/settings";

/**
 * Resource options for a stateful resource (database, key, secret, vector index, log archive):
 * Pulumi `protect` and `retainOnDelete` as the environment's profile decides. Staging leaves
 * both off so that `pulumi destroy` tears the stack down.
 */
export function statefulOptions(
  protection: ProtectionSettings,
): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return { protect: protection.protect, retainOnDelete: protection.retainOnDelete };
}
