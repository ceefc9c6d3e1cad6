import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { configFor, runScript, type StackConfig } from "./harness";

/** Runs the plan the way a user does, through npm, from the repository root. */
const runPlan = (args: string[]) => runScript("plan", args);

function stackFile(config: StackConfig | string): string {
  const dir = mkdtempSync(join(tmpdir(), "rag-plan-"));
  const file = join(dir, "Pulumi.case.yaml");
  writeFileSync(file, typeof config === "string" ? config : stringify({ config }));
  return file;
}

describe("the offline plan command", () => {
  it("prints the staging platform as a tree by component with counts by type", () => {
    const run = runPlan(["--stack", "staging"]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("Plan of Pulumi.staging.yaml: staging on aws in us-east-1");
    expect(run.stdout).to.match(/^ {2}rag \(rag:platform:RagPlatform\): \d+ resources$/m);
    expect(run.stdout).to.match(/rag-database \(rag:database:AwsDatabase\)/);
    expect(run.stdout).to.match(/\d+ x aws:rds\/instance:Instance/);
    expect(run.stdout).to.contain("Policies: every mandatory policy passed.");
  });

  it("prints only a preview-shaped JSON document with --json", () => {
    const run = runPlan(["--stack", "staging", "--json"]);
    expect(run.status, run.stderr).to.equal(0);
    const digest = JSON.parse(run.stdout);
    expect(digest).to.have.all.keys(
      "config",
      "steps",
      "diagnostics",
      "changeSummary",
      "outputs",
      "recovery",
    );
    expect(digest.changeSummary.create).to.equal(digest.steps.length);
    const step = digest.steps.find((s: any) => s.newState.type === "aws:rds/instance:Instance");
    expect(step.op).to.equal("create");
    expect(step.newState).to.include.all.keys(
      "urn",
      "type",
      "custom",
      "parent",
      "provider",
      "inputs",
      "protect",
      "retainOnDelete",
      "dependencies",
    );
    expect(step.newState.dependencies.length, "implicit dependencies recorded").to.be.greaterThan(
      0,
    );
    expect(digest.config["rag:cloud"]).to.equal("aws");
  });

  it("exits 1 and lists the violation when a mandatory policy fails", () => {
    const file = stackFile(configFor("aws", "production", { "rag:protect": false }));
    const run = runPlan(["--stack", "case", "--config-file", file, "--json"]);
    expect(run.status).to.equal(1);
    const digest = JSON.parse(run.stdout);
    const errors = digest.diagnostics.filter((d: any) => d.severity === "error");
    expect(errors.map((d: any) => d.message).join("\n")).to.contain(
      "[stateful-resources-protected]",
    );
  });

  const invalid: Array<{ name: string; args: () => string[]; message: RegExp }> = [
    {
      name: "an invalid stack file",
      args: () => [
        "--stack",
        "case",
        "--config-file",
        stackFile({ "rag:cloud": "aws", "rag:environment": "prod" }),
      ],
      message: /`rag:environment`: expected one of staging, production; got "prod"/,
    },
    {
      name: "an empty stack file",
      args: () => ["--stack", "case", "--config-file", stackFile("")],
      message: /got an empty file/,
    },
    {
      name: "a stack with no file",
      args: () => ["--stack", "does-not-exist"],
      message: /Pulumi\.does-not-exist\.yaml has 1 configuration problem:[\s\S]*ENOENT/,
    },
    { name: "a missing --stack", args: () => [], message: /--stack is required/ },
    {
      name: "a stack name the Pulumi CLI would refuse",
      args: () => [
        "--stack",
        "bad name!/x",
        "--config-file",
        stackFile(configFor("aws", "staging")),
      ],
      message: /--stack "bad name!\/x": expected a Pulumi stack name/,
    },
    {
      name: "an unknown option",
      args: () => ["--stack", "staging", "--colour"],
      message: /Unknown option '--colour'/,
    },
  ];
  for (const testCase of invalid) {
    it(`exits 2 with a clear message and no stack trace for ${testCase.name}`, () => {
      const run = runPlan(testCase.args());
      expect(run.status).to.equal(2);
      expect(run.stderr).to.match(testCase.message);
      expect(run.stderr).to.not.match(/^\s+at /m);
      expect(run.stdout).to.equal("");
    });
  }
});
