import * as ec2 from "@pulumi/aws/ec2";
import * as rds from "@pulumi/aws/rds";
import * as pulumi from "@pulumi/pulumi";
import type { SecretReference } from "../../src/contracts/common";
import type { Database, DatabaseArgs } from "../../src/contracts/database";
import type { DatabaseSettings, SizeClass } from "../../src/config/settings";
import { statefulOptions } from "../../src/protection";
import { type AlarmSpec, createAlarms } from "./alarms";
import { type AwsAccount, customerKey } from "./kms";
import { asAwsMonitoring } from "./monitoring";
import { awsName } from "./naming";
import type { AwsNetwork } from "./network";
import { asAwsVault } from "./vault";

export interface AwsDatabaseArgs extends DatabaseArgs {
  account: AwsAccount;
  network: AwsNetwork;
  /**
   * Adds a read replica in another zone. A Multi-AZ instance's standby is synchronous and not
   * readable, so it has no lag metric; the replica is what carries `database-replica-lag`.
   * @default settings.highAvailability
   */
  readReplica?: boolean;
}

/** RDS instance class of each size class, with its memory (max_connections derives from it). */
export const databaseInstanceClasses: Record<
  SizeClass,
  { instanceClass: string; memoryGiB: number }
> = {
  small: { instanceClass: "db.t4g.medium", memoryGiB: 4 },
  medium: { instanceClass: "db.r6g.large", memoryGiB: 16 },
  large: { instanceClass: "db.r6g.xlarge", memoryGiB: 32 },
};

/** Memory of instance classes an override may name; others fall back to the size class's. */
const knownClassMemoryGiB: Record<string, number> = {
  "db.t4g.micro": 1,
  "db.t4g.small": 2,
  "db.t4g.medium": 4,
  "db.t4g.large": 8,
  "db.m6g.large": 8,
  "db.m6g.xlarge": 16,
  "db.m6g.2xlarge": 32,
  "db.m7g.large": 8,
  "db.m7g.xlarge": 16,
  "db.r6g.large": 16,
  "db.r6g.xlarge": 32,
  "db.r6g.2xlarge": 64,
  "db.r7g.large": 16,
  "db.r7g.xlarge": 32,
  "db.r7g.2xlarge": 64,
};

/** The instance class and its memory; `memoryKnown` is false for an override outside the table. */
export function databaseInstance(settings: DatabaseSettings): {
  instanceClass: string;
  memoryGiB: number;
  memoryKnown: boolean;
} {
  const bySize = databaseInstanceClasses[settings.size];
  if (settings.instanceType === undefined) return { ...bySize, memoryKnown: true };
  const memory = knownClassMemoryGiB[settings.instanceType];
  return {
    instanceClass: settings.instanceType,
    memoryGiB: memory ?? bySize.memoryGiB,
    memoryKnown: memory !== undefined,
  };
}

/** RDS PostgreSQL's default max_connections: LEAST(DBInstanceClassMemory / 9531392, 5000). */
export function defaultMaxConnections(memoryGiB: number): number {
  return Math.min(Math.floor((memoryGiB * 1024 ** 3) / 9531392), 5000);
}

/**
 * Alarm decisions of the database. RDS publishes one-minute metrics about a minute late. CPU
 * above 80 % and connections above 80 % of max_connections for three minutes; free storage below
 * 10 % of the allocation for two; replica lag above a minute for three.
 */
export function databaseAlarmSpecs(
  instanceId: pulumi.Input<string>,
  settings: DatabaseSettings,
  memoryGiB: number,
  replicaId?: pulumi.Input<string>,
): AlarmSpec[] {
  const dimensions = { DBInstanceIdentifier: instanceId };
  const common = { namespace: "AWS/RDS", dimensions, publicationDelaySeconds: 60 } as const;
  const specs: AlarmSpec[] = [
    {
      ...common,
      signal: "database-cpu",
      role: "cpu-alarm",
      description: "Database CPU above 80 %.",
      metricName: "CPUUtilization",
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 3,
    },
    {
      ...common,
      signal: "database-storage",
      role: "storage-alarm",
      description: "Database free storage below 10 % of the allocation.",
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: Math.round(settings.storageGb * 1024 ** 3 * 0.1),
      evaluationPeriods: 2,
    },
    {
      ...common,
      signal: "database-connections",
      role: "connections-alarm",
      description: "Database connections above 80 % of max_connections.",
      metricName: "DatabaseConnections",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: Math.floor(defaultMaxConnections(memoryGiB) * 0.8),
      evaluationPeriods: 3,
    },
  ];
  if (replicaId !== undefined) {
    specs.push({
      ...common,
      dimensions: { DBInstanceIdentifier: replicaId },
      signal: "database-replica-lag",
      role: "replica-lag-alarm",
      description: "Read replica more than 60 s behind the primary.",
      metricName: "ReplicaLag",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: 60,
      evaluationPeriods: 3,
    });
  }
  return specs;
}

/** The secret name of a Secrets Manager ARN (the ARN ends in the name and `-` plus 6 characters). */
export function secretNameFromArn(arn: string): string {
  const afterSecret = arn.slice(arn.indexOf(":secret:") + ":secret:".length);
  return afterSecret.replace(/-[A-Za-z0-9]{6}$/, "");
}

/**
 * RDS for PostgreSQL: private subnets only, reachable on 5432 from the VPC alone, storage and
 * Performance Insights encrypted with a customer-managed key, TLS forced, automated backups (and
 * so point-in-time recovery) for `backupRetentionDays`, Multi-AZ when asked, copies of the
 * backups in a second region, and the master password generated and held by Secrets Manager.
 *
 * pgvector needs no `shared_preload_libraries`: RDS PostgreSQL 15+ ships it, and the application
 * runs `CREATE EXTENSION vector` in its database.
 */
export class AwsDatabase extends pulumi.ComponentResource implements Database {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly adminUsername: pulumi.Output<string>;
  readonly credentials: SecretReference;
  readonly serverId: pulumi.Output<string>;

  constructor(name: string, args: AwsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:database:AwsDatabase", name, {}, opts);
    const { naming, tags, settings, protection, network, account, region } = args;
    const databaseName = args.databaseName ?? "rag";
    const adminUsername = args.adminUsername ?? "rag_admin";
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(databaseName)) {
      throw new Error(
        `database name \`${databaseName}\` must start with a letter and hold only letters, digits, _`,
      );
    }
    const vault = asAwsVault(args.vault);
    const monitoring = asAwsMonitoring(args.monitoring);
    const stateful = { parent: this, ...statefulOptions(protection) };
    const instance = databaseInstance(settings);
    if (!instance.memoryKnown) {
      void pulumi.log.warn(
        `RAG201: rag:databaseInstanceType ${instance.instanceClass} is not in the backend's table; the ` +
          `connections alarm assumes ${instance.memoryGiB} GiB of memory.`,
        this,
      );
    }
    const identifier = awsName(naming, "db", "rdsInstance");

    // The key of the storage, snapshots and Performance Insights.
    const key = customerKey(this, `${name}-storage`, "db-storage", {
      naming,
      tags,
      protection,
      account,
      region,
      description: `Encrypts the storage and backups of ${identifier}`,
      rotationDays: vault.keyRotationDays,
    });

    // Private placement: the private subnets, and 5432 open to the VPC's range only.
    const subnetGroup = new rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: awsName(naming, "db-subnets", "rdsGroup"),
        subnetIds: network.privateSubnetIds,
        tags,
      },
      { parent: this },
    );
    const securityGroup = new ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: awsName(naming, "db", "securityGroup"),
        description: "PostgreSQL from inside the platform VPC only",
        vpcId: network.networkId,
        ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [network.cidr] }],
        egress: [],
        tags,
      },
      { parent: this },
    );

    // TLS is mandatory for every connection.
    const parameters = new rds.ParameterGroup(
      `${name}-params`,
      {
        name: awsName(naming, `db-pg${settings.engineVersion}`, "rdsGroup"),
        family: `postgres${settings.engineVersion}`,
        parameters: [{ name: "rds.force_ssl", value: "1" }],
        tags,
      },
      { parent: this },
    );

    // Server logs go to groups declared first, with the platform's key and retention.
    const logExports = ["postgresql", "upgrade"];
    const logGroups = logExports.map((log) =>
      monitoring.logGroup(
        this,
        `${name}-${log}-logs`,
        `/aws/rds/instance/${identifier}/${log}`,
        protection,
      ),
    );

    // The instance.
    const db = new rds.Instance(
      `${name}-instance`,
      {
        identifier,
        engine: "postgres",
        engineVersion: String(settings.engineVersion),
        instanceClass: instance.instanceClass,
        allocatedStorage: settings.storageGb,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: key.arn,
        dbName: databaseName,
        username: adminUsername,
        // RDS generates the password into Secrets Manager, under the vault's key, and rotates it.
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: vault.keyId,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        publiclyAccessible: false,
        parameterGroupName: parameters.name,
        multiAz: settings.highAvailability,
        backupRetentionPeriod: settings.backupRetentionDays,
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !protection.deletionProtection,
        deletionProtection: protection.deletionProtection,
        skipFinalSnapshot: !protection.deletionProtection,
        finalSnapshotIdentifier: protection.deletionProtection ? `${identifier}-final` : undefined,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: 7,
        enabledCloudwatchLogsExports: logExports,
        autoMinorVersionUpgrade: true,
        tags,
      },
      { ...stateful, dependsOn: logGroups },
    );

    // A readable replica in production, the instance the replica-lag alarm watches.
    const replica =
      (args.readReplica ?? settings.highAvailability)
        ? new rds.Instance(
            `${name}-replica`,
            {
              identifier: awsName(naming, "db-replica", "rdsInstance"),
              replicateSourceDb: db.identifier,
              instanceClass: instance.instanceClass,
              storageEncrypted: true,
              kmsKeyId: key.arn,
              vpcSecurityGroupIds: [securityGroup.id],
              publiclyAccessible: false,
              parameterGroupName: parameters.name,
              copyTagsToSnapshot: true,
              deletionProtection: protection.deletionProtection,
              // RDS takes no final snapshot of a replica; the primary's backups cover the data.
              skipFinalSnapshot: true,
              performanceInsightsEnabled: true,
              performanceInsightsKmsKeyId: key.arn,
              performanceInsightsRetentionPeriod: 7,
              autoMinorVersionUpgrade: true,
              tags,
            },
            stateful,
          )
        : undefined;

    // Copies of the automated backups in the backup region, under a key of that region.
    if (settings.crossRegionBackup && settings.backupRegion !== undefined) {
      this.replicateBackups(name, args, settings.backupRegion, db);
    }

    // The RDS-managed master secret, adopted by the vault (which sets its rotation schedule).
    const secretArn = db.masterUserSecrets.apply((secrets) => {
      const arn = secrets?.[0]?.secretArn;
      if (arn === undefined)
        throw new Error(`RDS returned no master user secret for ${identifier}`);
      return arn;
    });
    this.credentials = vault.adoptSecret({
      logicalName: "database-credentials",
      id: secretArn,
      name: secretArn.apply(secretNameFromArn),
    });

    // Alarms on CPU, storage, connections and (with a replica) replica lag.
    createAlarms(
      this,
      name,
      "database",
      { naming, tags, monitoring: args.monitoring },
      databaseAlarmSpecs(db.identifier, settings, instance.memoryGiB, replica?.identifier),
    );

    this.host = db.address;
    this.port = db.port;
    this.databaseName = pulumi.output(databaseName);
    this.adminUsername = pulumi.output(adminUsername);
    this.serverId = db.identifier;
    this.registerOutputs({ host: this.host, port: this.port, serverId: this.serverId });
  }

  /**
   * Declares the backup copies in `backupRegion` through the provider's per-resource `region`
   * (AWS provider v7), so no second provider configuration has to be kept in step.
   */
  private replicateBackups(
    name: string,
    args: AwsDatabaseArgs,
    backupRegion: string,
    db: rds.Instance,
  ): void {
    const { naming, tags, protection, account, settings } = args;
    const key = customerKey(this, `${name}-backup`, "db-backup", {
      naming,
      tags,
      protection,
      account,
      region: backupRegion,
      explicitRegion: true,
      description: `Encrypts the cross-region backup copies of ${naming.prefix}`,
      rotationDays: asAwsVault(args.vault).keyRotationDays,
    });
    new rds.InstanceAutomatedBackupsReplication(
      `${name}-backup-replication`,
      {
        region: backupRegion,
        sourceDbInstanceArn: db.arn,
        kmsKeyId: key.arn,
        retentionPeriod: settings.backupRetentionDays,
      },
      { parent: this, ...statefulOptions(protection) },
    );
  }
}
