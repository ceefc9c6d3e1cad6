import type { RecoveryReport } from "../recovery/achievable";
import type { RecordedResource, Recording } from "./record";

const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";

/** What a reader of the plan sees in place of a secret. */
export const blinded = "[secret]";

export interface DigestStep {
  op: "create";
  urn: string;
  provider: string;
  newState: {
    urn: string;
    type: string;
    custom: boolean;
    parent: string;
    provider: string;
    inputs: Record<string, unknown>;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
  };
}

export interface Diagnostic {
  severity: "info" | "warning" | "error";
  message: string;
  urn?: string;
}

/** A document shaped like `pulumi preview --json`, so tools that read previews read the plan. */
export interface PreviewDigest {
  config: Record<string, string>;
  steps: DigestStep[];
  diagnostics: Diagnostic[];
  changeSummary: Record<string, number>;
  /** Stack outputs, secrets blinded. */
  outputs: Record<string, unknown>;
  /** Recovery targets and the RPO/RTO the configured design achieves per failure scenario. */
  recovery?: RecoveryReport;
}

/**
 * Builds the preview digest of a recording: every registration becomes a `create` step (the plan
 * always starts from an empty stack), and every secret, in config, inputs or outputs, is blinded.
 */
export function toDigest(
  recording: Recording,
  config: Record<string, string>,
  secretKeys: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): PreviewDigest {
  const steps = recording.resources.map((resource) => toStep(resource));
  const blindConfig = Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, secretKeys.has(key) ? blinded : value]),
  );
  return {
    config: blindConfig,
    steps,
    diagnostics,
    changeSummary: { create: steps.length },
    outputs: blind(recording.outputs) as Record<string, unknown>,
  };
}

function toStep(resource: RecordedResource): DigestStep {
  return {
    op: "create",
    urn: resource.urn,
    provider: resource.provider,
    newState: {
      urn: resource.urn,
      type: resource.type,
      custom: resource.custom,
      parent: resource.parent,
      provider: resource.provider,
      inputs: blind(resource.inputs) as Record<string, unknown>,
      protect: resource.protect,
      retainOnDelete: resource.retainOnDelete,
      dependencies: resource.dependencies,
      propertyDependencies: resource.propertyDependencies,
    },
  };
}

/** Replaces the wire form's secrets with `[secret]` and resource references with their URN. */
export function blind(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blind);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[sigKey] === secretSig) return blinded;
    if (record[sigKey] === resourceSig) return record.urn;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, blind(v)]));
  }
  return value;
}

/** True when a wire-form value is a secret (wrapped by the SDK). */
export function isSecretValue(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[sigKey] === secretSig
  );
}
