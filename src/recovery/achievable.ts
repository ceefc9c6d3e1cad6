import type { ConfigIssue } from "../config/issues";
import type { DatabaseSettings, PlatformSettings, RecoverySettings } from "../config/settings";
import type { RecoveryFacts, RecoveryScenario, RestoreFacts } from "./facts";

/** What the configured design achieves in one scenario; `null` figures: no recovery at all. */
export interface ScenarioRecovery {
  /** How the platform recovers, for a person. */
  mechanism: string;
  rpoMinutes: number | null;
  rtoMinutes: number | null;
  /** Title of the documentation page the figures come from. */
  source: string;
}

/** The recovery section of the plan: targets, and what each scenario achieves. */
export interface RecoveryReport {
  targets: RecoverySettings;
  scenarios: Record<RecoveryScenario, ScenarioRecovery>;
}

/** Minutes a restore of `storageGb` takes with `facts`: a fixed part plus a part per 100 GiB. */
export function restoreMinutes(facts: RestoreFacts, storageGb: number): number {
  return facts.baseMinutes + facts.minutesPer100Gb * Math.ceil(storageGb / 100);
}

/**
 * The RPO and RTO the configured database design achieves per scenario. A standby does not help
 * against corruption (it replicates the bad write), so corruption always means a restore.
 */
export function achievableRecovery(
  database: DatabaseSettings,
  facts: RecoveryFacts,
): Record<RecoveryScenario, ScenarioRecovery> {
  const pitr = facts.pointInTimeRestore;
  const restore: ScenarioRecovery = {
    mechanism: `point-in-time restore of ${database.storageGb} GiB from the region's backups`,
    rpoMinutes: pitr.rpoMinutes,
    rtoMinutes: restoreMinutes(pitr, database.storageGb),
    source: pitr.source,
  };
  const zone: ScenarioRecovery = database.highAvailability
    ? {
        mechanism: "automatic failover to the zone-redundant standby",
        rpoMinutes: facts.zoneFailover.rpoMinutes,
        rtoMinutes: facts.zoneFailover.rtoMinutes,
        source: facts.zoneFailover.source,
      }
    : { ...restore, mechanism: `${restore.mechanism} into another zone` };
  const copies = facts.crossRegionRestore;
  const region: ScenarioRecovery =
    database.crossRegionBackup && database.backupRegion !== undefined
      ? {
          mechanism: `restore of ${database.storageGb} GiB in ${database.backupRegion} from the backup copies`,
          rpoMinutes: copies.rpoMinutes,
          rtoMinutes: restoreMinutes(copies, database.storageGb),
          source: copies.source,
        }
      : {
          mechanism: "none: every backup stays in the stack's region",
          rpoMinutes: null,
          rtoMinutes: null,
          source: copies.source,
        };
  return { zone, corruption: restore, region };
}

/** The plan's recovery section for a stack. */
export function recoveryReport(settings: PlatformSettings, facts: RecoveryFacts): RecoveryReport {
  return {
    targets: settings.recovery,
    scenarios: achievableRecovery(settings.database, facts),
  };
}

const labels: Record<RecoveryScenario, string> = {
  zone: "zone failure",
  corruption: "data corruption",
  region: "region failure",
};

/**
 * One issue per target the configured design cannot meet, naming the target key, what the
 * design achieves and what to change. Checked before anything is declared.
 */
export function recoveryIssues(settings: PlatformSettings, facts: RecoveryFacts): ConfigIssue[] {
  const { database, recovery } = settings;
  const scenarios = achievableRecovery(database, facts);
  const issues: ConfigIssue[] = [];
  const checks: Array<{
    key: string;
    target: number | undefined;
    measure: "RPO" | "RTO";
    covered: RecoveryScenario[];
  }> = [
    {
      key: "rpoMinutes",
      target: recovery.rpoMinutes,
      measure: "RPO",
      covered: ["zone", "corruption"],
    },
    {
      key: "rtoMinutes",
      target: recovery.rtoMinutes,
      measure: "RTO",
      covered: ["zone", "corruption"],
    },
    {
      key: "regionRpoMinutes",
      target: recovery.regionRpoMinutes,
      measure: "RPO",
      covered: ["region"],
    },
    {
      key: "regionRtoMinutes",
      target: recovery.regionRtoMinutes,
      measure: "RTO",
      covered: ["region"],
    },
  ];
  for (const { key, target, measure, covered } of checks) {
    if (target === undefined) continue;
    for (const scenario of covered) {
      const achieved = scenarios[scenario];
      const minutes = measure === "RPO" ? achieved.rpoMinutes : achieved.rtoMinutes;
      if (minutes !== null && minutes <= target) continue;
      issues.push({
        key: `rag:${key}`,
        expected:
          minutes === null
            ? `an ${measure} the design can meet after a ${labels[scenario]}, which it cannot recover from (${achieved.mechanism})`
            : `an ${measure} the design can meet after a ${labels[scenario]}: at least ${minutes} minutes (${achieved.mechanism})`,
        given: target === 1 ? "1 minute" : `${target} minutes`,
        hint: fixFor(scenario, measure, minutes, key, database, facts),
      });
    }
  }
  return issues;
}

/** What to change so that a scenario meets its target. */
function fixFor(
  scenario: RecoveryScenario,
  measure: "RPO" | "RTO",
  achieved: number | null,
  key: string,
  database: DatabaseSettings,
  facts: RecoveryFacts,
): string {
  const raise = `raise rag:${key} to ${achieved}`;
  if (scenario === "region") {
    if (achieved === null) {
      return "Turn on rag:crossRegionBackup and set rag:backupRegion, so that backups survive the region.";
    }
    return measure === "RPO"
      ? `Cross-region backup copies cannot do better; ${raise}.`
      : `A restore takes longer the more storage it restores (rag:databaseStorageGb is ${database.storageGb}); ${raise}.`;
  }
  if (scenario === "zone" && !database.highAvailability) {
    const failover = facts.zoneFailover;
    return (
      `Turn on rag:databaseHighAvailability (failover: RPO ${failover.rpoMinutes}, RTO ` +
      `${failover.rtoMinutes} minutes), or ${raise}.`
    );
  }
  if (measure === "RPO") return `Point-in-time restore cannot lose less; ${raise}.`;
  return (
    `A restore takes longer the more storage it restores (rag:databaseStorageGb is ` +
    `${database.storageGb}), and a standby does not help against corruption; ${raise}.`
  );
}

/** The recovery section of the human plan. */
export function renderRecovery(report: RecoveryReport): string[] {
  const { targets } = report;
  const region =
    targets.regionRpoMinutes === undefined && targets.regionRtoMinutes === undefined
      ? "region failure not required"
      : `region failure RPO ${targets.regionRpoMinutes ?? "-"} / RTO ${targets.regionRtoMinutes ?? "-"} min`;
  const lines = [
    `Recovery (targets: RPO ${targets.rpoMinutes} / RTO ${targets.rtoMinutes} min; ${region}):`,
  ];
  for (const scenario of ["zone", "corruption", "region"] as const) {
    const achieved = report.scenarios[scenario];
    const figures =
      achieved.rpoMinutes === null
        ? "not recoverable"
        : `RPO ${achieved.rpoMinutes} / RTO ${achieved.rtoMinutes} min`;
    lines.push(`  ${labels[scenario].padEnd(16)} ${figures.padEnd(24)} ${achieved.mechanism}`);
  }
  return lines;
}
