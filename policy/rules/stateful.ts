import { awsRules } from "../../providers/aws/rules";
import { azureRules } from "../../providers/azure/rules";
import { gcpRules } from "../../providers/gcp/rules";
import { get, unknownValue, type ResourceView, type StackView } from "../engine";

/**
 * Types that hold data or make data readable, on every cloud: each cloud's own list (its
 * rules.ts, which imports no SDK). Rules about data take these as their concern, so a stateful
 * type a backend adds is unknown to them, and fails, until someone decides how to judge it.
 */
export const statefulTypes: readonly string[] = [
  ...awsRules.statefulTypes,
  ...gcpRules.statefulTypes,
  ...azureRules.statefulTypes,
];

export const isStateful = (type: string): boolean => statefulTypes.includes(type);

/**
 * Whether a property of another resource points at `target`: equal to one of the target's
 * identifying values, or unknown (in a real preview an output of a resource not yet created is
 * unknown; the plan's mocks know every value).
 */
export function refersTo(value: unknown, targets: readonly unknown[]): boolean {
  if (value === unknownValue) return true;
  return targets.some((target) => target !== undefined && target === value);
}

/** Other resources of `type` whose `path` points at one of `targets`. */
export function companions(
  stack: StackView,
  type: string,
  path: string,
  targets: readonly unknown[],
): ResourceView[] {
  return stack.resources.filter(
    (resource) => resource.type === type && refersTo(get(resource.props, path), targets),
  );
}
