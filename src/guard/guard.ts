import { cloudRules } from "../../providers";

/**
 * Operations of `pulumi preview --json` (the engine's `op` strings) that destroy a resource or
 * swap it for a new, empty one, with what they do to the data. `discard` and `discard-replaced`
 * keep the cloud resource but drop it from the stack, so the program loses track of the data.
 */
export const riskyOps: Readonly<Record<string, string>> = {
  replace: "replaced",
  "create-replacement": "replaced by a new, empty resource",
  "delete-replaced": "deleted after its replacement is created",
  "read-replacement": "replaced by a read of another resource",
  "import-replacement": "replaced by an imported resource",
  delete: "deleted",
  discard: "dropped from the stack (the cloud resource stays, unmanaged)",
  "discard-replaced": "dropped from the stack after its replacement is created",
};

/** The part of a preview step the guard reads. */
export interface PreviewStep {
  op: string;
  urn: string;
  newState?: { type?: string };
  oldState?: { type?: string };
  diffReasons?: string[];
  replaceReasons?: string[];
}

/** A stateful resource a preview would replace, delete or drop. */
export interface GuardFinding {
  urn: string;
  type: string;
  ops: string[];
  /** Properties that force the change (`replaceReasons`, else `diffReasons`). */
  reasons: string[];
  /** Approved with `--allow URN`. */
  allowed: boolean;
}

/** Input the guard cannot read: exit status 2, never a pass. */
export class GuardInputError extends Error {
  override name = "GuardInputError";
}

/** Stateful types of every cloud: the guard reads previews without knowing the stack's cloud. */
export function statefulTypesOfAllClouds(): ReadonlySet<string> {
  return new Set(Object.values(cloudRules).flatMap((rules) => rules.statefulTypes));
}

/** The steps of a `pulumi preview --json` document (or of the offline plan's digest). */
export function parsePreview(text: string, source: string): PreviewStep[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new GuardInputError(
      `${source} is not JSON (${(error as Error).message}); pass the output of \`pulumi preview --json\`.`,
    );
  }
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new GuardInputError(`${source} is not a preview document: expected a JSON object.`);
  }
  // Every real preview lists at least the stack itself; no `steps` means a failed or empty run.
  const steps = (document as { steps?: unknown }).steps;
  if (!Array.isArray(steps)) {
    throw new GuardInputError(
      `${source} has no \`steps\` list: the preview failed or is not \`pulumi preview --json\` output.`,
    );
  }
  return steps.map((step: unknown, index) => {
    const candidate = step as Partial<PreviewStep> | null;
    if (typeof candidate?.op !== "string" || typeof candidate.urn !== "string") {
      throw new GuardInputError(`${source}: step ${index} has no \`op\` and \`urn\` strings.`);
    }
    return candidate as PreviewStep;
  });
}

/** The type token of a step: from its state, else from the URN's last type segment. */
export function stepType(step: PreviewStep): string {
  const fromState = step.newState?.type ?? step.oldState?.type;
  if (fromState !== undefined) return fromState;
  // urn:pulumi:<stack>::<project>::<parent$...$type>::<name>
  const qualified = step.urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

/**
 * Stateful resources the steps would replace, delete or drop, one finding per URN (a replacement
 * shows as several steps), each marked allowed when its URN is in `allow`.
 */
export function findRiskySteps(
  steps: PreviewStep[],
  statefulTypes: ReadonlySet<string>,
  allow: ReadonlySet<string>,
): GuardFinding[] {
  const byUrn = new Map<string, GuardFinding>();
  for (const step of steps) {
    if (riskyOps[step.op] === undefined) continue;
    const type = stepType(step);
    if (!statefulTypes.has(type)) continue;
    const finding = byUrn.get(step.urn) ?? {
      urn: step.urn,
      type,
      ops: [],
      reasons: [],
      allowed: allow.has(step.urn),
    };
    if (!finding.ops.includes(step.op)) finding.ops.push(step.op);
    for (const reason of step.replaceReasons ?? step.diffReasons ?? []) {
      if (!finding.reasons.includes(reason)) finding.reasons.push(reason);
    }
    byUrn.set(step.urn, finding);
  }
  return [...byUrn.values()];
}

/** The guard's report for a person: blocked resources, approved exceptions, unused approvals. */
export function renderFindings(findings: GuardFinding[], allow: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    const what = finding.ops.map((op) => riskyOps[op]).join("; ");
    const why = finding.reasons.length > 0 ? ` (because of: ${finding.reasons.join(", ")})` : "";
    const mark = finding.allowed ? "ALLOWED by --allow" : "BLOCKED";
    lines.push(
      `${mark}: ${finding.type} would be ${what} [op: ${finding.ops.join(", ")}]${why}`,
      `  ${finding.urn}`,
    );
  }
  const seen = new Set(findings.map((finding) => finding.urn));
  for (const urn of allow) {
    if (!seen.has(urn)) lines.push(`note: --allow ${urn} matches no risky step; remove it.`);
  }
  return lines;
}
