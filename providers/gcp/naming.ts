import type { NameRule, Naming } from "../../src/naming";

/**
 * The character and length rules GCP imposes on each kind of physical name this backend creates.
 * Limits are the documented ones unless a comment says why a tighter one is used.
 */
export const gcpNameRules = {
  /** Compute Engine names (networks, subnets, routers, NAT, firewalls, addresses): RFC 1035. */
  compute: { maxLength: 63, charset: "lower-hyphen" },
  /** GKE cluster names are limited to 40 characters. */
  gkeCluster: { maxLength: 40, charset: "lower-hyphen" },
  /** Node pool names share the cluster limit so that generated instance names stay valid. */
  nodePool: { maxLength: 40, charset: "lower-hyphen" },
  /** Service account ids: 6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`. */
  serviceAccount: { maxLength: 30, minLength: 6, charset: "lower-hyphen" },
  /**
   * Cloud SQL instance ids: lower-case letters, digits, hyphens. GCP caps `project:instance` at 98
   * characters and project ids run to 30, so 60 is a conservative cap; 5 characters are reserved
   * for the random suffix that lets a destroyed stack be recreated at once (a deleted instance's
   * name cannot be reused for up to a week).
   */
  sqlInstance: { maxLength: 60, charset: "lower-hyphen", reserve: 5 },
  /** PostgreSQL identifiers: no hyphens, at most 63 bytes. */
  sqlDatabase: { maxLength: 63, charset: "underscore" },
  /**
   * KMS key rings: `[a-zA-Z0-9_-]{1,63}`. Key rings can never be deleted, so 5 characters are
   * reserved for a random suffix that keeps a recreated stack from colliding with its old ring.
   */
  kmsKeyRing: { maxLength: 63, charset: "lower-hyphen", reserve: 5 },
  /** KMS crypto keys: `[a-zA-Z0-9_-]{1,63}`, unique within their (suffixed) ring. */
  kmsKey: { maxLength: 63, charset: "lower-hyphen" },
  /** Secret Manager secret ids: `[a-zA-Z0-9_-]{1,255}`. */
  secret: { maxLength: 255, charset: "lower-hyphen" },
  /** Pub/Sub topics: 3-255 characters starting with a letter. */
  topic: { maxLength: 255, minLength: 3, charset: "lower-hyphen" },
  /** Vertex AI display names: up to 128 characters. */
  vertexDisplayName: { maxLength: 128, charset: "lower-hyphen" },
  /** Deployed index ids: a letter, then letters, digits and underscores. */
  deployedIndexId: { maxLength: 128, charset: "underscore" },
  /** Monitoring display names have no strict charset; keep them readable and bounded. */
  displayName: { maxLength: 100, charset: "lower-hyphen" },
} satisfies Record<string, NameRule>;

export type GcpNameKind = keyof typeof gcpNameRules;

/** A physical name for `role` that GCP accepts for `kind`, however long the stack name. */
export function gcpName(naming: Naming, role: string, kind: GcpNameKind): string {
  return naming.physical(role, gcpNameRules[kind]);
}

const labelLimit = 63;

/**
 * GCP labels from the platform's tags: keys and values lower-case, only letters, digits, `_` and
 * `-`, at most 63 characters, keys starting with a letter.
 */
export function gcpLabels(tags: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    let labelKey = labelText(key);
    if (!/^[a-z]/.test(labelKey)) labelKey = `t-${labelKey}`.slice(0, labelLimit);
    labels[labelKey] = labelText(value);
  }
  return labels;
}

function labelText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .slice(0, labelLimit);
}
