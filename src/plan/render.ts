import { renderRecovery } from "../recovery/achievable";
import type { PlanResult } from "./plan";
import type { RecordedResource } from "./record";

/**
 * The human view of a plan: the component tree with, under each component, its resources
 * counted by type; then totals, diagnostics and policy results.
 */
export function renderPlan(result: PlanResult, source: string): string {
  const { settings } = result.loaded;
  const resources = result.recording.resources;
  const lines: string[] = [
    `Plan of ${source}: ${settings.environment} on ${settings.cloud} in ${settings.region}`,
    "",
  ];

  const children = new Map<string, RecordedResource[]>();
  for (const resource of resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const stack = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  if (stack !== undefined) renderComponent(stack, children, 0, lines);

  const custom = resources.filter((resource) => resource.custom);
  const types = new Set(custom.map((resource) => resource.type));
  const protectedCount = custom.filter((resource) => resource.protect).length;
  lines.push(
    "",
    `${custom.length} resources of ${types.size} types in ${resources.length - custom.length} components; ` +
      `${protectedCount} protected.`,
  );

  const diagnostics = result.digest.diagnostics.filter((d) => d.severity !== "info");
  if (diagnostics.length > 0) {
    lines.push("", "Diagnostics:");
    for (const diagnostic of diagnostics)
      lines.push(`  ${diagnostic.severity}: ${diagnostic.message}`);
  }
  if (result.digest.recovery !== undefined) {
    lines.push("", ...renderRecovery(result.digest.recovery));
  }
  const mandatory = result.violations.filter((violation) => violation.level === "mandatory");
  lines.push(
    "",
    mandatory.length === 0
      ? "Policies: every mandatory policy passed."
      : `Policies: ${mandatory.length} mandatory violation(s); see diagnostics.`,
  );
  return lines.join("\n");
}

function renderComponent(
  component: RecordedResource,
  children: Map<string, RecordedResource[]>,
  depth: number,
  lines: string[],
): void {
  const indent = "  ".repeat(depth);
  const own = children.get(component.urn) ?? [];
  const total = countDescendants(component.urn, children);
  lines.push(`${indent}${component.name} (${component.type}): ${total} resources`);
  const byType = new Map<string, number>();
  for (const child of own.filter((resource) => resource.custom)) {
    byType.set(child.type, (byType.get(child.type) ?? 0) + 1);
  }
  for (const [type, count] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${indent}    ${String(count).padStart(3)} x ${type}`);
  }
  for (const child of own.filter((resource) => !resource.custom)) {
    renderComponent(child, children, depth + 1, lines);
  }
}

function countDescendants(urn: string, children: Map<string, RecordedResource[]>): number {
  return (children.get(urn) ?? []).reduce(
    (sum, child) => sum + (child.custom ? 1 : countDescendants(child.urn, children)),
    0,
  );
}
