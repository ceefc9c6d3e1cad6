import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

/** Built-in Azure role definition ids this backend assigns (the same in every tenant). */
export const builtInRoles = {
  /** Read secret contents. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Wrap and unwrap with a key (the role Azure services use for customer-managed keys). */
  keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  /** Encrypt and decrypt with keys (AKS KMS plugin). */
  keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
  /** Manage the vault resource; AKS KMS needs it to link a private vault to the API server. */
  keyVaultContributor: "f25e0fa2-a7c8-4377-a976-54943a77a395",
  /** Join subnets and attach the NAT gateway (AKS control-plane identity on its VNet). */
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  /** Full Kubernetes access through Azure RBAC (the deployer, to manage in-cluster resources). */
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  /** Read and write documents in Azure AI Search indexes. */
  searchIndexDataContributor: "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
  /** Read, write and delete blobs (the Qdrant snapshot job, on its container alone). */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

export type BuiltInRole = keyof typeof builtInRoles;

/** The subscription-scoped id of a built-in role definition. */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[role]}`;
}

export interface GrantArgs {
  role: BuiltInRole;
  scope: pulumi.Input<string>;
  /** Object (principal) id of a managed identity. */
  principalId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  /**
   * `lookup` lets Azure resolve the type (the deployer may be a user or a service principal).
   * @default "ServicePrincipal" (managed identities)
   */
  principalType?: "ServicePrincipal" | "User" | "Group" | "lookup";
}

/** Assigns a built-in role to a managed identity at exactly `scope`. */
export function grantRole(
  name: string,
  args: GrantArgs,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  const principalType = args.principalType ?? "ServicePrincipal";
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      // Declaring the type skips the directory lookup that fails for identities created seconds ago.
      principalType: principalType === "lookup" ? undefined : principalType,
      roleDefinitionId: pulumi
        .output(args.subscriptionId)
        .apply((id) => roleDefinitionId(id, args.role)),
      scope: args.scope,
    },
    opts,
  );
}
