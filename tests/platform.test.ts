import { expect } from "chai";
import { readdirSync } from "node:fs";
import { stringify } from "yaml";
import { cloudRules, loadBackend } from "../providers";
import { loadConfig } from "../src/config/load";
import type { Cloud } from "../src/config/settings";
import { blind } from "../src/plan/wire";
import { fixtureSets } from "../src/plan/plan";
import { recordProgram } from "../src/plan/record";
import { parseStackFile } from "../src/plan/stackFile";
import { RagPlatform } from "../src/platform";
import { configFor, planRepoStack } from "./harness";

const repoStacks = readdirSync(".")
  .filter((name) => /^Pulumi\..+\.yaml$/.test(name))
  .map((name) => name.slice("Pulumi.".length, -".yaml".length));

describe("the repository's stack files", () => {
  it("include a staging and a production stack", () => {
    expect(repoStacks).to.include.members(["staging", "production"]);
  });

  for (const stack of repoStacks) {
    it(`plan ${stack} with every mandatory policy passing`, async () => {
      const result = await planRepoStack(stack);
      expect(result.recording.resources.length).to.be.greaterThan(20);
      const mandatory = result.violations.filter((v) => v.level === "mandatory");
      expect(mandatory, JSON.stringify(mandatory, null, 2)).to.deep.equal([]);
    });
  }
});

describe("the platform component", () => {
  const clouds: Cloud[] = ["aws", "gcp", "azure"];
  for (const cloud of clouds) {
    it(`gives every resource a unique URN when two ${cloud} platforms share one program`, async () => {
      const source = "Pulumi.twice.yaml";
      const raw = parseStackFile(
        stringify({ config: configFor(cloud, "production") }),
        "rag",
        source,
      );
      const { settings } = loadConfig(raw, source, (c) => cloudRules[c]);
      const backend = await loadBackend(cloud);
      const recording = await recordProgram({
        project: "rag",
        stack: "twice",
        config: raw.values,
        secretKeys: [],
        fixtures: fixtureSets,
        // Backends' warnings (for example Azure's RAG401) are expected here, not under test.
        onLog: () => undefined,
        program: async () => {
          new RagPlatform("rag", { settings, backend });
          new RagPlatform("rag2", { settings, backend });
          return {};
        },
      });
      const urns = recording.resources.map((resource) => resource.urn);
      const duplicates = urns.filter((urn, i) => urns.indexOf(urn) !== i);
      expect(duplicates).to.deep.equal([]);
      const platforms = recording.resources.filter((r) => r.type === "rag:platform:RagPlatform");
      expect(platforms).to.have.length(2);
    });
  }

  it("parents every resource under the platform, tagged by component", async () => {
    const result = await planRepoStack("staging");
    const platform = result.recording.resources.find((r) => r.type === "rag:platform:RagPlatform");
    const byUrn = new Map(result.recording.resources.map((r) => [r.urn, r]));
    for (const resource of result.recording.resources) {
      if (resource.type === "pulumi:pulumi:Stack" || resource === platform) continue;
      let ancestor = byUrn.get(resource.parent);
      while (ancestor !== undefined && ancestor !== platform) ancestor = byUrn.get(ancestor.parent);
      expect(ancestor, `${resource.urn} is not under the platform`).to.equal(platform);
    }
  });

  it("exports the kubeconfig and database credentials only as secrets or vault references", async () => {
    const result = await planRepoStack("production");
    const outputs = blind(result.recording.outputs) as Record<string, unknown>;
    expect(outputs.kubeconfig).to.equal("[secret]");
    expect(String(outputs.databaseCredentialsSecret)).to.not.match(/password/i);
    expect(JSON.stringify(result.digest)).to.not.match(
      /"(password|masterPassword)":\s*"(?!\[secret\])/,
    );
  });
});
