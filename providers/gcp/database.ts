import * as projects from "@pulumi/gcp/projects";
import * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { RandomId } from "@pulumi/random/randomId";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { DatabaseSettings, SizeClass } from "../../src/config/settings";
import type { RegisteredAlert, SecretReference } from "../../src/contracts/common";
import type { Database, DatabaseArgs } from "../../src/contracts/database";
import { statefulOptions } from "../../src/protection";
import {
  channelList,
  cloudSqlMetricDelaySeconds,
  databaseThresholds,
  metricAlignmentSeconds,
  metricFilter,
  thresholdAlert,
  thresholdDetectionSeconds,
} from "./alerts";
import { gcpLabels, gcpName } from "./naming";
import type { GcpNetwork } from "./network";
import type { GcpVault } from "./vault";

/** Cloud SQL Enterprise-edition tier for each size class (vCPUs and MiB of memory). */
export const databaseTiers: Record<SizeClass, string> = {
  small: "db-custom-2-8192",
  medium: "db-custom-4-16384",
  large: "db-custom-8-32768",
};

/**
 * `max_connections` for a tier, set explicitly so that the connection alert's threshold is
 * exact: about 25 connections per GiB of memory (Cloud SQL's own defaults are in that range),
 * between 100 and 1000. Tiers without a readable memory size get 100.
 */
export function maxConnections(tier: string): number {
  const custom = /^db-custom-\d+-(\d+)$/.exec(tier);
  if (custom === null) return 100;
  const memoryGb = Number(custom[1]) / 1024;
  return Math.min(1000, Math.max(100, Math.floor(memoryGb * 25)));
}

/** Enterprise edition keeps at most 7 days of transaction logs for point-in-time recovery. */
export const maxTransactionLogDays = 7;

/**
 * Backups and PITR for `backupRetentionDays` (7-35): one automated backup a day, so that many
 * backups are retained (restorable for that many days); transaction logs, and so the
 * point-in-time window, are capped at the Enterprise edition's 7 days. Backups go to
 * `backupRegion` when cross-region backup is on, so that they survive the loss of the region.
 */
export function backupConfiguration(settings: DatabaseSettings) {
  return {
    enabled: true,
    pointInTimeRecoveryEnabled: true,
    startTime: "02:00",
    transactionLogRetentionDays: Math.min(settings.backupRetentionDays, maxTransactionLogDays),
    backupRetentionSettings: {
      retainedBackups: settings.backupRetentionDays,
      retentionUnit: "COUNT",
    },
    location: settings.crossRegionBackup ? settings.backupRegion : undefined,
  };
}

export interface GcpDatabaseArgs extends DatabaseArgs {
  network: GcpNetwork;
  vault: GcpVault;
}

/**
 * Cloud SQL for PostgreSQL on a private IP only, encrypted with a Cloud KMS key, TLS required,
 * daily backups with point-in-time recovery, regional HA when asked, deletion protection on both
 * levels in production, and the admin password generated into the vault.
 */
export class GcpDatabase extends pulumi.ComponentResource implements Database {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly adminUsername: pulumi.Output<string>;
  readonly credentials: SecretReference;
  readonly serverId: pulumi.Output<string>;
  readonly instance: sql.DatabaseInstance;

  constructor(name: string, args: GcpDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:database:GcpDatabase", name, {}, opts);
    const { naming, settings, protection, network } = args;
    const project = network.project;
    const labels = gcpLabels(args.tags);
    const child = { parent: this };
    const databaseName = args.databaseName ?? "rag";
    const adminUsername = args.adminUsername ?? "rag_admin";

    // Cloud SQL's service agent encrypts the instance (and its backups) with our key.
    const sqlAgent = new projects.ServiceIdentity(
      `${name}-sql-agent`,
      { service: "sqladmin.googleapis.com", project: project.id },
      child,
    );
    const key = args.vault.createKey("database", [sqlAgent.member]);

    // The instance. Its name cannot be reused for a week after deletion, hence the suffix.
    const suffix = new RandomId(`${name}-suffix`, { byteLength: 2 }, child);
    const tier = settings.instanceType ?? databaseTiers[settings.size];
    // pgvector needs no flag on Cloud SQL: `CREATE EXTENSION vector` works on PostgreSQL 16+.
    this.instance = new sql.DatabaseInstance(
      `${name}-instance`,
      {
        name: pulumi.interpolate`${gcpName(naming, "pg", "sqlInstance")}-${suffix.hex}`,
        project: project.id,
        region: args.region,
        databaseVersion: `POSTGRES_${settings.engineVersion}`,
        encryptionKeyName: key.key.id,
        deletionProtection: protection.deletionProtection,
        settings: {
          tier,
          edition: "ENTERPRISE",
          availabilityType: settings.highAvailability ? "REGIONAL" : "ZONAL",
          diskType: "PD_SSD",
          diskSize: settings.storageGb,
          diskAutoresize: true,
          deletionProtectionEnabled: protection.deletionProtection,
          retainBackupsOnDelete: protection.retainOnDelete,
          backupConfiguration: backupConfiguration(settings),
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: network.network.id,
            allocatedIpRange: network.privateServicesRange.name,
            sslMode: "ENCRYPTED_ONLY",
          },
          insightsConfig: {
            queryInsightsEnabled: true,
            queryStringLength: 1024,
            recordApplicationTags: true,
            recordClientAddress: false,
          },
          maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
          databaseFlags: [
            { name: "max_connections", value: String(maxConnections(tier)) },
            { name: "log_connections", value: "on" },
            { name: "log_disconnections", value: "on" },
            { name: "log_min_duration_statement", value: "1000" },
          ],
          userLabels: labels,
        },
      },
      {
        ...child,
        ...statefulOptions(protection),
        dependsOn: [network.privateServicesConnection, ...key.grants],
      },
    );

    // The application database and its administrator, whose password lives only in the vault.
    const database = new sql.Database(
      `${name}-db`,
      {
        name: databaseName,
        instance: this.instance.name,
        charset: "UTF8",
        collation: "en_US.UTF8",
      },
      { ...child, ...statefulOptions(protection) },
    );
    const password = new RandomPassword(
      `${name}-admin-password`,
      { length: 32, special: true, overrideSpecial: "-_.~" },
      child,
    );
    new sql.User(
      `${name}-admin`,
      {
        name: adminUsername,
        instance: this.instance.name,
        password: password.result,
        // Dropping a role that owns objects fails; the instance's deletion removes it anyway.
        deletionPolicy: "ABANDON",
      },
      child,
    );
    this.host = this.instance.privateIpAddress;
    this.port = pulumi.output(5432);
    this.databaseName = database.name;
    this.adminUsername = pulumi.output(adminUsername);
    this.serverId = this.instance.name;
    this.credentials = args.vault.putSecret({
      logicalName: "database-credentials",
      description: "PostgreSQL administrator credentials of the RAG platform database",
      value: pulumi
        .all([this.host, this.instance.connectionName, database.name, password.result])
        .apply(([host, connectionName, dbName, secret]) =>
          JSON.stringify({
            host,
            port: 5432,
            database: dbName,
            username: adminUsername,
            password: secret,
            connectionName,
            sslmode: "require",
          }),
        ),
    });

    // Alerts on CPU, disk, connections and, with HA, the standby's readiness.
    this.registerAlerts(name, args, project.id, tier, labels);

    this.registerOutputs({
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      serverId: this.serverId,
    });
  }

  private registerAlerts(
    name: string,
    args: GcpDatabaseArgs,
    projectId: string,
    tier: string,
    labels: Record<string, string>,
  ): void {
    const channels = channelList(args.monitoring.alertChannelId);
    const databaseId = pulumi.interpolate`${projectId}:${this.instance.name}`;
    const filter = (metric: string) =>
      metricFilter("cloudsql_database", `cloudsql.googleapis.com/database/${metric}`, {
        database_id: databaseId,
      });
    const common = { channels, labels };
    const opts = { parent: this };
    const detectionSeconds = thresholdDetectionSeconds({
      alignmentSeconds: metricAlignmentSeconds,
      durationSeconds: 0,
      delaySeconds: cloudSqlMetricDelaySeconds,
    });
    const prefix = args.naming.prefix;

    const cpu = thresholdAlert(
      `${name}-cpu`,
      {
        ...common,
        displayName: `${prefix} Cloud SQL CPU above ${databaseThresholds.cpuUtilization * 100}%`,
        filter: filter("cpu/utilization"),
        comparison: "COMPARISON_GT",
        threshold: databaseThresholds.cpuUtilization,
        aligner: "ALIGN_MEAN",
        documentation: "The database is CPU bound; look at Query Insights or scale the tier.",
      },
      opts,
    );
    const disk = thresholdAlert(
      `${name}-disk`,
      {
        ...common,
        displayName: `${prefix} Cloud SQL disk above ${databaseThresholds.diskUtilization * 100}%`,
        filter: filter("disk/utilization"),
        comparison: "COMPARISON_GT",
        threshold: databaseThresholds.diskUtilization,
        aligner: "ALIGN_MAX",
        documentation:
          "Disk is filling faster than auto-resize keeps up; check growth and PITR logs.",
      },
      opts,
    );
    const connectionLimit = Math.floor(maxConnections(tier) * databaseThresholds.connections);
    const connections = thresholdAlert(
      `${name}-connections`,
      {
        ...common,
        displayName: `${prefix} Cloud SQL connections above ${connectionLimit}`,
        filter: filter("postgresql/num_backends"),
        comparison: "COMPARISON_GT",
        threshold: connectionLimit,
        aligner: "ALIGN_MAX",
        reducer: {
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["resource.label.database_id"],
        },
        documentation: "Connections are near max_connections; check pooling in the service.",
      },
      opts,
    );
    const alerts: RegisteredAlert[] = [
      { signal: "database-cpu", resource: cpu, detectionSeconds },
      { signal: "database-storage", resource: disk, detectionSeconds },
      { signal: "database-connections", resource: connections, detectionSeconds },
    ];

    // Cloud SQL HA replicates synchronously to the standby's disk and has no lag metric; what
    // can go wrong is the standby falling out of sync, which `available_for_failover` reports.
    // Without HA there is no standby, so the signal exists only when HA is on.
    if (args.settings.highAvailability) {
      const standby = thresholdAlert(
        `${name}-standby`,
        {
          ...common,
          displayName: `${prefix} Cloud SQL standby not ready for failover`,
          filter: filter("available_for_failover"),
          comparison: "COMPARISON_LT",
          threshold: 1,
          aligner: "ALIGN_MIN",
          documentation: "The HA standby is out of sync; a zone failure now would mean downtime.",
        },
        opts,
      );
      alerts.push({ signal: "database-replica-lag", resource: standby, detectionSeconds });
    }
    args.monitoring.registerAlerts("database", alerts);
  }
}
