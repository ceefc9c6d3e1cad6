import * as pulumi from "@pulumi/pulumi";

/**
 * The engine's wire form of property values, as the SDK serialises them: secrets and resource
 * references are objects tagged with the SDK's signature key, unknown values a sentinel string.
 * The signatures are the SDK's own constants, so this module follows the SDK if they change.
 */
const { specialSigKey, specialSecretSig, specialResourceSig } = pulumi.runtime;

/** The SDK's sentinel for a value not known until the update. */
export const unknownSentinel: string = pulumi.runtime.unknownValue;

/** What a reader of the plan sees in place of a secret. */
export const blinded = "[secret]";

/** True when a wire-form value is a secret (wrapped by the SDK). */
export function isSecretValue(value: unknown): boolean {
  return pulumi.runtime.isRpcSecret(value);
}

/** True when a wire-form value is one of the SDK's tagged values (secret, reference, asset). */
export function isTaggedValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && specialSigKey in value;
}

/** Replaces secrets with `[secret]` and resource references with their URN. */
export function blind(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blind);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return blinded;
    if (record[specialSigKey] === specialResourceSig) return record.urn;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, blind(v)]));
  }
  return value;
}

/** Replaces secret wrappers with their values, for fixtures and tests that read inputs. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
