import { maxDetectionSeconds } from "../../src/contracts/common";
import { SecretValue, unknownValue, type PolicyViolation, type Rule } from "../engine";

/** Input property names whose value must reach the engine as a secret. */
const sensitiveProperty = /(password|secretstring|privatekey|kubeconfig|adminloginpassword)$/i;

function plainSensitivePaths(value: unknown, path: string): string[] {
  if (value instanceof SecretValue || value === unknownValue) return [];
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

/**
 * Passwords, private keys and kubeconfigs reach the engine as secrets. Only the offline plan can
 * judge it: CrossGuard hands a policy secrets already unwrapped, so it cannot tell them apart.
 */
export const sensitiveInputsAreSecrets: Rule = {
  name: "sensitive-inputs-are-secrets",
  level: "mandatory",
  description:
    "Passwords, private keys and kubeconfigs reach the engine as secrets, so state and " +
    "previews never hold them in plain text.",
  hosts: ["plan"],
  check(stack) {
    const violations: PolicyViolation[] = [];
    for (const resource of stack.resources) {
      for (const path of plainSensitivePaths(resource.props, "")) {
        violations.push({
          policy: this.name,
          level: this.level,
          urn: resource.urn,
          message: `${resource.type} \`${resource.name}\`: \`${path}\` holds a sensitive value in plain text`,
        });
      }
    }
    return violations;
  },
};

/**
 * Every registered alert fires within the detection bound. It reads the stack's `alerts` output,
 * which only the offline plan sees.
 */
export const alertsDetectQuickly: Rule = {
  name: "alerts-detect-within-five-minutes",
  level: "mandatory",
  description: `Every registered alert fires within ${maxDetectionSeconds} s of an outage starting.`,
  hosts: ["plan"],
  check(stack) {
    return (stack.alerts ?? [])
      .filter((alert) => alert.detectionSeconds > maxDetectionSeconds)
      .map((alert) => ({
        policy: this.name,
        level: this.level,
        urn: stack.stackUrn,
        message: `${alert.component} alert \`${alert.signal}\` detects in ${alert.detectionSeconds} s (limit ${maxDetectionSeconds} s)`,
      }));
  },
};
