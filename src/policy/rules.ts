import {
  evaluate,
  SecretValue,
  taggedEnvironment,
  unknownValue,
  type AlertView,
  type PolicyViolation,
  type ResourceView,
  type StackView,
} from "../../policy/engine";
import { rules } from "../../policy/rules";
import type { Environment } from "../config/settings";
import { blind, isSecretValue, isTaggedValue, unknownSentinel } from "../plan/wire";
import type { RecordedResource } from "../plan/record";

export type { PolicyLevel, PolicyViolation } from "../../policy/engine";

/** What the plan hands the policies: the recorded registrations and what the stack promised. */
export interface PolicyInput {
  /** The stack's tier from `rag:environment`; a resource's own `environment` tag wins. */
  environment: Environment;
  resources: RecordedResource[];
  /** Registered alerts as the stack outputs list them. */
  alerts: AlertView[];
  stackUrn: string;
}

/** Wire-form inputs as the policy engine reads them: secrets kept as secrets, references as URNs. */
export function toProps(value: unknown): unknown {
  if (value === unknownSentinel) return unknownValue;
  if (isSecretValue(value)) return new SecretValue(toProps((value as { value: unknown }).value));
  if (Array.isArray(value)) return value.map(toProps);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (isTaggedValue(record)) return blind(record);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toProps(v)]));
  }
  return value;
}

/** A recorded registration as the neutral view every policy reads. */
export function toResourceView(resource: RecordedResource, environment: Environment): ResourceView {
  const props = toProps(resource.inputs) as Record<string, unknown>;
  return {
    type: resource.type,
    urn: resource.urn,
    name: resource.name,
    props,
    protect: resource.protect,
    retainOnDelete: resource.retainOnDelete,
    environment: taggedEnvironment(resource.type, props) ?? environment,
  };
}

/** Evaluates every policy the plan can judge (policy/rules): the same code the pack runs. */
export function evaluatePolicies(input: PolicyInput): PolicyViolation[] {
  const stack: StackView = {
    host: "plan",
    stackUrn: input.stackUrn,
    resources: input.resources.map((resource) => toResourceView(resource, input.environment)),
    alerts: input.alerts,
  };
  return evaluate(rules, stack);
}
