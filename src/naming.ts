import { createHash } from "node:crypto";

/** The character rules a cloud imposes on one kind of physical name. */
export interface NameRule {
  /** Longest name the cloud accepts. */
  maxLength: number;
  /** Shortest name the cloud accepts; shorter names are padded with the hash. @default 1 */
  minLength?: number;
  /**
   * `lower-hyphen`: a-z, 0-9 and single hyphens. `lower`: a-z and 0-9 only (storage accounts).
   * `mixed-hyphen`: letters of either case, digits, hyphens. `underscore`: a-z, 0-9, underscores
   * (database names that must not contain hyphens).
   */
  charset: "lower-hyphen" | "lower" | "mixed-hyphen" | "underscore";
  /** The first character must be a letter. @default true */
  startWithLetter?: boolean;
  /** Characters reserved for a suffix the cloud or Pulumi appends (auto-naming). @default 0 */
  reserve?: number;
}

const hashLength = 6;

/**
 * Builds names for one stack. Logical names (Pulumi URNs) are `${prefix}-${role}`; physical names
 * are made valid for a rule, deterministic, and shortened with a stable hash of the full name when
 * they do not fit, so two long stack names never collapse into one.
 */
export class Naming {
  /** `project-stack`, the prefix of every name this stack creates. */
  readonly prefix: string;

  constructor(
    readonly project: string,
    readonly stack: string,
  ) {
    this.prefix = `${project}-${stack}`;
  }

  /** A physical name for `role`, valid under `rule`. */
  physical(role: string, rule: NameRule): string {
    return fitName(`${this.prefix}-${role}`, rule);
  }
}

/** Makes `raw` satisfy `rule`, keeping it readable and adding a hash of `raw` when shortened. */
export function fitName(raw: string, rule: NameRule): string {
  const separator = rule.charset === "underscore" ? "_" : rule.charset === "lower" ? "" : "-";
  const limit = rule.maxLength - (rule.reserve ?? 0);
  const minLength = rule.minLength ?? 1;
  let name = sanitize(raw, rule.charset);
  if ((rule.startWithLetter ?? true) && !/^[a-zA-Z]/.test(name)) name = `r${separator}${name}`;
  const hash = createHash("sha256").update(raw).digest("hex").slice(0, hashLength);
  if (name.length > limit) {
    const keep = limit - hash.length - separator.length;
    name = `${trimSeparators(name.slice(0, keep), separator)}${separator}${hash}`;
  }
  if (name.length < minLength) name = `${name}${separator}${hash}`.slice(0, limit);
  return trimSeparators(name, separator);
}

function sanitize(raw: string, charset: NameRule["charset"]): string {
  switch (charset) {
    case "lower-hyphen":
      return collapse(raw.toLowerCase().replace(/[^a-z0-9]+/g, "-"), "-");
    case "mixed-hyphen":
      return collapse(raw.replace(/[^a-zA-Z0-9]+/g, "-"), "-");
    case "underscore":
      return collapse(raw.toLowerCase().replace(/[^a-z0-9]+/g, "_"), "_");
    case "lower":
      return raw.toLowerCase().replace(/[^a-z0-9]+/g, "");
  }
}

function collapse(name: string, separator: string): string {
  const repeated = new RegExp(`${separator}{2,}`, "g");
  return trimSeparators(name.replace(repeated, separator), separator);
}

function trimSeparators(name: string, separator: string): string {
  if (separator === "") return name;
  let result = name;
  while (result.startsWith(separator)) result = result.slice(1);
  while (result.endsWith(separator)) result = result.slice(0, -1);
  return result;
}
