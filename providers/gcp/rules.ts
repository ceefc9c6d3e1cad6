import type { CloudRules } from "../../src/config/load";
import type { ConfigIssue } from "../../src/config/issues";
import type { PlatformSettings } from "../../src/config/settings";

const regionPattern = /^[a-z]+-[a-z]+\d+$/;

/** GCP provider keys and the checks only GCP can judge; imports no SDK. */
export const gcpRules: CloudRules = {
  providerConfig: {
    regionKey: "gcp:region",
    required: [
      {
        key: "gcp:project",
        expected:
          "a GCP project id: 6-30 lower-case letters, digits or hyphens, starting with a letter",
        pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      },
      { key: "gcp:region", expected: "a GCP region such as europe-west4", pattern: regionPattern },
    ],
  },
  statefulTypes: [
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:sql/database:Database",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:secretmanager/secret:Secret",
    "gcp:vertex/aiIndex:AiIndex",
    "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  ],
  validate(settings: PlatformSettings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const backupRegion = settings.database.backupRegion;
    if (backupRegion !== undefined && !regionPattern.test(backupRegion)) {
      issues.push({
        key: "rag:backupRegion",
        expected: "a GCP region such as europe-west1",
        given: JSON.stringify(backupRegion),
      });
    }
    const machineType = settings.cluster.nodeMachineType;
    if (machineType !== undefined && !/^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(machineType)) {
      issues.push({
        key: "rag:nodeMachineType",
        expected: "a Compute Engine machine type such as e2-standard-4",
        given: JSON.stringify(machineType),
      });
    }
    const tier = settings.database.instanceType;
    if (tier !== undefined && tier.startsWith("db-perf-optimized-")) {
      // The backend runs Cloud SQL Enterprise edition; performance-optimized tiers belong to
      // Enterprise Plus and would be refused only at `pulumi up`.
      issues.push({
        key: "rag:databaseInstanceType",
        expected: "a Cloud SQL Enterprise-edition tier such as db-custom-4-16384",
        given: JSON.stringify(tier),
        hint: "db-perf-optimized-* tiers need Enterprise Plus, which this backend does not use.",
      });
    } else if (tier !== undefined && !/^db-[a-z0-9-]+$/.test(tier)) {
      issues.push({
        key: "rag:databaseInstanceType",
        expected: "a Cloud SQL tier such as db-custom-2-8192",
        given: JSON.stringify(tier),
      });
    }
    return issues;
  },
};
