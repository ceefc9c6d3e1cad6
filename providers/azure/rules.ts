import type { CloudRules } from "../../src/config/load";
import type { ConfigIssue } from "../../src/config/issues";
import type { PlatformSettings } from "../../src/config/settings";
import type { RecoveryFacts } from "../../src/recovery/facts";

const locationPattern = /^[a-z]+[a-z0-9]*$/;

/**
 * Pod and service ranges of the AKS CNI overlay; they live outside the VNet but must not overlap
 * it, or nodes could not route to their own subnet.
 */
export const kubernetesAddressRanges = {
  podCidr: "192.168.0.0/16",
  serviceCidr: "172.16.0.0/16",
  dnsServiceIp: "172.16.0.10",
} as const;

/**
 * The region Azure copies geo-redundant PostgreSQL backups to (its paired region); the backup
 * region cannot be chosen, so `rag:backupRegion` must name it.
 */
export const pairedRegions: Record<string, string> = {
  westeurope: "northeurope",
  northeurope: "westeurope",
  uksouth: "ukwest",
  ukwest: "uksouth",
  francecentral: "francesouth",
  germanywestcentral: "germanynorth",
  swedencentral: "swedensouth",
  switzerlandnorth: "switzerlandwest",
  norwayeast: "norwaywest",
  eastus: "westus",
  eastus2: "centralus",
  centralus: "eastus2",
  westus: "eastus",
  westus2: "westcentralus",
  westus3: "eastus",
  northcentralus: "southcentralus",
  southcentralus: "northcentralus",
  canadacentral: "canadaeast",
  australiaeast: "australiasoutheast",
  japaneast: "japanwest",
  southeastasia: "eastasia",
  eastasia: "southeastasia",
  centralindia: "southindia",
  koreacentral: "koreasouth",
  brazilsouth: "southcentralus",
};

/**
 * Azure locations with availability zones, from Microsoft Learn's "Azure regions list" (the page
 * "Azure regions with availability zone support" now points to; page dated 2025-09-23, read
 * 2026-12-04), plus the two sovereign-cloud locations with zones it listed before
 * (usgovvirginia, chinanorth3). Locations marked "coming soon" there are left out.
 */
// TODO: Azure opens zonal regions every year; a new one is refused until it is added here.
export const zonalLocations: readonly string[] = [
  "australiaeast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "canadacentral",
  "centralindia",
  "centralus",
  "chilecentral",
  "chinanorth3",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "koreacentral",
  "malaysiawest",
  "mexicocentral",
  "newzealandnorth",
  "northeurope",
  "norwayeast",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southcentralus",
  "southeastasia",
  "spaincentral",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "usgovvirginia",
  "westeurope",
  "westus2",
  "westus3",
];

/** The nearest locations with zones, for the locations of the same list that have none. */
export const zonalAlternatives: Record<string, string[]> = {
  westus: ["westus2", "westus3"],
  westcentralus: ["westus2", "centralus"],
  northcentralus: ["centralus", "eastus2"],
  canadaeast: ["canadacentral"],
  ukwest: ["uksouth"],
  australiasoutheast: ["australiaeast"],
  australiacentral: ["australiaeast"],
  australiacentral2: ["australiaeast"],
  brazilsoutheast: ["brazilsouth"],
  francesouth: ["francecentral"],
  germanynorth: ["germanywestcentral"],
  koreasouth: ["koreacentral"],
  norwaywest: ["norwayeast"],
  southafricawest: ["southafricanorth"],
  southindia: ["centralindia"],
  westindia: ["centralindia"],
  swedensouth: ["swedencentral"],
  switzerlandwest: ["switzerlandnorth"],
  uaecentral: ["uaenorth"],
};

/**
 * Refuses a location without availability zones: AKS always spreads its nodes over zones 1-3 and
 * the Flexible Server is pinned to a zone (zone-redundant standby in production), which Azure
 * rejects at `up` in such a location, whatever the environment.
 */
export function locationZoneIssues(location: string): ConfigIssue[] {
  if (!locationPattern.test(location) || zonalLocations.includes(location)) return [];
  const alternatives = zonalAlternatives[location];
  return [
    {
      key: "azure-native:location",
      expected:
        "a location with availability zones (the platform always spreads AKS over zones 1-3 and pins the database to a zone)",
      given: `${JSON.stringify(location)}, ${alternatives ? "which has no availability zones" : "which is not a known location with availability zones"}`,
      hint: alternatives
        ? `The nearest locations with zones are ${alternatives.join(" and ")}.`
        : "Use a location such as westeurope, northeurope, eastus2 or westus3; see Microsoft's Azure regions list for every location with zones.",
    },
  ];
}

/** Whether two IPv4 CIDR blocks share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const range = (cidr: string): [number, number] => {
    const [address, prefixText] = cidr.split("/");
    const start = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(prefixText));
    const first = start - (start % size);
    return [first, first + size - 1];
  };
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** Flexible Server SKUs of the Burstable tier (Standard_B...), which offer no HA standby. */
export function isBurstableSku(sku: string): boolean {
  return /^Standard_B/.test(sku);
}

/**
 * What Azure Database for PostgreSQL flexible server delivers. Microsoft gives restore time only
 * as "varies" (minutes to 12 hours): `baseMinutes` and `minutesPer100Gb` are this project's
 * planning figures.
 */
// TODO: the restore durations are planning assumptions, not measurements; until a restore drill
// calibrates them, the RTO check can pass a target the real restore misses.
export const azureRecovery: RecoveryFacts = {
  // "Overview of business continuity with Azure Database for PostgreSQL - Flexible Server":
  // point-in-time restore RPO < 5 min, RTO varies (few minutes up to 12 hours).
  pointInTimeRestore: {
    rpoMinutes: 5,
    baseMinutes: 60,
    minutesPer100Gb: 15,
    source: "Azure Database for PostgreSQL: Overview of business continuity",
  },
  // Same page: zone-redundant HA fails over in less than 120 s with zero data loss.
  zoneFailover: {
    rpoMinutes: 0,
    rtoMinutes: 2,
    source: "Azure Database for PostgreSQL: Overview of business continuity",
  },
  // Same page: geo-restore from geo-redundant backups, RPO < 1 h, RTO varies. The base time
  // includes standing the platform up in the paired region.
  crossRegionRestore: {
    rpoMinutes: 60,
    baseMinutes: 120,
    minutesPer100Gb: 15,
    source: "Azure Database for PostgreSQL: Overview of business continuity",
  },
};

/** Azure provider keys and the checks only Azure can judge; imports no SDK. */
export const azureRules: CloudRules = {
  providerConfig: {
    regionKey: "azure-native:location",
    required: [
      {
        key: "azure-native:location",
        expected: "an Azure location name such as westeurope (lower-case, no spaces)",
        pattern: locationPattern,
      },
    ],
  },
  statefulTypes: [
    "azure-native:dbforpostgresql:Server",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:keyvault:Secret",
    "azure-native:search:Service",
    "azure-native:operationalinsights:Workspace",
  ],
  recovery: azureRecovery,
  validate(settings: PlatformSettings): ConfigIssue[] {
    const issues: ConfigIssue[] = [...locationZoneIssues(settings.region)];
    const retention = settings.monitoring.logRetentionDays;
    if (retention < 30 || retention > 730) {
      issues.push({
        key: "rag:logRetentionDays",
        expected: "an integer from 30 to 730 (Log Analytics workspace retention)",
        given: String(retention),
      });
    }
    const backupRegion = settings.database.backupRegion;
    if (backupRegion !== undefined && !locationPattern.test(backupRegion)) {
      issues.push({
        key: "rag:backupRegion",
        expected: `an Azure location name such as ${pairedRegions[settings.region] ?? "northeurope"}`,
        given: JSON.stringify(backupRegion),
      });
    }
    const machineType = settings.cluster.nodeMachineType;
    if (machineType !== undefined && !/^Standard_[A-Za-z0-9_]+$/.test(machineType)) {
      issues.push({
        key: "rag:nodeMachineType",
        expected: "an Azure VM size such as Standard_D4s_v5",
        given: JSON.stringify(machineType),
      });
    }
    const sku = settings.database.instanceType;
    if (sku !== undefined && !/^Standard_[A-Za-z0-9_]+$/.test(sku)) {
      issues.push({
        key: "rag:databaseInstanceType",
        expected: "a Flexible Server SKU such as Standard_D2ds_v5",
        given: JSON.stringify(sku),
      });
    }
    issues.push(...networkIssues(settings), ...databaseIssues(settings));
    return issues;
  },
};

function networkIssues(settings: PlatformSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const cidr = settings.network.cidr;
  const prefix = Number(cidr.split("/")[1]);
  if (!(prefix >= 8 && prefix <= 20)) {
    issues.push({
      key: "rag:networkCidr",
      expected: "an IPv4 block from /8 to /20 (nodes take half, three /+4 subnets follow)",
      given: JSON.stringify(cidr),
    });
  }
  for (const range of [kubernetesAddressRanges.podCidr, kubernetesAddressRanges.serviceCidr]) {
    if (prefix >= 0 && prefix <= 32 && cidrsOverlap(cidr, range)) {
      issues.push({
        key: "rag:networkCidr",
        expected: `a block that does not overlap the cluster's pod and service ranges (${range})`,
        given: JSON.stringify(cidr),
        hint: "Choose an address space in 10.0.0.0/8.",
      });
    }
  }
  return issues;
}

function databaseIssues(settings: PlatformSettings): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { database, region } = settings;
  // The size map gives Burstable only for `small`; an explicit SKU decides otherwise.
  const burstable =
    database.instanceType !== undefined
      ? isBurstableSku(database.instanceType)
      : database.size === "small";
  if (database.highAvailability && burstable) {
    issues.push({
      key: "rag:databaseHighAvailability",
      expected:
        "false with a Burstable (Standard_B...) database, which has no zone-redundant standby",
      given: "true",
      hint: "Use rag:databaseSize medium or large, or a General Purpose rag:databaseInstanceType.",
    });
  }
  const paired = pairedRegions[region];
  // A backup region that is no Azure location name at all is already reported by `validate`.
  const backupRegion = database.backupRegion;
  if (database.crossRegionBackup && paired !== undefined && backupRegion !== undefined) {
    if (backupRegion !== paired && locationPattern.test(backupRegion)) {
      issues.push({
        key: "rag:backupRegion",
        expected: `${paired}, the region Azure pairs with ${region} for geo-redundant backups`,
        given: JSON.stringify(database.backupRegion),
      });
    }
  }
  return issues;
}
