import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudRules } from "../providers";
import { statefulTypesOfAllClouds, stepType } from "../src/guard/guard";
import { runScript } from "./harness";

/** Runs the guard the way CI does, through npm, from the repository root. */
const runGuard = (args: string[]) => runScript("guard", args);

const fixture = (name: string) => join("tests", "fixtures", "previews", name);
const rdsUrn =
  "urn:pulumi:production::rag::rag:platform:RagPlatform$rag:database:AwsDatabase$aws:rds/instance:Instance::rag-database-instance";

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "rag-guard-")), name);
  writeFileSync(file, text);
  return file;
}

describe("the replace guard", () => {
  const blocked = [
    {
      file: "rds-instance-replace.json",
      type: "aws:rds/instance:Instance",
      op: "create-replacement, replace, delete-replaced",
      reason: "identifier",
    },
    {
      file: "cloudsql-instance-delete.json",
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      op: "delete",
    },
    {
      file: "keyvault-key-replace.json",
      type: "azure-native:keyvault:Key",
      op: "replace",
      reason: "keyName",
    },
  ];
  for (const { file, type, op, reason } of blocked) {
    it(`fails naming the URN, type, operation and reason for ${file}`, () => {
      const run = runGuard([fixture(file)]);
      expect(run.status, run.stderr).to.equal(1);
      expect(run.stdout).to.contain(`BLOCKED: ${type}`);
      expect(run.stdout).to.contain(`[op: ${op}]`);
      expect(run.stdout).to.match(
        new RegExp(`^  urn:pulumi:production::rag::\\S+${type.replace(/[$/]/g, "\\$&")}::`, "m"),
      );
      if (reason !== undefined) expect(run.stdout).to.contain(`because of: ${reason}`);
    });
  }

  it("reports a replacement listed as several steps once", () => {
    const run = runGuard([fixture("rds-instance-replace.json")]);
    expect(run.stdout.match(/BLOCKED/g)).to.have.length(1);
  });

  for (const file of ["tags-update.json", "security-group-replace.json"]) {
    it(`passes ${file}, which puts no stateful resource at risk`, () => {
      const run = runGuard([fixture(file)]);
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.contain("guard: passed");
    });
  }

  it("fails when any one of several files puts a stateful resource at risk", () => {
    const run = runGuard([fixture("tags-update.json"), fixture("keyvault-key-replace.json")]);
    expect(run.status).to.equal(1);
  });

  it("passes an approved replacement with --allow and echoes the approval", () => {
    const run = runGuard(["--allow", rdsUrn, fixture("rds-instance-replace.json")]);
    expect(run.status, run.stdout).to.equal(0);
    expect(run.stdout).to.contain("ALLOWED by --allow: aws:rds/instance:Instance");
    expect(run.stdout).to.contain(rdsUrn);
  });

  it("still fails the resources an --allow does not name", () => {
    const run = runGuard([
      "--allow",
      rdsUrn,
      fixture("rds-instance-replace.json"),
      fixture("cloudsql-instance-delete.json"),
    ]);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.contain("ALLOWED by --allow: aws:rds/instance:Instance");
    expect(run.stdout).to.contain("BLOCKED: gcp:sql/databaseInstance:DatabaseInstance");
  });

  it("notes an --allow that matches nothing, so stale approvals get removed", () => {
    const run = runGuard(["--allow", "urn:pulumi:x::rag::t::gone", fixture("tags-update.json")]);
    expect(run.status).to.equal(0);
    expect(run.stdout).to.contain("--allow urn:pulumi:x::rag::t::gone matches no risky step");
  });

  it("passes the offline plan's own digest, whose steps are all creates", () => {
    const plan = runScript("plan", ["--stack", "production", "--json"]);
    expect(plan.status, plan.stderr).to.equal(0);
    const run = runGuard([tempFile("digest.json", plan.stdout)]);
    expect(run.status, run.stdout + run.stderr).to.equal(0);
  });

  const unreadable = [
    {
      name: "text that is not JSON",
      text: "Previewing update (production)\n",
      message: /is not JSON/,
    },
    { name: "a JSON list", text: "[]", message: /expected a JSON object/ },
    { name: "an object without steps", text: '{"diagnostics": []}', message: /no `steps` list/ },
    {
      name: "a step without an op",
      text: '{"steps": [{"urn": "u"}]}',
      message: /step 0 has no `op`/,
    },
  ];
  for (const { name, text, message } of unreadable) {
    it(`exits 2 with a clear message on ${name}`, () => {
      const run = runGuard([tempFile("preview.json", text)]);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.match(message);
      expect(run.stdout).to.equal("");
    });
  }

  it("exits 2 on a missing file and when no file is named", () => {
    const missing = runGuard([join(tmpdir(), "rag-guard-no-such-file.json")]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.contain("cannot read");
    expect(runGuard([]).status).to.equal(2);
  });

  it("watches the stateful types of every cloud", () => {
    const types = statefulTypesOfAllClouds();
    for (const rules of Object.values(cloudRules)) {
      for (const type of rules.statefulTypes) expect(types.has(type), type).to.equal(true);
    }
  });

  it("takes a step's type from the URN when the step carries no state", () => {
    expect(stepType({ op: "delete", urn: rdsUrn })).to.equal("aws:rds/instance:Instance");
  });
});
