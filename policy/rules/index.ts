import type { Rule } from "../engine";
import { backupsEnabled, tlsEnforced } from "./database";
import { encryptionAtRest, noPublicDataEndpoints } from "./data";
import { deletionProtection, statefulProtected } from "./lifecycle";
import { clusterEndpoint, logRetention, rotation, tagsPresent } from "./operations";
import { alertsDetectQuickly, sensitiveInputsAreSecrets } from "./planOnly";

/**
 * Every policy of the platform, judged by the offline plan and, where the host can see what a
 * rule needs, by the CrossGuard pack.
 */
export const rules: readonly Rule[] = [
  statefulProtected,
  deletionProtection,
  encryptionAtRest,
  noPublicDataEndpoints,
  tlsEnforced,
  backupsEnabled,
  logRetention,
  rotation,
  clusterEndpoint,
  tagsPresent,
  sensitiveInputsAreSecrets,
  alertsDetectQuickly,
];
