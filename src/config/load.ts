import { profiles } from "../../stacks";
import type { ProviderConfigSpec } from "../contracts/backend";
import { recoveryIssues } from "../recovery/achievable";
import type { RecoveryFacts } from "../recovery/facts";
import { configKeys, type ConfigKey } from "./keys";
import { ConfigError, describeValue, type ConfigIssue } from "./issues";
import {
  clouds,
  environments,
  type Cloud,
  type Environment,
  type PlatformSettings,
} from "./settings";

/** Namespace of this project's keys in stack files. */
export const namespace = "rag";

/**
 * Configuration as the Pulumi CLI hands it to a program: every value a string (structured values
 * JSON-encoded), keys namespaced (`rag:cloud`, `aws:region`), plus which keys were secrets.
 */
export interface RawConfig {
  values: Record<string, string>;
  secretKeys: ReadonlySet<string>;
}

/** What the config layer needs to know of a cloud without loading its SDK. */
export interface CloudRules {
  providerConfig: ProviderConfigSpec;
  /** Checks only this cloud can judge; see `CloudBackend.validate`. */
  validate(settings: PlatformSettings): ConfigIssue[];
  /**
   * Resource types that hold data or make data readable (databases, keys, secrets, vector
   * indexes, log archives): protected in production and watched by the replace guard.
   */
  statefulTypes: readonly string[];
  /** What the cloud's recovery mechanisms deliver; the recovery targets are checked against it. */
  recovery: RecoveryFacts;
}

/** A risky but allowed choice, logged with `pulumi.log.warn`. */
export interface ConfigWarning {
  /** Stable code, so that a team can search for it or silence it in tooling. */
  code: string;
  message: string;
}

export interface LoadedConfig {
  settings: PlatformSettings;
  warnings: ConfigWarning[];
}

const keysByName = new Map(configKeys.map((k) => [k.name, k]));

/**
 * Parses and validates a stack's configuration and merges it over the environment profile.
 * Throws one `ConfigError` listing every problem, before any resource is declared.
 *
 * @param source the stack file named in messages, for example `Pulumi.staging.yaml`
 * @param rulesFor the provider-key rules and cloud-specific checks of a cloud
 */
export function loadConfig(
  raw: RawConfig,
  source: string,
  rulesFor: (cloud: Cloud) => CloudRules,
): LoadedConfig {
  const issues: ConfigIssue[] = [];
  const decoded = new Map<string, unknown>();
  const providerKeys = clouds.flatMap((c) => rulesFor(c).providerConfig.required.map((k) => k.key));

  // Decode and check every `rag:` key on its own.
  for (const [fullKey, text] of Object.entries(raw.values)) {
    if (!fullKey.startsWith(`${namespace}:`)) continue;
    const name = fullKey.slice(namespace.length + 1);
    const definition = keysByName.get(name);
    if (definition === undefined) {
      issues.push(unknownKeyIssue(fullKey, name, text, providerKeys));
      continue;
    }
    if (raw.secretKeys.has(fullKey)) {
      issues.push({
        key: fullKey,
        expected: "a plain-text value (this key holds no secret)",
        given: "an encrypted `secure:` value",
        hint: `Set it with \`pulumi config set ${name} VALUE\`, without --secret.`,
      });
      continue;
    }
    const result = decodeValue(definition, text);
    if (!result.ok) {
      issues.push({
        key: fullKey,
        expected: definition.expected,
        given: result.given,
        hint: result.hint,
      });
      continue;
    }
    decoded.set(name, result.value);
  }

  // The two required keys choose the cloud and the profile.
  const cloud = decoded.get("cloud") as Cloud | undefined;
  const environment = decoded.get("environment") as Environment | undefined;
  for (const [name, allowed] of [
    ["cloud", clouds],
    ["environment", environments],
  ] as const) {
    if (!decoded.has(name) && raw.values[`${namespace}:${name}`] === undefined) {
      issues.push({
        key: `${namespace}:${name}`,
        expected: `one of ${allowed.join(", ")}`,
        given: "(missing)",
        hint: `Add \`${namespace}:${name}\` to the stack file's config.`,
      });
    }
  }

  // The cloud's own provider keys: region or location, and project on GCP.
  const rules = cloud === undefined ? undefined : rulesFor(cloud);
  const providerConfig: Record<string, string> = {};
  if (rules !== undefined) {
    for (const providerKey of rules.providerConfig.required) {
      const value = raw.values[providerKey.key];
      if (value === undefined || !providerKey.pattern.test(value)) {
        issues.push({
          key: providerKey.key,
          expected: providerKey.expected,
          given: describeValue(value),
          hint:
            value === undefined
              ? `Rag stacks on ${cloud} need \`${providerKey.key}\` in the stack file.`
              : undefined,
        });
      } else {
        providerConfig[providerKey.key] = value;
      }
    }
  }

  // Merge over the profile, then check what only the merged whole can show.
  let settings: PlatformSettings | undefined;
  const warnings: ConfigWarning[] = [];
  if (environment !== undefined) {
    const profile = structuredClone(profiles[environment]);
    for (const [name, value] of decoded) keysByName.get(name)?.apply?.(profile, value as never);
    const region = rules ? (providerConfig[rules.providerConfig.regionKey] ?? "") : "";
    settings = {
      ...profile,
      // With no valid cloud the issues above are thrown below; any value lets the cross-field
      // checks run meanwhile, so one message still lists every problem.
      cloud: cloud ?? clouds[0],
      environment,
      region,
      providerConfig,
      owner: decoded.get("owner") as string | undefined,
      costCenter: decoded.get("costCenter") as string | undefined,
    };
    issues.push(...crossFieldIssues(settings, rules !== undefined && region !== ""));
    warnings.push(...riskWarnings(settings, Object.keys(raw.values), rulesFor));
    if (rules !== undefined && cloud !== undefined) issues.push(...rules.validate(settings));
    if (rules !== undefined) issues.push(...recoveryIssues(settings, rules.recovery));
  }

  if (issues.length > 0 || settings === undefined) throw new ConfigError(source, issues);
  return { settings, warnings };
}

type Decoded = { ok: true; value: unknown } | { ok: false; given: string; hint?: string };

/** Decodes the CLI's string form the way `pulumi.Config` would, then applies the key's schema. */
function decodeValue(definition: ConfigKey, text: string): Decoded {
  let value: unknown = text;
  switch (definition.kind) {
    case "integer":
      value = /^-?\d+$/.test(text.trim()) ? Number(text) : text;
      break;
    case "boolean":
      value = text === "true" ? true : text === "false" ? false : text;
      break;
    case "array":
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
      break;
    case "string":
      // A YAML list or map reaches the program as its JSON text, which a free-form string key
      // (owner, costCenter) would otherwise accept as a tag value.
      if (/^[[{]/.test(text) && isStructured(text)) {
        return { ok: false, given: `${describeValue(JSON.parse(text))} (a list or map)` };
      }
      break;
  }
  const result = definition.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const hint =
    definition.kind === "string" && /^\d+\.\d+$/.test(text)
      ? "YAML reads an unquoted number and drops its trailing zeros (1.30 becomes 1.3): put the value in quotes."
      : undefined;
  return { ok: false, given: definition.describeInvalid?.(value) ?? describeValue(value), hint };
}

function isStructured(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object";
  } catch {
    return false;
  }
}

function unknownKeyIssue(
  fullKey: string,
  name: string,
  text: string,
  providerKeys: string[],
): ConfigIssue {
  const suggestion = nearestKey(name);
  // A provider key written without its namespace (`region:`) lands in the project's namespace.
  const providerMatches = providerKeys.filter(
    (key) => key.split(":")[1].toLowerCase() === name.toLowerCase(),
  );
  const hint =
    providerMatches.length > 0
      ? `Provider keys keep their provider's namespace: did you mean ${providerMatches.map((key) => `\`${key}\``).join(" or ")}?`
      : suggestion
        ? `Did you mean \`${namespace}:${suggestion}\`?`
        : "See the configuration reference in the README for every key.";
  return {
    key: fullKey,
    expected: "a known rag key",
    given: `an unknown key (value ${describeValue(text)})`,
    hint,
  };
}

/** The known key closest to `name` by edit distance, if it is close enough to be a typo. */
export function nearestKey(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of keysByName.keys()) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(
        previous[j] + 1,
        previous[j - 1] + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[b.length];
}

function crossFieldIssues(settings: PlatformSettings, regionKnown: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { cluster, database } = settings;
  // A public block would shadow real internet hosts from inside the network. 100.64.0.0/10 (RFC
  // 6598) is left out: Cloud SQL's private IP admits a non-RFC 1918 client only through authorized
  // networks, which the GCP backend does not set.
  const privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
  const block = ipv4Range(settings.network.cidr);
  if (block !== undefined && !privateRanges.some((range) => rangeContains(range, block))) {
    issues.push({
      key: `${namespace}:networkCidr`,
      expected: `a block inside the private ranges (${privateRanges.join(", ")})`,
      given: JSON.stringify(settings.network.cidr),
      hint: "Choose an unused block such as 10.40.0.0/16.",
    });
  }
  if (cluster.nodeMinCount > cluster.nodeMaxCount) {
    issues.push({
      key: `${namespace}:nodeMinCount`,
      expected: `at most rag:nodeMaxCount (${cluster.nodeMaxCount})`,
      given: String(cluster.nodeMinCount),
      hint: "Lower rag:nodeMinCount or raise rag:nodeMaxCount.",
    });
  }
  if (cluster.endpointAccess === "restricted" && cluster.authorizedNetworks.length === 0) {
    issues.push({
      key: `${namespace}:clusterAuthorizedNetworks`,
      expected: "at least one CIDR block when rag:clusterEndpointAccess is restricted",
      given: "an empty list",
      hint: "List the networks that may reach the Kubernetes API, or use private access.",
    });
  }
  for (const network of cluster.authorizedNetworks) {
    if (network.endsWith("/0")) {
      issues.push({
        key: `${namespace}:clusterAuthorizedNetworks`,
        expected: "CIDR blocks narrower than the whole internet",
        given: JSON.stringify(network),
        hint: "An API open to every address is not restricted; list your own networks.",
      });
    }
  }
  if (settings.app.minReplicas > settings.app.maxReplicas) {
    issues.push({
      key: `${namespace}:apiMinReplicas`,
      expected: `at most rag:apiMaxReplicas (${settings.app.maxReplicas})`,
      given: String(settings.app.minReplicas),
      hint: "Lower rag:apiMinReplicas or raise rag:apiMaxReplicas.",
    });
  }
  // Qdrant's distributed mode keeps a majority for consensus: two pods survive no loss.
  if (settings.vectorStore.engine === "qdrant" && settings.app.qdrantReplicas === 2) {
    issues.push({
      key: `${namespace}:qdrantReplicas`,
      expected: "1 (single node) or 3 or more (a consensus majority survives one loss)",
      given: "2",
      hint: "Use 3 for a highly available Qdrant, or 1 where an outage during restarts is fine.",
    });
  }
  if (settings.environment === "production" && settings.monitoring.alertEmails.length === 0) {
    issues.push({
      key: `${namespace}:alertEmails`,
      expected: "at least one address in production, so that an outage reaches someone",
      given: "an empty list",
      hint: "List the on-call addresses under rag:alertEmails.",
    });
  }
  if (database.crossRegionBackup && database.backupRegion === undefined) {
    issues.push({
      key: `${namespace}:backupRegion`,
      expected: "a second region when rag:crossRegionBackup is true",
      given: "(missing)",
      hint: "Set rag:backupRegion, or set rag:crossRegionBackup to false.",
    });
  }
  if (
    regionKnown &&
    database.backupRegion !== undefined &&
    database.backupRegion === settings.region
  ) {
    issues.push({
      key: `${namespace}:backupRegion`,
      expected: `a region other than the stack's own (${settings.region})`,
      given: JSON.stringify(database.backupRegion),
      hint: "Backup copies in the same region do not survive a regional outage.",
    });
  }
  return issues;
}

/** First and last address of an IPv4 CIDR block, or undefined when it is not one. */
function ipv4Range(cidr: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const start = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const first = start - (start % size);
  return [first, first + size - 1];
}

function rangeContains(outer: string, [first, last]: [number, number]): boolean {
  const range = ipv4Range(outer);
  return range !== undefined && range[0] <= first && last <= range[1];
}

/**
 * @param stackKeys every key of the stack file, namespaced as written
 * @param rulesFor the clouds' rules, whose provider keys name each cloud's namespaces
 */
function riskWarnings(
  settings: PlatformSettings,
  stackKeys: readonly string[],
  rulesFor: (cloud: Cloud) => CloudRules,
): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const { protection, database, environment } = settings;
  const { cluster } = settings;
  if (cluster.endpointAccess === "private" && cluster.authorizedNetworks.length > 0) {
    warnings.push({
      code: "RAG011",
      message:
        "rag:clusterAuthorizedNetworks is set but rag:clusterEndpointAccess is private: the list " +
        "is ignored and the Kubernetes API stays reachable only from inside the network. Set " +
        "rag:clusterEndpointAccess to restricted to use it, or remove the list.",
    });
  }
  // Keys the program never reads: another cloud's provider keys, or an unknown namespace.
  const namespaceOf = (key: string) => key.split(":")[0];
  const providerNamespaces = (cloud: Cloud) =>
    rulesFor(cloud).providerConfig.required.map((k) => namespaceOf(k.key));
  const ownNamespaces = new Set(providerNamespaces(settings.cloud));
  const otherCloudKeys = stackKeys.filter((key) =>
    clouds.some(
      (cloud) =>
        cloud !== settings.cloud &&
        providerNamespaces(cloud).includes(namespaceOf(key)) &&
        !ownNamespaces.has(namespaceOf(key)),
    ),
  );
  if (otherCloudKeys.length > 0) {
    warnings.push({
      code: "RAG012",
      message:
        `provider keys of another cloud in this ${settings.cloud} stack, which ignores them: ` +
        `${otherCloudKeys.map((key) => `\`${key}\``).join(", ")}. Probably left over from a ` +
        "copied stack file; remove them.",
    });
  }
  const knownNamespaces = new Set([
    namespace,
    "pulumi",
    "kubernetes",
    "random",
    ...clouds.flatMap(providerNamespaces),
  ]);
  const strayKeys = stackKeys.filter((key) => !knownNamespaces.has(namespaceOf(key)));
  if (strayKeys.length > 0) {
    warnings.push({
      code: "RAG013",
      message:
        `keys in a namespace this program never reads (it reads ` +
        `${[...knownNamespaces].join(", ")}): ${strayKeys.map((key) => `\`${key}\``).join(", ")}. ` +
        "A misspelt namespace or a leftover; fix or remove them.",
    });
  }
  if (environment === "production") {
    if (!protection.deletionProtection || !protection.protect || !protection.retainOnDelete) {
      warnings.push({
        code: "RAG001",
        message:
          "production stack with rag:deletionProtection, rag:protect or rag:retainOnDelete off: " +
          "a destroy or a replace can delete the database and its backups.",
      });
    }
    if (!database.highAvailability) {
      warnings.push({
        code: "RAG002",
        message:
          "production database without a zone-redundant standby (rag:databaseHighAvailability).",
      });
    }
    if (!database.crossRegionBackup) {
      warnings.push({
        code: "RAG003",
        message: "production backups stay in one region (rag:crossRegionBackup is false).",
      });
    }
  }
  if (environment === "production") {
    const unpinned = (["blueImage", "greenImage"] as const).filter(
      (name) => !settings.app[name].includes("@sha256:"),
    );
    if (unpinned.length > 0) {
      warnings.push({
        code: "RAG010",
        message:
          `production ${unpinned.map((name) => `rag:${name}`).join(" and ")} pinned by tag, ` +
          "not digest: a re-pushed tag changes what a rollback returns to.",
      });
    }
  }
  if (environment === "staging" && (protection.protect || protection.deletionProtection)) {
    warnings.push({
      code: "RAG004",
      message:
        "staging stack with protection on: `pulumi destroy` will refuse until it is turned off.",
    });
  }
  return warnings;
}
