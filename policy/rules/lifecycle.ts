import {
  expectAtLeast,
  expectValue,
  get,
  resourceRule,
  type Finding,
  type ResourceView,
  type StackView,
} from "../engine";
import { isStateful, statefulTypes } from "./stateful";

/**
 * In production, Pulumi `protect` and `retainOnDelete` on every stateful type, so neither a
 * destroy nor a replace deletes data. CrossGuard passes no `retainOnDelete` to a policy, so there
 * only `protect` is judged.
 */
export const statefulProtected = resourceRule({
  name: "stateful-resources-protected",
  level: "mandatory",
  description:
    "In production, every stateful resource has Pulumi `protect` and `retainOnDelete`, so " +
    "neither a destroy nor a replace deletes data.",
  productionOnly: true,
  judges: Object.fromEntries(
    statefulTypes.map((type) => [
      type,
      (r: ResourceView): Finding[] => {
        const findings: Finding[] = [];
        if (!r.protect) findings.push({ property: "protect", problem: "is false; expected true" });
        if (r.retainOnDelete === false)
          findings.push({ property: "retainOnDelete", problem: "is false; expected true" });
        return findings;
      },
    ]),
  ),
});

/** The ARM resource id segment of each Azure type a `CanNotDelete` lock must cover. */
const lockedAzureTypes: Record<string, { segment: string; nameProperty: string }> = {
  "azure-native:dbforpostgresql:Server": { segment: "flexibleServers", nameProperty: "serverName" },
  "azure-native:keyvault:Vault": { segment: "vaults", nameProperty: "vaultName" },
  "azure-native:search:Service": { segment: "searchServices", nameProperty: "searchServiceName" },
};

/** Azure has no deletion-protection flag: a `CanNotDelete` management lock stands in for it. */
function azureLock(r: ResourceView, stack: StackView): Finding[] {
  const { segment, nameProperty } = lockedAzureTypes[r.type];
  const name = get(r.props, nameProperty);
  const locked = stack.resources.some((lock) => {
    if (lock.type !== "azure-native:authorization:ManagementLockByScope") return false;
    if (get(lock.props, "level") !== "CanNotDelete") return false;
    const scope = get(lock.props, "scope");
    // An unknown scope is the id of a resource the update creates; it may be this one.
    return typeof scope !== "string" || scope.endsWith(`/${segment}/${String(name)}`);
  });
  if (locked) return [];
  return [{ property: nameProperty, problem: "is covered by no CanNotDelete lock; expected one" }];
}

/** Provider-side deletion protection on stateful resources and clusters in production. */
export const deletionProtection = resourceRule({
  name: "deletion-protection-in-production",
  level: "mandatory",
  description:
    "In production, the cloud itself refuses to delete databases, clusters, secrets, log " +
    "groups and vaults (deletion protection, recovery windows, management locks).",
  productionOnly: true,
  concern: (type) =>
    isStateful(type) ||
    /^(aws:eks\/cluster|gcp:container\/cluster|azure-native:containerservice:ManagedCluster)/.test(
      type,
    ),
  judges: {
    "aws:rds/instance:Instance": (r) => expectValue(r.props, "deletionProtection", true),
    "aws:eks/cluster:Cluster": (r) => expectValue(r.props, "deletionProtection", true),
    "aws:cloudwatch/logGroup:LogGroup": (r) =>
      expectValue(r.props, "deletionProtectionEnabled", true),
    "aws:s3/bucket:Bucket": (r) => expectValue(r.props, "forceDestroy", false),
    "aws:kms/key:Key": (r) => expectValue(r.props, "deletionWindowInDays", 30),
    "aws:secretsmanager/secret:Secret": (r) => expectAtLeast(r.props, "recoveryWindowInDays", 7),
    "gcp:sql/databaseInstance:DatabaseInstance": (r) => [
      ...expectValue(r.props, "deletionProtection", true),
      ...expectValue(r.props, "settings.deletionProtectionEnabled", true),
    ],
    "gcp:container/cluster:Cluster": (r) => expectValue(r.props, "deletionProtection", true),
    "gcp:secretmanager/secret:Secret": (r) => expectValue(r.props, "deletionProtection", true),
    "azure-native:dbforpostgresql:Server": azureLock,
    "azure-native:search:Service": azureLock,
    "azure-native:keyvault:Vault": (r, stack) => [
      ...expectValue(r.props, "properties.enablePurgeProtection", true),
      ...azureLock(r, stack),
    ],
  },
  exempt: {
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      "has no deletion protection setting; the source instance's is judged",
    "aws:opensearch/serverlessCollection:ServerlessCollection":
      "has no deletion protection setting in the AWS API; `protect` guards it",
    "gcp:sql/database:Database": "is protected with its instance",
    "gcp:kms/keyRing:KeyRing": "cannot be deleted in GCP",
    "gcp:kms/cryptoKey:CryptoKey": "cannot be deleted in GCP; only versions are destroyed",
    "gcp:vertex/aiIndex:AiIndex": "has no deletion protection setting; `protect` guards it",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": "the _Default bucket cannot be deleted",
    "azure-native:keyvault:Key": "is protected by its vault's purge protection and lock",
    "azure-native:keyvault:Secret": "is protected by its vault's purge protection and lock",
    // TODO: no management lock covers the Log Analytics workspace, so the cloud itself would
    // delete it (soft-deleted for 14 days); only Pulumi `protect` guards it.
    "azure-native:operationalinsights:Workspace": "has no lock yet; `protect` guards it",
    // TODO: AKS has no deletion-protection flag and no lock covers the cluster, so a delete
    // through the cloud would succeed and take the service down (it holds no platform data).
    "azure-native:containerservice:ManagedCluster": "has no deletion-protection setting in Azure",
  },
});
