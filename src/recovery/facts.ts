/**
 * What a cloud's recovery mechanisms deliver, as plain data each cloud's rules module exposes
 * (`CloudRules.recovery`). Shared code computes the achievable RPO and RTO from these values and
 * the stack's settings, and never asks which cloud it is on.
 */

/** A failure the platform must recover from. */
export const recoveryScenarios = ["zone", "corruption", "region"] as const;
export type RecoveryScenario = (typeof recoveryScenarios)[number];

// TODO: every restore creates a server under a new name, and the backends derive server names
// with no override key, so the stack cannot adopt a restored server on GCP or Azure without state
// surgery (docs/runbooks/restore-point-in-time.md); the RTO figures do not include that work.
/** A restore that creates a new server from backups: its time grows with the data. */
export interface RestoreFacts {
  /** Newest data a restore can reach lags the present by at most this many minutes. */
  rpoMinutes: number;
  /** Minutes a restore of an empty database takes, with the platform pointed at it. */
  baseMinutes: number;
  /** Minutes each further 100 GiB of allocated storage adds to the restore. */
  minutesPer100Gb: number;
  /** Title of the provider's documentation page the figures come from. */
  source: string;
}

/** A synchronous standby in another zone that takes over on its own. */
export interface FailoverFacts {
  rpoMinutes: number;
  rtoMinutes: number;
  source: string;
}

/** The recovery mechanisms of one cloud's database backend. */
export interface RecoveryFacts {
  /** Restore to a point in time in the stack's region, from automated backups and logs. */
  pointInTimeRestore: RestoreFacts;
  /** Failover to the zone-redundant standby (`rag:databaseHighAvailability`). */
  zoneFailover: FailoverFacts;
  /** Restore in `rag:backupRegion` from the copies `rag:crossRegionBackup` keeps there. */
  crossRegionRestore: RestoreFacts;
}
