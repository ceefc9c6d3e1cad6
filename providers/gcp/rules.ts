import type { CloudRules } from "../../src/config/load";
import type { ConfigIssue } from "../../src/config/issues";
import type { PlatformSettings } from "../../src/config/settings";
import type { RecoveryFacts } from "../../src/recovery/facts";

const regionPattern = /^[a-z]+-[a-z]+\d+$/;

/**
 * What Cloud SQL for PostgreSQL (Enterprise edition, standard backups) delivers. Restore durations
 * are not published by Google: `baseMinutes` and `minutesPer100Gb` are this project's planning
 * figures.
 */
// TODO: the restore durations, the 5-minute PITR lag and the 5-minute failover are planning
// assumptions (Google publishes none of them); until a drill calibrates them, the RTO/RPO check
// can pass a target the real recovery misses.
export const gcpRecovery: RecoveryFacts = {
  // "About restoring an instance" (Cloud SQL): point-in-time recovery replays write-ahead logs
  // archived to Cloud Storage; `gcloud sql instances get-latest-recovery-time` shows the real lag.
  pointInTimeRestore: {
    rpoMinutes: 5,
    baseMinutes: 60,
    minutesPer100Gb: 15,
    source: "Cloud SQL for PostgreSQL: About restoring an instance",
  },
  // "About high availability" (Cloud SQL): writes reach both zones' disks before commit (no data
  // loss); failover starts once the primary is unresponsive for about 60 seconds.
  zoneFailover: {
    rpoMinutes: 0,
    rtoMinutes: 5,
    source: "Cloud SQL for PostgreSQL: About high availability",
  },
  // "Backup options" (Cloud SQL): standard automated backups are taken daily. The backend sets
  // only the backups' location (rag:backupRegion), so a restore there starts from the last daily
  // backup and can lose up to a day; a cross-region replica would bring this to minutes.
  crossRegionRestore: {
    rpoMinutes: 1440,
    baseMinutes: 120,
    minutesPer100Gb: 15,
    source: "Cloud SQL for PostgreSQL: Backup options; About disaster recovery (DR) in Cloud SQL",
  },
};

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
  recovery: gcpRecovery,
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
