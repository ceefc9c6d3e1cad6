import { createHash } from "node:crypto";
import type { NameRule, Naming } from "../../src/naming";

/** An Azure name rule; `globallyUnique` names share one DNS namespace across every tenant. */
export interface AzureNameRule extends NameRule {
  /** The name is a public DNS label (`<name>.vault.azure.net`), so it carries a stable hash. */
  globallyUnique?: boolean;
}

/** The physical-name rules of every Azure resource kind this backend names itself. */
export const azureNameRules = {
  resourceGroup: { maxLength: 90, charset: "mixed-hyphen" },
  /** 3-24 letters, digits and hyphens, starting with a letter, globally unique. */
  keyVault: { maxLength: 24, minLength: 3, charset: "lower-hyphen", globallyUnique: true },
  /** 3-24 lower-case letters and digits only, globally unique. */
  storageAccount: { maxLength: 24, minLength: 3, charset: "lower", globallyUnique: true },
  /** 3-63 lower-case letters, digits and hyphens; `<name>.postgres.database.azure.com`. */
  postgresServer: { maxLength: 63, minLength: 3, charset: "lower-hyphen", globallyUnique: true },
  /** PostgreSQL database names: no hyphens. */
  postgresDatabase: { maxLength: 63, charset: "underscore" },
  /** AKS cluster names: 1-63. */
  aksCluster: { maxLength: 63, charset: "mixed-hyphen" },
  /** The resource group AKS creates for nodes: at most 80. */
  aksNodeResourceGroup: { maxLength: 80, charset: "mixed-hyphen" },
  /** AKS DNS prefix: 1-54 letters, digits and hyphens. */
  aksDnsPrefix: { maxLength: 54, charset: "lower-hyphen" },
  /** 2-60 lower-case letters, digits and hyphens; `<name>.search.windows.net`. */
  searchService: { maxLength: 60, minLength: 2, charset: "lower-hyphen", globallyUnique: true },
  /** Log Analytics workspaces: 4-63. */
  logWorkspace: { maxLength: 63, minLength: 4, charset: "mixed-hyphen" },
  /** Generic resources (VNets, identities, alerts, private endpoints): 1-64. */
  generic: { maxLength: 64, charset: "mixed-hyphen" },
  /** Action group short names: at most 12 characters. */
  actionGroupShortName: { maxLength: 12, charset: "mixed-hyphen" },
} as const satisfies Record<string, AzureNameRule>;

export type AzureNameKind = keyof typeof azureNameRules;

const uniqueHashLength = 6;

/**
 * The physical name of `role` for an Azure resource kind. Globally unique kinds end with a hash
 * of the stack prefix, so that the name is known at preview time (no subscription id needed) and
 * two stacks never claim the same DNS label.
 */
export function azureName(naming: Naming, role: string, kind: AzureNameKind): string {
  const rule: AzureNameRule = azureNameRules[kind];
  if (!rule.globallyUnique) return naming.physical(role, rule);
  // TODO: the hash covers project, platform and stack names only, so two organisations deploying
  // this project with the same stack name compete for the same global name; the loser's `up`
  // fails with a name conflict until one of them renames its stack.
  const hash = stableHash(`${naming.prefix}/${role}`, uniqueHashLength);
  const separator = rule.charset === "lower" ? "" : "-";
  const body = naming.physical(role, {
    ...rule,
    maxLength: rule.maxLength - uniqueHashLength - separator.length,
    minLength: 1,
  });
  return `${body}${separator}${hash}`;
}

/** A short lower-case hex hash of `seed`, stable across runs and machines. */
export function stableHash(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A deterministic UUID for resources whose name must be a GUID (workbooks). */
export function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}
