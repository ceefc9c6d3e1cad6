import { readFileSync } from "node:fs";
import { parse, YAMLParseError } from "yaml";
import { ConfigError, type ConfigIssue } from "../config/issues";
import { configKeys } from "../config/keys";
import type { RawConfig } from "../config/load";

/**
 * Reads a stack file the way the Pulumi CLI hands its config to a program: every key is
 * `<namespace>:<name>` (the CLI refuses a key without a namespace, and reads the old
 * `<namespace>:config:<name>` form as `<namespace>:<name>`), scalars become strings, maps and
 * lists become JSON, and `secure:` values are secrets. The offline plan cannot decrypt a `secure:` value, so it carries
 * the placeholder `[secret]` and marks the key secret.
 */
export function readStackFile(path: string, project: string, source = path): RawConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(source, [
      {
        key: "(file)",
        expected: "a readable stack file",
        given: (error as NodeJS.ErrnoException).code ?? String(error),
        hint: "Check the --stack name or the --config-file path.",
      },
    ]);
  }
  return parseStackFile(text, project, source);
}

export function parseStackFile(text: string, project: string, source: string): RawConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigError(source, [yamlIssue(error, text)]);
  }
  if (document === null || document === undefined) {
    throw new ConfigError(source, [
      {
        key: "config",
        expected: "a `config:` map with at least rag:cloud and rag:environment",
        given: text.trim() === "" ? "an empty file" : "an empty file (only comments)",
      },
    ]);
  }
  if (!isRecord(document)) {
    throw new ConfigError(source, [
      { key: "(file)", expected: "a YAML map with a `config:` key", given: describe(document) },
    ]);
  }
  const strayKeys = Object.keys(document).filter((key) => !stackFileKeys.includes(key));
  if (document.config === undefined && strayKeys.length > 0) {
    // Keys written at the top level are not config: the program would see none of them.
    throw new ConfigError(source, [
      {
        key: "config",
        expected: "the stack's keys indented under a top-level `config:` map",
        given: `top-level keys ${strayKeys.map((key) => `\`${key}\``).join(", ")}`,
        hint: "Add a `config:` line and indent the keys below it.",
      },
    ]);
  }
  const config = document.config ?? {};
  if (!isRecord(config)) {
    throw new ConfigError(source, [
      {
        key: "config",
        expected: "a map of configuration keys",
        given: describe(config),
        hint: Array.isArray(config)
          ? "Write `key: value` lines under `config:`, without a leading `- `."
          : undefined,
      },
    ]);
  }

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const keyIssues: ConfigIssue[] = [];
  for (const [rawKey, value] of Object.entries(config)) {
    const key = configKey(rawKey);
    if (key === undefined) {
      keyIssues.push(unparsableKeyIssue(rawKey, project));
      continue;
    }
    if (containsSecure(value)) secretKeys.add(key);
    values[key] = toConfigString(value);
  }
  if (keyIssues.length > 0) throw new ConfigError(source, keyIssues);
  return { values, secretKeys };
}

/** The key as the CLI's `config.ParseKey` reads it, or undefined where the CLI refuses it. */
function configKey(rawKey: string): string | undefined {
  const parts = rawKey.split(":");
  if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return rawKey;
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "") {
    return `${parts[0]}:${parts[2]}`;
  }
  return undefined;
}

const providerKeyNames = new Set(["region", "project", "location", "zone"]);

function unparsableKeyIssue(rawKey: string, project: string): ConfigIssue {
  const name = rawKey.split(":").pop() ?? rawKey;
  let hint = `Write keys as \`<namespace>:<name>\`, for example \`${project}:cloud\`.`;
  if (!rawKey.includes(":") && configKeys.some((k) => k.name === rawKey)) {
    hint = `Write it as \`${project}:${rawKey}\`.`;
  } else if (providerKeyNames.has(name)) {
    hint =
      "Provider keys take their provider's namespace: `aws:region`, `gcp:project`, " +
      "`gcp:region` or `azure-native:location`.";
  }
  return {
    key: rawKey,
    expected: "a key of the form `<namespace>:<name>`, as the Pulumi CLI requires",
    given: rawKey.includes(":") ? "a key the CLI cannot parse" : "a key without a namespace",
    hint,
  };
}

/** Top-level keys of a Pulumi stack settings file. */
const stackFileKeys = [
  "config",
  "environment",
  "secretsprovider",
  "encryptedkey",
  "encryptionsalt",
];

/** Hints for the YAML mistakes people make most in stack files, by the parser's error code. */
const yamlHints: Record<string, string> = {
  TAB_AS_INDENT: "Indent with spaces: YAML does not allow tabs.",
  BAD_INDENT:
    "Check the indentation of that line and the one above it, and that a `[` list closes with `]`.",
  BLOCK_AS_IMPLICIT_KEY:
    "Check the indentation: every key under `config:` takes the same number of spaces.",
  MISSING_CHAR: "Check that every `[`, `{` or quote opened on that line is closed.",
};

/** A YAML parse error as one issue: where it is, what is wrong, how to fix it. */
function yamlIssue(error: unknown, text: string): ConfigIssue {
  if (!(error instanceof YAMLParseError)) {
    return { key: "(file)", expected: "valid YAML", given: `a parse error: ${String(error)}` };
  }
  const line = error.linePos?.[0].line ?? 0;
  const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  if (error.code === "DUPLICATE_KEY") {
    const key = /^\s*(.+?):(\s|$)/.exec(text.split("\n")[line - 1] ?? "")?.[1] ?? "a key";
    return {
      key,
      expected: "each key once in the stack file",
      given: `a second \`${key}\` at line ${line}`,
      hint: "Delete one of the two; YAML does not let a later value override an earlier one.",
    };
  }
  const column = error.linePos?.[0].col ?? 0;
  return {
    key: "(file)",
    expected: "valid YAML",
    given: `a parse error at line ${line}, column ${column}: ${reason}`,
    hint: yamlHints[error.code],
  };
}

/** The CLI's string form of a config value. */
function toConfigString(value: unknown): string {
  if (isSecure(value)) return "[secret]";
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(blindSecure(value));
}

function isSecure(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

function containsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecure);
  if (isRecord(value)) return Object.values(value).some(containsSecure);
  return false;
}

function blindSecure(value: unknown): unknown {
  if (isSecure(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(blindSecure);
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blindSecure(v)]));
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** A key declared in Pulumi.yaml's `config:` section. */
export interface ProjectConfigDeclaration {
  type?: string;
  description?: string;
  default?: unknown;
  items?: { type: string };
}

/**
 * Applies Pulumi.yaml's declared defaults to keys the stack file does not set, as the Pulumi CLI
 * does before it starts the program.
 */
export function applyProjectDefaults(
  raw: RawConfig,
  project: string,
  declarations: Record<string, ProjectConfigDeclaration>,
): RawConfig {
  const values = { ...raw.values };
  for (const [rawKey, declaration] of Object.entries(declarations)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (values[key] === undefined && declaration.default !== undefined) {
      values[key] = toConfigString(declaration.default);
    }
  }
  return { values, secretKeys: raw.secretKeys };
}
