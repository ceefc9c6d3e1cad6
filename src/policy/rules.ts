import { maxDetectionSeconds } from "../contracts/common";
import type { Environment } from "../config/settings";
import { isSecretValue } from "../plan/digest";
import type { RecordedResource } from "../plan/record";

export type PolicyLevel = "mandatory" | "advisory";

export interface PolicyViolation {
  policy: string;
  level: PolicyLevel;
  urn: string;
  message: string;
}

/** What a policy sees: the recorded registrations and what the stack promised. */
export interface PolicyInput {
  environment: Environment;
  resources: RecordedResource[];
  /** Resource types that hold data; from the cloud's rules. */
  statefulTypes: readonly string[];
  /** Registered alerts as the stack outputs list them. */
  alerts: Array<{ component: string; signal: string; detectionSeconds: number }>;
  stackUrn: string;
}

export interface Policy {
  name: string;
  level: PolicyLevel;
  description: string;
  check(input: PolicyInput): PolicyViolation[];
}

/** Input property names whose value must reach the engine as a secret. */
const sensitiveProperty = /(password|secretstring|privatekey|kubeconfig|adminloginpassword)$/i;
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Policies the offline plan evaluates on every stack. A failed mandatory policy makes the plan
 * exit 1.
 */
export const policies: Policy[] = [
  {
    name: "stateful-resources-protected",
    level: "mandatory",
    description:
      "In production, every stateful resource has Pulumi `protect` and `retainOnDelete`, so " +
      "neither a destroy nor a replace deletes data.",
    check(input) {
      if (input.environment !== "production") return [];
      return input.resources
        .filter((resource) => input.statefulTypes.includes(resource.type))
        .filter((resource) => !resource.protect || !resource.retainOnDelete)
        .map((resource) => ({
          policy: this.name,
          level: this.level,
          urn: resource.urn,
          message: `${resource.type} is stateful but has protect=${resource.protect}, retainOnDelete=${resource.retainOnDelete}`,
        }));
    },
  },
  {
    name: "sensitive-inputs-are-secrets",
    level: "mandatory",
    description:
      "Passwords, private keys and kubeconfigs reach the engine as secrets, so state and " +
      "previews never hold them in plain text.",
    check(input) {
      const violations: PolicyViolation[] = [];
      for (const resource of input.resources) {
        for (const path of plainSensitivePaths(resource.inputs, "")) {
          violations.push({
            policy: this.name,
            level: this.level,
            urn: resource.urn,
            message: `input \`${path}\` holds a sensitive value in plain text`,
          });
        }
      }
      return violations;
    },
  },
  {
    name: "alerts-detect-within-five-minutes",
    level: "mandatory",
    description: `Every registered alert fires within ${maxDetectionSeconds} s of an outage starting.`,
    check(input) {
      return input.alerts
        .filter((alert) => alert.detectionSeconds > maxDetectionSeconds)
        .map((alert) => ({
          policy: this.name,
          level: this.level,
          urn: input.stackUrn,
          message: `${alert.component} alert \`${alert.signal}\` detects in ${alert.detectionSeconds} s (limit ${maxDetectionSeconds} s)`,
        }));
    },
  },
];

function plainSensitivePaths(value: unknown, path: string): string[] {
  if (isSecretValue(value) || value === unknownValue) return [];
  if (Array.isArray(value))
    return value.flatMap((item, i) => plainSensitivePaths(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const childPath = path === "" ? key : `${path}.${key}`;
      if (sensitiveProperty.test(key) && typeof child === "string" && child !== "")
        return [childPath];
      return plainSensitivePaths(child, childPath);
    });
  }
  return [];
}

export function evaluatePolicies(input: PolicyInput): PolicyViolation[] {
  return policies.flatMap((policy) => policy.check(input));
}
