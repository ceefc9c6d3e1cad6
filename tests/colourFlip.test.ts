import { expect } from "chai";
import type { Cloud, Environment } from "../src/config/settings";
import type { DigestStep } from "../src/plan/digest";
import { configFor, plan } from "./harness";

/** Paths (dot-separated) at which two JSON values differ. */
function differingPaths(a: unknown, b: unknown, path = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) =>
    differingPaths(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      path === "" ? key : `${path}.${key}`,
    ),
  );
}

async function steps(
  cloud: Cloud,
  environment: Environment,
  color: "blue" | "green",
  extra: Record<string, unknown>,
): Promise<Map<string, DigestStep>> {
  const result = await plan(configFor(cloud, environment, { ...extra, "rag:activeColor": color }));
  return new Map(result.digest.steps.map((step) => [step.urn, step]));
}

const cases: Array<[Cloud, Environment, Record<string, unknown>]> = [
  ["aws", "staging", {}],
  ["gcp", "production", {}],
  ["azure", "staging", { "rag:vectorStoreEngine": "qdrant" }],
];

/**
 * Inputs computed from the clock at plan time, which the program tells the engine to ignore
 * after creation (`ignoreChanges`), so they never reach a real diff: GCP's first secret rotation.
 */
const clockPaths = /^newState\.inputs\.rotation\.nextRotationTime$/;

describe("rollback by flipping rag:activeColor", () => {
  for (const [cloud, environment, extra] of cases) {
    const engine = (extra["rag:vectorStoreEngine"] as string | undefined) ?? "pgvector";
    it(`changes only the API Service's selector (${cloud} ${environment}, ${engine})`, async () => {
      const blue = await steps(cloud, environment, "blue", extra);
      const blueAgain = await steps(cloud, environment, "blue", extra);
      const green = await steps(cloud, environment, "green", extra);
      expect([...green.keys()].sort()).to.deep.equal([...blue.keys()].sort());

      // Two plans of the same config differ only in clock-derived inputs the engine ignores.
      const noise = [...blue.keys()].flatMap((urn) =>
        differingPaths(blue.get(urn), blueAgain.get(urn)).map((path) => `${urn} ${path}`),
      );
      for (const entry of noise) expect(entry.split(" ")[1]).to.match(clockPaths);

      // The flip: every step identical but one, the Service, and in it only the selector.
      const changed = [...blue.keys()]
        .map((urn) => ({
          urn,
          paths: differingPaths(blue.get(urn), green.get(urn)).filter(
            (path) => !noise.includes(`${urn} ${path}`),
          ),
        }))
        .filter((change) => change.paths.length > 0);
      expect(
        changed.map((change) => change.urn),
        "steps that differ",
      ).to.have.length(1);
      const [{ urn, paths }] = changed;
      expect(blue.get(urn)!.newState.type).to.equal("kubernetes:core/v1:Service");
      expect(paths).to.deep.equal(["newState.inputs.spec.selector.rag.dev/color"]);
      expect(green.get(urn)!.newState.inputs.spec).to.have.nested.property(
        "selector.rag\\.dev/color",
        "green",
      );
    });
  }
});
