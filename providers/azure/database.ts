import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import { RandomPassword } from "@pulumi/random/randomPassword";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings, SizeClass } from "../../src/config/settings";
import type { SecretReference } from "../../src/contracts/common";
import type { Database, DatabaseArgs } from "../../src/contracts/database";
import { statefulOptions } from "../../src/protection";
import { alertThresholds, defaultMaxConnections, metricAlert, type AlertPlacement } from "./alerts";
import type { AzureNetwork } from "./network";
import { azureName } from "./naming";
import { grantRole } from "./roles";
import { keyProperties, softDeleteRetentionDays, vaultSku, type AzureVault } from "./vault";

export interface AzureDatabaseArgs extends DatabaseArgs {
  network: AzureNetwork;
  vault: AzureVault;
  tenantId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
}

/** Flexible Server SKU for each size class; `small` is Burstable and cannot run HA. */
export const databaseSkus: Record<SizeClass, string> = {
  small: "Standard_B2ms",
  medium: "Standard_D4ds_v5",
  large: "Standard_D8ds_v5",
};

export interface FlexibleServerSku {
  name: string;
  tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  memoryGiB: number;
}

/** The SKU, its tier and memory (which sets `max_connections`), from the settings. */
export function flexibleServerSku(settings: DatabaseSettings): FlexibleServerSku {
  const name = settings.instanceType ?? databaseSkus[settings.size];
  const match = /^Standard_([A-Z])(\d+)/.exec(name);
  const family = match?.[1] ?? "D";
  const vcores = Number(match?.[2] ?? 2);
  if (family === "B") return { name, tier: "Burstable", memoryGiB: vcores * 4 };
  if (family === "E") return { name, tier: "MemoryOptimized", memoryGiB: vcores * 8 };
  return { name, tier: "GeneralPurpose", memoryGiB: vcores * 4 };
}

/** Storage sizes Flexible Server offers (GiB); the profile's size is rounded up to one of them. */
export const flexibleServerStorageSizes = [
  32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
];

export function flexibleServerStorageGb(requested: number): number {
  return flexibleServerStorageSizes.find((size) => size >= requested) ?? 32767;
}

/** Server parameters the platform relies on: pgvector allow-listed, TLS required. */
export const serverParameters: Record<string, string> = {
  "azure.extensions": "VECTOR",
  require_secure_transport: "on",
  ssl_min_protocol_version: "TLSv1.2",
};

/**
 * PostgreSQL Flexible Server in the delegated subnet with no public access, encrypted with a
 * customer-managed key (and a second key in the paired region for geo-redundant backups),
 * zone-redundant HA when the profile asks, TLS required, pgvector allow-listed, the generated
 * administrator password in the vault, and a delete lock in production.
 */
export class AzureDatabase extends pulumi.ComponentResource implements Database {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly adminUsername: pulumi.Output<string>;
  readonly credentials: SecretReference;
  readonly serverId: pulumi.Output<string>;

  constructor(name: string, args: AzureDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:database:AzureDatabase", name, {}, opts);
    const { naming, tags, region, settings, protection, network, vault, monitoring } = args;
    const placement = { resourceGroupName: network.resourceGroupName, location: region, tags };
    const stateful = { parent: this, ...statefulOptions(protection) };
    const adminUsername = args.adminUsername ?? "rag_admin";
    const databaseName = args.databaseName ?? "rag";
    const sku = flexibleServerSku(settings);

    // The identity the server unwraps its data key with, and its grant on exactly one key.
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { ...placement, resourceName: azureName(naming, "db-identity", "generic") },
      { parent: this },
    );
    const key = vault.createKey(`${name}-key`, "postgres", this);
    const grants: pulumi.Resource[] = [
      grantRole(
        `${name}-key-access`,
        {
          role: "keyVaultCryptoServiceEncryptionUser",
          scope: key.id,
          principalId: identity.principalId,
          subscriptionId: args.subscriptionId,
        },
        { parent: this },
      ),
    ];

    // Geo-redundant backups are encrypted in the paired region with a key held there.
    const geo = settings.crossRegionBackup ? this.geoBackupEncryption(name, args) : undefined;
    if (geo) grants.push(geo.grant);

    // The administrator password, generated here and stored only in the vault.
    const password = new RandomPassword(
      `${name}-admin-password`,
      {
        length: 32,
        special: true,
        overrideSpecial: "-_.~",
        minUpper: 2,
        minLower: 2,
        minNumeric: 2,
      },
      { parent: this },
    );

    // The server.
    // TODO: a role assignment can take minutes to reach Key Vault; a first `up` may fail on the
    // key check and then succeed when re-run.
    const server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        ...placement,
        serverName: azureName(naming, "db", "postgresServer"),
        version: String(settings.engineVersion),
        sku: { name: sku.name, tier: sku.tier },
        administratorLogin: adminUsername,
        administratorLoginPassword: pulumi.secret(password.result),
        authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
        storage: {
          storageSizeGB: flexibleServerStorageGb(settings.storageGb),
          autoGrow: "Enabled",
        },
        availabilityZone: "1",
        highAvailability: settings.highAvailability
          ? { mode: "ZoneRedundant", standbyAvailabilityZone: "2" }
          : { mode: "Disabled" },
        backup: {
          backupRetentionDays: settings.backupRetentionDays,
          geoRedundantBackup: settings.crossRegionBackup ? "Enabled" : "Disabled",
        },
        network: {
          delegatedSubnetResourceId: network.databaseSubnetId,
          privateDnsZoneArmResourceId: network.postgresDnsZoneId,
          publicNetworkAccess: "Disabled",
        },
        identity: {
          type: "UserAssigned",
          userAssignedIdentities: pulumi
            .all([identity.id, geo?.identity.id])
            .apply(([id, geoId]) =>
              Object.fromEntries([id, geoId].filter(isString).map((i) => [i, {}])),
            ),
        },
        dataEncryption: {
          type: "AzureKeyVault",
          // Versionless: the server follows the key's scheduled rotation by itself.
          primaryKeyURI: key.keyUri,
          primaryUserAssignedIdentityId: identity.id,
          geoBackupKeyURI: geo?.key.keyUri,
          geoBackupUserAssignedIdentityId: geo?.identity.id,
        },
      },
      { ...stateful, dependsOn: grants, additionalSecretOutputs: ["administratorLoginPassword"] },
    );
    this.serverId = server.id;
    this.host = server.fullyQualifiedDomainName;
    this.port = pulumi.output(5432);
    this.adminUsername = pulumi.output(adminUsername);

    // Server parameters one at a time: the server rejects concurrent configuration writes.
    let previous: pulumi.Resource = server;
    for (const [parameter, value] of Object.entries(serverParameters)) {
      previous = new dbforpostgresql.Configuration(
        `${name}-${parameter.replace(/[^a-z0-9]+/gi, "-")}`,
        {
          resourceGroupName: network.resourceGroupName,
          serverName: server.name,
          configurationName: parameter,
          value,
          source: "user-override",
        },
        { parent: this, dependsOn: [previous] },
      );
    }

    // The application database.
    const database = new dbforpostgresql.Database(
      `${name}-db`,
      {
        resourceGroupName: network.resourceGroupName,
        serverName: server.name,
        databaseName,
        charset: "UTF8",
        collation: "en_US.utf8",
      },
      { ...stateful, dependsOn: [previous] },
    );
    this.databaseName = database.name;

    // Credentials in the vault; the workload reads them, nothing prints them.
    this.credentials = vault.putSecret({
      logicalName: "database-credentials",
      description: "PostgreSQL administrator credentials of the RAG platform database",
      value: pulumi
        .all([server.fullyQualifiedDomainName, password.result])
        .apply(([host, secret]) =>
          JSON.stringify({
            host,
            port: 5432,
            database: databaseName,
            username: adminUsername,
            password: secret,
            sslmode: "require",
          }),
        ),
    });

    // Provider-side deletion protection in production.
    if (protection.deletionProtection) {
      new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: server.id,
          level: "CanNotDelete",
          notes: "Platform database; remove the lock on purpose to delete.",
        },
        { parent: this },
      );
    }

    // Server logs to the platform's workspace.
    new monitor.DiagnosticSetting(
      `${name}-logs`,
      {
        resourceUri: server.id,
        name: "logs-to-log-analytics",
        workspaceId: monitoring.logWorkspaceId,
        logAnalyticsDestinationType: "Dedicated",
        logs: [{ categoryGroup: "allLogs", enabled: true }],
      },
      { parent: this },
    );

    // Alerts.
    monitoring.registerAlerts(
      "database",
      this.alerts(name, server.id, sku, settings, {
        resourceGroupName: network.resourceGroupName,
        actionGroupId: monitoring.alertChannelId,
        tags,
      }),
    );

    this.registerOutputs({ host: this.host, serverId: this.serverId });
  }

  private alerts(
    name: string,
    serverId: pulumi.Output<string>,
    sku: FlexibleServerSku,
    settings: DatabaseSettings,
    placement: AlertPlacement,
  ) {
    const namespace = "Microsoft.DBforPostgreSQL/flexibleServers";
    const common = {
      scope: serverId,
      metricNamespace: namespace,
      operator: "GreaterThan" as const,
    };
    const alerts = [
      metricAlert(
        `${name}-cpu`,
        {
          ...common,
          signal: "database-cpu",
          description: "Database CPU above threshold.",
          metricName: "cpu_percent",
          aggregation: "Average",
          threshold: alertThresholds.databaseCpuPercent,
          severity: 2,
        },
        placement,
        this,
      ),
      metricAlert(
        `${name}-storage`,
        {
          ...common,
          signal: "database-storage",
          description: "Database storage nearly full.",
          metricName: "storage_percent",
          aggregation: "Maximum",
          threshold: alertThresholds.databaseStoragePercent,
          severity: 1,
        },
        placement,
        this,
      ),
      metricAlert(
        `${name}-connections`,
        {
          ...common,
          signal: "database-connections",
          description: "Database connections near max_connections.",
          metricName: "active_connections",
          aggregation: "Maximum",
          threshold: Math.floor(
            defaultMaxConnections(sku.memoryGiB) * alertThresholds.databaseConnectionsShare,
          ),
          severity: 2,
        },
        placement,
        this,
      ),
    ];
    // TODO: Flexible Server publishes lag only for asynchronous replicas; the zone-redundant
    // standby is synchronous (commits wait for it), so its trouble shows as write latency, and
    // without HA there is no replica and no lag alert at all.
    if (settings.highAvailability) {
      alerts.push(
        metricAlert(
          `${name}-replica-lag`,
          {
            ...common,
            signal: "database-replica-lag",
            description: "A replica is far behind the primary.",
            metricName: "physical_replication_delay_in_bytes",
            aggregation: "Maximum",
            threshold: alertThresholds.databaseReplicaLagBytes,
            severity: 2,
          },
          placement,
          this,
        ),
      );
    }
    return alerts;
  }

  /** A vault, key and identity in the paired region for encrypting geo-redundant backups. */
  private geoBackupEncryption(name: string, args: AzureDatabaseArgs) {
    const { naming, tags, settings, protection, network } = args;
    const location = settings.backupRegion ?? args.region;
    const placement = { resourceGroupName: network.resourceGroupName, location, tags };
    const stateful = { parent: this, ...statefulOptions(protection) };
    // Only the database service reads this vault (trusted-service bypass); no endpoint needed.
    const geoVault = new keyvault.Vault(
      `${name}-geo-kv`,
      {
        ...placement,
        vaultName: azureName(naming, "geo-kv", "keyVault"),
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: vaultSku(protection) },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: softDeleteRetentionDays(protection),
          enablePurgeProtection: true,
          publicNetworkAccess: "Disabled",
          networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
        },
      },
      stateful,
    );
    new monitor.DiagnosticSetting(
      `${name}-geo-kv-audit`,
      {
        resourceUri: geoVault.id,
        name: "audit-to-log-analytics",
        workspaceId: args.monitoring.logWorkspaceId,
        logAnalyticsDestinationType: "Dedicated",
        logs: [{ category: "AuditEvent", enabled: true }],
      },
      { parent: this },
    );
    if (protection.deletionProtection) {
      new authorization.ManagementLockByScope(
        `${name}-geo-kv-lock`,
        {
          scope: geoVault.id,
          level: "CanNotDelete",
          notes: "Encrypts geo-redundant database backups.",
        },
        { parent: this },
      );
    }
    const key = new keyvault.Key(
      `${name}-geo-key`,
      {
        resourceGroupName: network.resourceGroupName,
        vaultName: geoVault.name,
        keyName: "postgres-geo-backup",
        properties: keyProperties(args.vault.keyRotationDays, vaultSku(protection) === "premium"),
        tags,
      },
      stateful,
    );
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-geo-identity`,
      { ...placement, resourceName: azureName(naming, "db-geo-identity", "generic") },
      { parent: this },
    );
    const grant = grantRole(
      `${name}-geo-key-access`,
      {
        role: "keyVaultCryptoServiceEncryptionUser",
        scope: key.id,
        principalId: identity.principalId,
        subscriptionId: args.subscriptionId,
      },
      { parent: this },
    );
    return { key, identity, grant };
  }
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
