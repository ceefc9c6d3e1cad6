import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { runScriptAsync, type CommandRun } from "./harness";

/** The corpus of invalid stack files, each a mistake people make, with what it must print. */
const corpus = join("tests", "fixtures", "bad-stacks");
const manifest = parse(readFileSync(join(corpus, "expected.yaml"), "utf8")) as Record<
  string,
  string[]
>;
const files = readdirSync(corpus)
  .filter((name) => name.endsWith(".yaml") && name !== "expected.yaml")
  .sort();

/** Runs the plan on one stack file the way a user does, through npm. */
const runPlan = (file: string) => runScriptAsync("plan", ["--stack", "bad", "--config-file", file]);

/** Runs every file through the command, `limit` processes at a time. */
async function runAll(paths: string[], limit: number): Promise<Map<string, CommandRun>> {
  const runs = new Map<string, CommandRun>();
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
  let runs: Map<string, CommandRun>;

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
      const { status, stdout, stderr } = run as CommandRun;
      expect(status, stderr).to.equal(2);
      expect(stdout, "stdout").to.equal("");
      expect(stderr).to.match(/^.+ has \d+ configuration problems?:$/m);
      expect(stderr).to.contain(`${path} has `);
      expect(stderr, "no stack trace").to.not.match(/^\s+at /m);
      for (const text of manifest[name] ?? []) expect(stderr).to.contain(text);
    });
  }
});
