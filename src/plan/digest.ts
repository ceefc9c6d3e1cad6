import type { RecoveryReport } from "../recovery/achievable";
import type { RecordedResource, Recording } from "./record";
import { blind, blinded } from "./wire";

export interface DigestStep {
  op: "create";
  urn: string;
  provider: string;
  /** The registration as recorded, less its logical name (the URN carries it). */
  newState: Omit<RecordedResource, "name">;
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
