import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every installed copy of a package, found by walking node_modules. */
function installedCopies(name: string, root = "node_modules"): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    const candidate = join(dir, name, "package.json");
    if (existsSync(candidate)) found.push(candidate);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const nested = entry.name.startsWith("@")
        ? readdirSync(join(dir, entry.name)).map((n) => join(dir, entry.name, n, "node_modules"))
        : [join(dir, entry.name, "node_modules")];
      for (const path of nested) if (existsSync(path)) visit(path);
    }
  };
  visit(root);
  return found;
}

describe("the toolchain", () => {
  it("installs exactly one copy of @pulumi/pulumi, so mocks and resources share one runtime", () => {
    expect(installedCopies("@pulumi/pulumi")).to.deep.equal([
      "node_modules/@pulumi/pulumi/package.json",
    ]);
  });

  it("runs on the Node version the Pulumi SDK supports", () => {
    const engines = JSON.parse(
      readFileSync("node_modules/@pulumi/pulumi/package.json", "utf8"),
    ).engines;
    const required = Number(/>=\s*(\d+)/.exec(engines.node)?.[1]);
    expect(Number(process.versions.node.split(".")[0])).to.be.at.least(required);
  });

  it("pins TypeScript below 7, inside the SDK's peer range", () => {
    const pinned = JSON.parse(readFileSync("package.json", "utf8")).devDependencies.typescript;
    expect(pinned).to.match(/^\d+\.\d+\.\d+$/);
    expect(Number(pinned.split(".")[0])).to.be.lessThan(7);
  });

  it("imports cloud SDK submodules only, never a package root", () => {
    const roots = /from "@pulumi\/(aws|gcp|azure-native|kubernetes|random)"/;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".ts") && roots.test(readFileSync(path, "utf8")))
          offenders.push(path);
      }
    };
    for (const dir of ["src", "providers", "stacks", "tests", "bench"])
      if (existsSync(dir)) walk(dir);
    expect(offenders).to.deep.equal([]);
  });

  it("keeps cloud SDKs out of src/ and each cloud out of the others' folders", () => {
    const offenders: string[] = [];
    const check = (dir: string, forbidden: RegExp) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) check(path, forbidden);
        else if (path.endsWith(".ts") && forbidden.test(readFileSync(path, "utf8")))
          offenders.push(path);
      }
    };
    check(
      "src",
      /from "@pulumi\/(aws|gcp|azure-native)[/"]|from "\.\.\/(\.\.\/)?providers\/(aws|gcp|azure)/,
    );
    check(
      "providers/aws",
      /@pulumi\/(gcp|azure-native)|providers\/(gcp|azure)|\.\.\/(gcp|azure)\//,
    );
    check(
      "providers/gcp",
      /@pulumi\/(aws|azure-native)|providers\/(aws|azure)|\.\.\/(aws|azure)\//,
    );
    check("providers/azure", /@pulumi\/(aws|gcp)[/"]|providers\/(aws|gcp)|\.\.\/(aws|gcp)\//);
    expect(offenders).to.deep.equal([]);
  });

  it("fails the test run when a promise rejects with nobody awaiting it", () => {
    const run = spawnSync(
      "npm",
      [
        "exec",
        "--",
        "mocha",
        "--no-config",
        "--node-option",
        "import=tsx",
        "--require",
        "tests/setup.ts",
        "tests/fixtures/unhandled.spec.ts",
      ],
      {
        encoding: "utf8",
      },
    );
    expect(run.status, run.stdout).to.not.equal(0);
    expect(run.stdout + run.stderr).to.contain("nobody awaited this");
  });
});
