import { expect } from "chai";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

/** The corpus of invalid stack files, each a mistake people make, with what it must print. */
const corpus = join("tests", "fixtures", "bad-stacks");
const manifest = parse(readFileSync(join(corpus, "expected.yaml"), "utf8")) as Record<
  string,
  string[]
>;
const files = readdirSync(corpus)
  .filter((name) => name.endsWith(".yaml") && name !== "expected.yaml")
  .sort();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the plan the way a user does, through npm, from the repository root. */
function runPlan(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "npm",
      ["run", "--silent", "plan", "--", "--stack", "bad", "--config-file", file],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs every file through the command, `limit` processes at a time. */
async function runAll(paths: string[], limit: number): Promise<Map<string, Run>> {
  const runs = new Map<string, Run>();
  const queue = [...paths];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      runs.set(next, await runPlan(next));
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return runs;
}

describe("the plan command on invalid stack files", () => {
  let runs: Map<string, Run>;

  before(async function () {
    this.timeout(300_000);
    // One process per core, at least 2 and at most 4: each run is a second of CPU-bound startup.
    const limit = Math.min(4, Math.max(2, availableParallelism()));
    runs = await runAll(
      files.map((name) => join(corpus, name)),
      limit,
    );
  });

  it("keeps at least 30 invalid stack files, each with the message it must produce", () => {
    expect(files.length).to.be.at.least(30);
    expect(Object.keys(manifest).sort()).to.deep.equal(files);
    for (const [name, expected] of Object.entries(manifest)) {
      expect(expected, name).to.be.an("array").that.is.not.empty;
    }
  });

  for (const name of files) {
    it(`refuses ${name} with exit 2, naming the file, the key, the rule and the value`, () => {
      const path = join(corpus, name);
      const run = runs.get(path);
      expect(run, `no run of ${path}`).to.not.equal(undefined);
      const { status, stdout, stderr } = run as Run;
      expect(status, stderr).to.equal(2);
      expect(stdout, "stdout").to.equal("");
      expect(stderr).to.match(/^.+ has \d+ configuration problems?:$/m);
      expect(stderr).to.contain(`${path} has `);
      expect(stderr, "no stack trace").to.not.match(/^\s+at /m);
      for (const text of manifest[name] ?? []) expect(stderr).to.contain(text);
    });
  }
});
