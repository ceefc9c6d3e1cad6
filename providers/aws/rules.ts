import type { CloudRules } from "../../src/config/load";
import type { ConfigIssue } from "../../src/config/issues";
import type { PlatformSettings } from "../../src/config/settings";
import type { RecoveryFacts } from "../../src/recovery/facts";

const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy); any other value is refused. */
export const cloudWatchRetentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** Zones the platform spreads over (subnets, EKS nodes, the Multi-AZ database); see network.ts. */
const requiredZones = 3;

/**
 * Regions where an account sees fewer than `requiredZones` Availability Zones, with the nearest
 * regions that have enough. In us-west-1 (N. California) AWS lists three AZ ids, but usw1-az2 is
 * constrained and not offered to new accounts, which see two ("AWS Availability Zones", AWS
 * Regions and Availability Zones guide; AWS knowledge center on constrained zones; read
 * 2026-12-04). Every other public region offers at least three.
 */
// TODO: an older account that still sees usw1-az2 has three zones in us-west-1 and is refused
// too; it has to pick another region (the runtime check in network.ts would let it through).
export const regionsWithFewZones: Record<string, { zones: number; alternatives: string[] }> = {
  "us-west-1": { zones: 2, alternatives: ["us-west-2", "us-east-2"] },
};

/**
 * What RDS for PostgreSQL's recovery mechanisms deliver. Restore durations are not published by
 * AWS: `baseMinutes` and `minutesPer100Gb` are this project's planning figures.
 */
// TODO: the restore durations are planning assumptions, not measurements; until a restore drill
// calibrates them (docs/runbooks/restore-point-in-time.md), the RTO check can pass a target the
// real restore misses, most likely for large databases.
export const awsRecovery: RecoveryFacts = {
  // "Restoring a DB instance to a specified time" (Amazon RDS User Guide): the latest restorable
  // time is typically within 5 minutes of now (transaction logs are uploaded every 5 minutes).
  pointInTimeRestore: {
    rpoMinutes: 5,
    baseMinutes: 60,
    minutesPer100Gb: 15,
    source: "Amazon RDS User Guide: Restoring a DB instance to a specified time",
  },
  // "Failing over a Multi-AZ DB instance for Amazon RDS": failovers typically take 60-120 s; the
  // standby is synchronous ("Multi-AZ DB instance deployments for Amazon RDS"), so nothing is lost.
  zoneFailover: {
    rpoMinutes: 0,
    rtoMinutes: 2,
    source: "Amazon RDS User Guide: Failing over a Multi-AZ DB instance for Amazon RDS",
  },
  // "Replicating automated backups to another AWS Region": snapshots and transaction logs are
  // copied as soon as they are ready. The copy's own delay is not published: 15 minutes assumed.
  // The base time includes standing the platform up in the backup region.
  crossRegionRestore: {
    rpoMinutes: 15,
    baseMinutes: 120,
    minutesPer100Gb: 15,
    source: "Amazon RDS User Guide: Replicating automated backups to another AWS Region",
  },
};

/** AWS provider keys and the checks only AWS can judge; imports no SDK. */
export const awsRules: CloudRules = {
  providerConfig: {
    regionKey: "aws:region",
    required: [
      { key: "aws:region", expected: "an AWS region such as us-east-1", pattern: regionPattern },
    ],
  },
  statefulTypes: [
    "aws:rds/instance:Instance",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:opensearch/serverlessCollection:ServerlessCollection",
    "aws:s3/bucket:Bucket",
    "aws:cloudwatch/logGroup:LogGroup",
  ],
  recovery: awsRecovery,
  validate(settings: PlatformSettings): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const fewZones = regionsWithFewZones[settings.region];
    if (fewZones !== undefined) {
      issues.push({
        key: "aws:region",
        expected: `a region where the account has at least ${requiredZones} Availability Zones (the platform spreads subnets, nodes and the database over ${requiredZones})`,
        given: `${JSON.stringify(settings.region)} (${fewZones.zones} zones for most accounts)`,
        hint: `Use ${fewZones.alternatives.join(" or ")}.`,
      });
    }
    const retention = settings.monitoring.logRetentionDays;
    if (!cloudWatchRetentionDays.includes(retention)) {
      const nearest = cloudWatchRetentionDays.reduce((best, value) =>
        Math.abs(value - retention) < Math.abs(best - retention) ? value : best,
      );
      issues.push({
        key: "rag:logRetentionDays",
        expected: `one of CloudWatch's retention values (${cloudWatchRetentionDays.join(", ")})`,
        given: String(retention),
        hint: `The nearest accepted value is ${nearest}.`,
      });
    }
    const backupRegion = settings.database.backupRegion;
    if (backupRegion !== undefined && !regionPattern.test(backupRegion)) {
      issues.push({
        key: "rag:backupRegion",
        expected: "an AWS region such as us-west-2",
        given: JSON.stringify(backupRegion),
      });
    }
    const machineType = settings.cluster.nodeMachineType;
    if (machineType !== undefined && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(machineType)) {
      issues.push({
        key: "rag:nodeMachineType",
        expected: "an EC2 instance type such as m6i.large",
        given: JSON.stringify(machineType),
      });
    }
    const instanceType = settings.database.instanceType;
    if (instanceType !== undefined && !/^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceType)) {
      issues.push({
        key: "rag:databaseInstanceType",
        expected: "an RDS instance class such as db.r6g.large",
        given: JSON.stringify(instanceType),
      });
    }
    return issues;
  },
};
