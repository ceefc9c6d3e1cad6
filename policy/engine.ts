/**
 * The one evaluation engine of the platform's policies. Rules are written once against a neutral
 * view of a stack (type, URN, name, input values, `protect`, `retainOnDelete`, environment); the
 * offline plan (src/policy/rules.ts) and the CrossGuard pack (policy/crossguard.ts) each adapt
 * what they see to that view. Nothing here imports a cloud SDK: rules read type tokens and plain
 * values.
 */

export type PolicyLevel = "mandatory" | "advisory";
export type Environment = "staging" | "production";
/** Where a rule can run: the offline plan sees more (secrets, stack outputs) than CrossGuard. */
export type PolicyHost = "plan" | "crossguard";

export interface PolicyViolation {
  policy: string;
  level: PolicyLevel;
  urn: string;
  message: string;
}

/** A value the host marked as secret; rules see through it with `get`. */
export class SecretValue {
  constructor(readonly value: unknown) {}
}

/** A value not known until the update runs (an output of a resource yet to be created). */
export const unknownValue: unique symbol = Symbol("unknown until update");

export interface ResourceView {
  type: string;
  urn: string;
  /** Logical name (the Pulumi resource name, not the cloud's physical name). */
  name: string;
  /** Inputs as plain values: secrets as `SecretValue`, unknowns as `unknownValue`. */
  props: Record<string, unknown>;
  protect: boolean;
  /** `undefined` when the host cannot see it (CrossGuard passes no `retainOnDelete`). */
  retainOnDelete: boolean | undefined;
  /** The resource's `environment` tag or label, else the stack's; `undefined` when unknown. */
  environment: Environment | undefined;
}

/** A registered alert as the stack outputs list it (the offline plan only). */
export interface AlertView {
  component: string;
  signal: string;
  detectionSeconds: number;
}

export interface StackView {
  host: PolicyHost;
  stackUrn: string;
  resources: ResourceView[];
  /** `undefined` when the host cannot read stack outputs. */
  alerts: AlertView[] | undefined;
}

export interface Rule {
  name: string;
  level: PolicyLevel;
  description: string;
  /** Hosts able to judge this rule; a rule listed for CrossGuard becomes a pack policy. */
  hosts: readonly PolicyHost[];
  /** Per-type knowledge of a resource rule; `undefined` for a rule over the whole stack. */
  coverage?: RuleCoverage;
  check(stack: StackView): PolicyViolation[];
}

export interface RuleCoverage {
  /** Types the rule judges. */
  judged: readonly string[];
  /** Whether the rule judges every other type too (with one generic judge). */
  judgesEveryType: boolean;
  /** Types inside the rule's concern it knows and deliberately does not judge, with why. */
  exempt: Readonly<Record<string, string>>;
  /** Whether a type belongs to the rule's concern; such a type unknown to the rule fails it. */
  concern(type: string): boolean;
}

/** What a judge found wrong with one property. */
export interface Finding {
  property: string;
  problem: string;
}

export type Judge = (resource: ResourceView, stack: StackView) => Finding[];

export interface ResourceRuleSpec {
  name: string;
  level: PolicyLevel;
  description: string;
  /** Judge only production resources (and those whose environment is unknown: fail safe). */
  productionOnly?: boolean;
  judges: Readonly<Record<string, Judge>>;
  /** Judges every type that has no judge of its own and is not exempt. @default none */
  fallback?: Judge;
  exempt?: Readonly<Record<string, string>>;
  /** @default the judged and exempt types only */
  concern?: (type: string) => boolean;
}

/**
 * Builds a rule judged resource by resource. A resource whose type is in the rule's concern but
 * neither judged nor exempt is a violation: a rule never passes a type it does not know.
 */
export function resourceRule(spec: ResourceRuleSpec): Rule {
  const exempt = spec.exempt ?? {};
  const concern = spec.concern ?? ((type: string) => type in spec.judges || type in exempt);
  const violation = (urn: string, message: string): PolicyViolation => ({
    policy: spec.name,
    level: spec.level,
    urn,
    message,
  });
  return {
    name: spec.name,
    level: spec.level,
    description: spec.description,
    hosts: ["plan", "crossguard"],
    coverage: {
      judged: Object.keys(spec.judges),
      judgesEveryType: spec.fallback !== undefined,
      exempt,
      concern,
    },
    check(stack) {
      const violations: PolicyViolation[] = [];
      for (const resource of stack.resources) {
        if (spec.productionOnly && resource.environment === "staging") continue;
        if (resource.type in exempt) continue;
        const judge = spec.judges[resource.type] ?? spec.fallback;
        if (judge === undefined) {
          if (concern(resource.type)) {
            violations.push(
              violation(
                resource.urn,
                `${resource.type} \`${resource.name}\` is a type this policy does not know; ` +
                  "add a judge or an exemption for it under policy/rules/",
              ),
            );
          }
          continue;
        }
        for (const finding of judge(resource, stack)) {
          violations.push(violation(resource.urn, describe(resource, finding)));
        }
      }
      return violations;
    },
  };
}

/** The message of a finding: names the resource and the property. */
export function describe(resource: ResourceView, finding: Finding): string {
  return `${resource.type} \`${resource.name}\`: \`${finding.property}\` ${finding.problem}`;
}

/** Evaluates every rule the host can judge. */
export function evaluate(rules: readonly Rule[], stack: StackView): PolicyViolation[] {
  return rules
    .filter((rule) => rule.hosts.includes(stack.host))
    .flatMap((rule) => rule.check(stack));
}

/** The value at a dotted path (`a.b[0].c`), seen through secrets; `unknownValue` stays. */
export function get(props: unknown, path: string): unknown {
  let value: unknown = props;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    value = reveal(value);
    if (value === unknownValue) return unknownValue;
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return reveal(value);
}

function reveal(value: unknown): unknown {
  return value instanceof SecretValue ? reveal(value.value) : value;
}

/** How a value reads in a message. */
export function show(value: unknown): string {
  if (value === unknownValue) return "unknown until the update";
  if (value === undefined) return "unset";
  return JSON.stringify(value);
}

/** A finding unless the value at `path` equals `expected`. */
export function expectValue(props: unknown, path: string, expected: unknown): Finding[] {
  const value = get(props, path);
  if (value === expected) return [];
  return [{ property: path, problem: `is ${show(value)}; expected ${show(expected)}` }];
}

/**
 * A finding unless `path` holds a non-empty value. An unknown value passes: it is a reference to a
 * resource (a key, a network) that the update creates.
 */
export function expectSet(props: unknown, path: string, what: string): Finding[] {
  const value = get(props, path);
  if (value === unknownValue) return [];
  if (value === undefined || value === null || value === "" || value === false) {
    return [{ property: path, problem: `is ${show(value)}; expected ${what}` }];
  }
  if (Array.isArray(value) && value.length === 0) {
    return [{ property: path, problem: `is empty; expected ${what}` }];
  }
  return [];
}

/** A finding unless the number at `path` is at least `minimum`. */
export function expectAtLeast(props: unknown, path: string, minimum: number): Finding[] {
  const value = get(props, path);
  if (typeof value === "number" && value >= minimum) return [];
  return [{ property: path, problem: `is ${show(value)}; expected at least ${minimum}` }];
}

/** The tag or label map of a resource, wherever its type keeps it; `undefined` when it has none. */
export function tagsOf(resource: ResourceView): Record<string, unknown> | undefined {
  for (const path of tagPaths[resource.type] ?? ["tags", "labels"]) {
    const value = get(resource.props, path);
    if (value !== null && typeof value === "object") return value as Record<string, unknown>;
  }
  return undefined;
}

/** Where types that do not keep their tags under `tags` or `labels` keep them. */
export const tagPaths: Readonly<Record<string, readonly string[]>> = {
  "gcp:sql/databaseInstance:DatabaseInstance": ["settings.userLabels"],
  "gcp:container/cluster:Cluster": ["resourceLabels"],
  // A notification channel's `labels` configure the channel (its e-mail address).
  "gcp:monitoring/notificationChannel:NotificationChannel": ["userLabels"],
  "gcp:monitoring/alertPolicy:AlertPolicy": ["userLabels"],
};

/** The environment a resource's own tag or label names, if any. */
export function taggedEnvironment(
  type: string,
  props: Record<string, unknown>,
): Environment | undefined {
  const view = { type, props } as ResourceView;
  const value = tagsOf(view)?.environment;
  return value === "staging" || value === "production" ? value : undefined;
}

/** Parses a JSON document held in a string property; `undefined` when it is not JSON. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Resources of one type in the stack. */
export function resourcesOfType(stack: StackView, type: string): ResourceView[] {
  return stack.resources.filter((resource) => resource.type === type);
}
