/**
 * Benchmark (not a test): type-check time and peak memory, and offline plan wall time per stack,
 * each printed as a ratio to a floor measured in the same run on the same machine. The floors
 * import the same SDK submodules as the project and declare nothing, so a ratio shows what this
 * project adds on top of the cost of the SDKs it cannot avoid.
 *
 * Usage: npm run bench [-- --runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parse } from "yaml";

const root = process.cwd();
const floorDir = join(root, "bench", ".floor");
const targets = { typecheck: 1.3, plan: 1.5 };

interface Measurement {
  seconds: number;
  maxRssMb: number;
}

/** SDK module specifiers imported by the TypeScript files under `dirs`. */
function sdkImports(dirs: string[]): string[] {
  const found = new Set<string>();
  const pattern = /(?:from |import\()"(@pulumi\/[^"]+)"/g;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith(".ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(pattern)) found.add(match[1]);
      }
    }
  };
  dirs.forEach(walk);
  return [...found].sort();
}

/** Runs a command `runs` times; keeps the fastest run and the largest peak memory. */
function measure(args: string[], runs: number): Measurement {
  let best = Number.POSITIVE_INFINITY;
  let maxRss = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, ["--require", "./bench/maxrss.cjs", ...args], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const seconds = (performance.now() - start) / 1000;
    if (result.status !== 0) {
      throw new Error(
        `benchmark command failed (${args.join(" ")}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    best = Math.min(best, seconds);
    const rss = Number(/BENCH_MAXRSS_KB (\d+)/.exec(result.stderr)?.[1] ?? 0);
    maxRss = Math.max(maxRss, rss / 1024);
  }
  return { seconds: best, maxRssMb: maxRss };
}

function writeTypecheckFloor(modules: string[]): string {
  const imports = modules.map((m, i) => `import * as m${i} from "${m}";`).join("\n");
  const file = join(floorDir, "typecheck-floor.ts");
  writeFileSync(
    file,
    `${imports}\n\nexport const modules = [${modules.map((_, i) => `m${i}`).join(", ")}];\n`,
  );
  const tsconfig = join(floorDir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: "../../tsconfig.json", include: ["typecheck-floor.ts"] }, null, 2),
  );
  return tsconfig;
}

function writePlanFloor(cloud: string, modules: string[]): string {
  const imports = modules.map((m, i) => `  const m${i} = await import("${m}");`).join("\n");
  const file = join(floorDir, `plan-floor-${cloud}.ts`);
  const recordPath = relative(floorDir, join(root, "src", "plan", "record")).replace(/\\/g, "/");
  const planPath = relative(floorDir, join(root, "src", "plan", "plan")).replace(/\\/g, "/");
  writeFileSync(
    file,
    `import { recordProgram } from "${recordPath}";
import { fixtureSets } from "${planPath}";

// Floor of the plan benchmark: the same SDK modules, the same mocks, nothing declared.
async function main(): Promise<void> {
  await recordProgram({
    project: "rag",
    stack: "floor",
    config: {},
    secretKeys: [],
    fixtures: fixtureSets,
    program: async () => {
${imports}
      return { loaded: [${modules.map((_, i) => `typeof m${i}`).join(", ")}].length };
    },
  });
}
void main();
`,
  );
  return file;
}

function stacksInRepo(): Array<{ stack: string; cloud: string }> {
  return readdirSync(root)
    .filter((name) => /^Pulumi\..+\.yaml$/.test(name))
    .map((name) => {
      const config = (parse(readFileSync(name, "utf8")) as { config: Record<string, unknown> })
        .config;
      return {
        stack: name.slice("Pulumi.".length, -".yaml".length),
        cloud: String(config["rag:cloud"]),
      };
    });
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "2" } } });
  const runs = Number(values.runs);
  rmSync(floorDir, { recursive: true, force: true });
  mkdirSync(floorDir, { recursive: true });
  const tsc = join("node_modules", "typescript", "lib", "tsc.js");
  const rows: string[] = [];
  let failed = false;
  const report = (what: string, value: number, floor: number, unit: string, target: number) => {
    const ratio = value / floor;
    const verdict = ratio <= target ? "ok" : "OVER TARGET";
    if (ratio > target) failed = true;
    rows.push(
      `| ${what} | ${value.toFixed(unit === "s" ? 1 : 0)} ${unit} | ${floor.toFixed(unit === "s" ? 1 : 0)} ${unit} | ${ratio.toFixed(2)}x | ${target}x | ${verdict} |`,
    );
  };

  // Type-check: the whole project against a file importing the same SDK submodules.
  const allModules = sdkImports(
    ["src", "providers", "stacks", "tests", "bench"].filter((d) => d !== "bench"),
  );
  const floorConfig = writeTypecheckFloor(allModules);
  process.stderr.write(`type-check: ${allModules.length} SDK modules, ${runs} run(s) each...\n`);
  const floorCheck = measure([tsc, "--noEmit", "-p", floorConfig], runs);
  const projectCheck = measure([tsc, "--noEmit", "-p", "tsconfig.json"], runs);
  report("type-check time", projectCheck.seconds, floorCheck.seconds, "s", targets.typecheck);
  report(
    "type-check peak memory",
    projectCheck.maxRssMb,
    floorCheck.maxRssMb,
    "MB",
    targets.typecheck,
  );

  // Plan: each stack against an empty program loading its cloud's SDK submodules.
  for (const { stack, cloud } of stacksInRepo()) {
    const modules = sdkImports([join("providers", cloud), "src"]);
    const floorFile = writePlanFloor(cloud, modules);
    process.stderr.write(`plan ${stack} (${cloud}): ${runs} run(s) each...\n`);
    const floorPlan = measure(["--import", "tsx", floorFile], runs);
    const plan = measure(["--import", "tsx", "src/plan/cli.ts", "--stack", stack, "--json"], runs);
    report(
      `plan ${stack} (${cloud}) wall time`,
      plan.seconds,
      floorPlan.seconds,
      "s",
      targets.plan,
    );
  }

  rmSync(floorDir, { recursive: true, force: true });
  process.stdout.write(
    [
      `node ${process.versions.node}, ${runs} run(s) per figure (fastest kept)`,
      "",
      "| figure | project | floor | ratio | target | verdict |",
      "|---|---|---|---|---|---|",
      ...rows,
      "",
    ].join("\n"),
  );
  process.exitCode = failed ? 1 : 0;
}

main();
