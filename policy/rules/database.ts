import { expectAtLeast, expectValue, get, resourceRule, show, type Finding } from "../engine";
import { companions } from "./stateful";

/** The types of each cloud's PostgreSQL service; a new one must be judged or exempted. */
const isDatabaseFamily = (type: string): boolean =>
  /^(aws:rds\/|gcp:sql\/|azure-native:dbforpostgresql:)/.test(type);

/** Fewest days of backups and point-in-time recovery a database keeps (the config's floor). */
export const minimumBackupDays = 7;

const secureModes = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

const supportingTypes = {
  "aws:rds/subnetGroup:SubnetGroup": "places the instance in subnets and holds no data",
  "gcp:sql/user:User": "is a login of its instance, which is judged",
  "gcp:sql/database:Database": "lives in its instance, which is judged",
  "azure-native:dbforpostgresql:Database": "lives in its server, which is judged",
};

/** Connections to every database are encrypted, enforced by the server. */
export const tlsEnforced = resourceRule({
  name: "database-tls-enforced",
  level: "mandatory",
  description:
    "Every PostgreSQL server refuses unencrypted connections: rds.force_ssl on RDS, sslMode " +
    "ENCRYPTED_ONLY on Cloud SQL, require_secure_transport on Flexible Server.",
  concern: isDatabaseFamily,
  judges: {
    "aws:rds/parameterGroup:ParameterGroup": (r) => {
      const parameters = (get(r.props, "parameters") as unknown[] | undefined) ?? [];
      const forceSsl = parameters.find((p) => get(p, "name") === "rds.force_ssl");
      if (forceSsl !== undefined && get(forceSsl, "value") === "1") return [];
      return [
        {
          property: "parameters",
          problem: `set rds.force_ssl to ${show(get(forceSsl, "value"))}; expected "1"`,
        },
      ];
    },
    "aws:rds/instance:Instance": (r, stack) => {
      const name = get(r.props, "parameterGroupName");
      const type = "aws:rds/parameterGroup:ParameterGroup";
      if (name !== undefined && companions(stack, type, "name", [name]).length > 0) return [];
      return [
        {
          property: "parameterGroupName",
          problem: `is ${show(name)}; expected a parameter group of this stack (which forces TLS)`,
        },
      ];
    },
    "gcp:sql/databaseInstance:DatabaseInstance": (r) => {
      const mode = get(r.props, "settings.ipConfiguration.sslMode");
      if (typeof mode === "string" && secureModes.includes(mode)) return [];
      return [
        {
          property: "settings.ipConfiguration.sslMode",
          problem: `is ${show(mode)}; expected one of ${secureModes.join(", ")}`,
        },
      ];
    },
    "azure-native:dbforpostgresql:Server": (r, stack) => {
      const type = "azure-native:dbforpostgresql:Configuration";
      const settings = companions(stack, type, "serverName", [get(r.props, "serverName")]).filter(
        (c) => get(c.props, "configurationName") === "require_secure_transport",
      );
      if (settings.length > 0) return [];
      return [
        {
          property: "serverName",
          problem: "has no require_secure_transport Configuration; expected one set to on",
        },
      ];
    },
    "azure-native:dbforpostgresql:Configuration": (r) =>
      get(r.props, "configurationName") === "require_secure_transport"
        ? expectValue(r.props, "value", "on")
        : [],
  },
  exempt: {
    ...supportingTypes,
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
      "copies backups and accepts no connection",
  },
});

function rdsBackups(props: Record<string, unknown>): Finding[] {
  // A read replica takes no backups of its own: its source's backups and PITR cover it.
  if (get(props, "replicateSourceDb") !== undefined) return [];
  return expectAtLeast(props, "backupRetentionPeriod", minimumBackupDays);
}

/** Automated backups with point-in-time recovery on every database. */
export const backupsEnabled = resourceRule({
  name: "database-backups-and-pitr",
  level: "mandatory",
  description:
    `Every database keeps automated backups with point-in-time recovery for at least ` +
    `${minimumBackupDays} days.`,
  concern: isDatabaseFamily,
  judges: {
    "aws:rds/instance:Instance": (r) => rdsBackups(r.props),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (r) =>
      expectAtLeast(r.props, "retentionPeriod", minimumBackupDays),
    "gcp:sql/databaseInstance:DatabaseInstance": (r) => [
      ...expectValue(r.props, "settings.backupConfiguration.enabled", true),
      ...expectValue(r.props, "settings.backupConfiguration.pointInTimeRecoveryEnabled", true),
      ...expectAtLeast(
        r.props,
        "settings.backupConfiguration.backupRetentionSettings.retainedBackups",
        minimumBackupDays,
      ),
    ],
    "azure-native:dbforpostgresql:Server": (r) =>
      expectAtLeast(r.props, "backup.backupRetentionDays", minimumBackupDays),
  },
  exempt: {
    ...supportingTypes,
    "aws:rds/parameterGroup:ParameterGroup": "configures the engine and holds no data",
    "azure-native:dbforpostgresql:Configuration": "configures the server and holds no data",
  },
});
