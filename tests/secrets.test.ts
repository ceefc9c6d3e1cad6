import { expect } from "chai";
import { blinded, isSecretValue, unwrapSecrets } from "../src/plan/wire";
import { randomFixtures } from "../src/plan/randomFixtures";
import { renderPlan } from "../src/plan/render";
import { configFor, plan, type PlanResult, type StackConfig } from "./harness";

type Cloud = "aws" | "gcp" | "azure";
type Environment = "staging" | "production";

/** Every cloud and environment, plus the vector-store engines that bring their own credentials. */
const cases: Array<{ cloud: Cloud; environment: Environment; overrides: StackConfig }> = [];
for (const cloud of ["aws", "gcp", "azure"] as const) {
  for (const environment of ["staging", "production"] as const) {
    cases.push({ cloud, environment, overrides: {} });
  }
  cases.push({
    cloud,
    environment: "production",
    overrides: { "rag:vectorStoreEngine": "managed" },
  });
  cases.push({ cloud, environment: "staging", overrides: { "rag:vectorStoreEngine": "qdrant" } });
}

/**
 * Input names that carry a secret's value wherever they appear. Flags such as
 * `manageMasterUserPassword: true` are booleans and say nothing secret.
 */
const sensitiveName = /(password|secretString|secretData|kubeconfig|apiKey|token)$/i;

/**
 * Resource types holding a secret, and the inputs that are the secret itself: an Azure Key Vault
 * secret's `properties.value`, a Kubernetes Secret's `data` and `stringData`.
 */
const secretHolder = /:(Secret|SecretVersion)$/;
const heldValue = /\.(properties\.value|data|stringData)(\.|$)/;

interface Leaf {
  path: string;
  value: unknown;
}

/** Every leaf of a JSON-like document with its path. */
function leaves(value: unknown, path = "$"): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, `${path}.${key}`));
  }
  return [{ path, value }];
}

/** Every text a reader of a document sees: its string leaves and its keys. */
function texts(value: unknown, path = "$"): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => texts(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => [
      { path: `${path} (key ${key})`, value: key },
      ...texts(item, `${path}.${key}`),
    ]);
  }
  return typeof value === "string" ? [{ path, value }] : [];
}

/** Every value the program wrapped as a secret, in raw inputs and stack outputs, as text. */
function wrappedSecrets(result: PlanResult): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (isSecretValue(value)) {
      const inner = unwrapSecrets(value);
      found.push(typeof inner === "string" ? inner : JSON.stringify(inner));
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === "object") {
      Object.values(value).forEach(visit);
    }
  };
  for (const resource of result.recording.resources) visit(resource.inputs);
  visit(result.recording.outputs);
  return found;
}

/**
 * What @pulumi/random would generate for each password of the plan (a RandomString is not a
 * secret: it can be a name suffix).
 */
function generatedSecrets(result: PlanResult): string[] {
  return result.recording.resources
    .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
    .flatMap((r) => {
      const compute = randomFixtures.resourceOutputs[r.type];
      const outputs = compute(r.name, unwrapSecrets(r.inputs) as Record<string, unknown>);
      return [outputs.result, outputs.bcryptHash].filter((v): v is string => typeof v === "string");
    });
}

/** Values of sensitive fields inside a JSON secret (the password in a credentials document). */
function sensitiveFieldsOf(secret: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(secret);
  } catch {
    return [];
  }
  return leaves(document)
    .filter((leaf) => /(password|secret|token|apikey)$/i.test(leaf.path))
    .map((leaf) => leaf.value)
    .filter((value): value is string => typeof value === "string" && value !== "");
}

describe("secrets in the plan", () => {
  for (const { cloud, environment, overrides } of cases) {
    const engine = overrides["rag:vectorStoreEngine"] as string | undefined;
    const label = `${cloud} ${environment}${engine ? ` (${engine} vector store)` : ""}`;

    describe(label, () => {
      let result: PlanResult;
      let documents: Array<{ name: string; document: unknown }>;

      before(async () => {
        result = await plan(configFor(cloud, environment, overrides));
        documents = [
          { name: "the JSON digest", document: result.digest },
          { name: "the text plan", document: renderPlan(result, "Pulumi.test.yaml") },
        ];
      });

      it("wraps every generated password as a secret before it reaches the engine", () => {
        const wrapped = wrappedSecrets(result);
        for (const generated of generatedSecrets(result)) {
          if (generated.startsWith("$2a$")) continue; // the bcrypt hash is not used as an input
          const holders = wrapped.filter((secret) => secret.includes(generated));
          expect(holders, `generated value ${generated} is never wrapped`).to.not.be.empty;
        }
      });

      it("never shows a secret's value in the digest, the outputs or the text plan", () => {
        const needles = new Set<string>(generatedSecrets(result));
        for (const secret of wrappedSecrets(result)) {
          // Short values (a port, a flag) would match by chance; none of ours is a credential.
          if (secret.length >= 12) needles.add(secret);
          for (const field of sensitiveFieldsOf(secret)) needles.add(field);
        }
        expect(needles.size, "secrets to look for").to.be.greaterThan(0);
        const leaks: string[] = [];
        for (const { name, document } of documents) {
          for (const leaf of texts(document)) {
            const text = leaf.value as string;
            const leaked = [...needles].find((needle) => text.includes(needle));
            if (leaked !== undefined) leaks.push(`${name} at ${leaf.path}: ${leaked.slice(0, 40)}`);
          }
        }
        expect(leaks).to.deep.equal([]);
      });

      it("blinds every input named like a password, secret data or kubeconfig", () => {
        let checked = 0;
        for (const step of result.digest.steps) {
          const { type, inputs } = step.newState;
          for (const leaf of leaves(inputs)) {
            const name = leaf.path.split(".").pop() ?? "";
            const named = sensitiveName.test(name) && typeof leaf.value !== "boolean";
            const held = secretHolder.test(type) && heldValue.test(leaf.path);
            if (!named && !held) continue;
            checked++;
            expect(leaf.value, `${type} ${step.urn} ${leaf.path}`).to.equal(blinded);
          }
        }
        // At least the Kubernetes provider's kubeconfig is checked on every cloud.
        expect(checked).to.be.at.least(1);
      });

      it("exports the kubeconfig only as a secret", () => {
        expect(result.digest.outputs.kubeconfig).to.equal(blinded);
        expect(isSecretValue(result.recording.outputs.kubeconfig)).to.equal(true);
      });
    });
  }
});
