import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
  evaluate,
  taggedEnvironment,
  unknownValue,
  type Environment,
  type ResourceView,
  type Rule,
  type StackView,
} from "./engine";

/**
 * CrossGuard hands a policy props behind a proxy that throws on every value unknown during
 * preview; its error carries the sentinel. Reading value by value keeps the rest of the resource
 * judgeable instead of demoting the whole policy to advisory.
 */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const source = value as Record<string, unknown>;
  const read = (key: string | number): unknown => {
    try {
      return plainValue(source[key as string]);
    } catch (error) {
      if ((error as { unknownTypeSentinel?: unknown }).unknownTypeSentinel !== undefined)
        return unknownValue;
      throw error;
    }
  };
  // Index by index: Array.prototype.map would read every element through the proxy first.
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(i));
  return Object.fromEntries(Object.keys(source).map((key) => [key, read(key)]));
}

/**
 * The stack's environment as CrossGuard can know it: the one `environment` its tagged resources
 * share. `undefined` (mixed or none) makes production-only rules judge everything: fail safe.
 */
export function stackEnvironment(views: ReadonlyArray<Pick<ResourceView, "type" | "props">>) {
  const found = new Set<Environment>();
  for (const view of views) {
    const environment = taggedEnvironment(view.type, view.props);
    if (environment !== undefined) found.add(environment);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** CrossGuard's resources as the neutral views every rule reads. */
export function toStackView(resources: readonly PolicyResource[]): StackView {
  const partial = resources.map((resource) => ({
    type: resource.type,
    urn: resource.urn,
    name: resource.name,
    props: plainValue(resource.props) as Record<string, unknown>,
    protect: resource.opts.protect,
    // TODO: CrossGuard passes no retainOnDelete to a policy, so the pack cannot check it; only
    // the offline plan (and the digest's `retainOnDelete`) proves it.
    retainOnDelete: undefined,
  }));
  const environment = stackEnvironment(partial);
  return {
    host: "crossguard",
    stackUrn: resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "",
    resources: partial.map((view) => ({
      ...view,
      environment: taggedEnvironment(view.type, view.props) ?? environment,
    })),
    alerts: undefined,
  };
}

/** A shared rule as a CrossGuard stack policy with the rule's level as its enforcement level. */
export function toStackPolicy(rule: Rule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.level,
    validateStack: (args: StackValidationArgs, reportViolation) => {
      for (const violation of evaluate([rule], toStackView(args.resources))) {
        reportViolation(violation.message, violation.urn === "" ? undefined : violation.urn);
      }
    },
  };
}

/** The pack's policies: every shared rule CrossGuard can judge. */
export function crossGuardPolicies(rules: readonly Rule[]): StackValidationPolicy[] {
  return rules.filter((rule) => rule.hosts.includes("crossguard")).map(toStackPolicy);
}
