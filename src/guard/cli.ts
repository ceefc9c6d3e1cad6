import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  findRiskySteps,
  GuardInputError,
  parsePreview,
  renderFindings,
  statefulTypesOfAllClouds,
  type GuardFinding,
} from "./guard";

/** Exit statuses of the replace guard. */
export const guardExit = { clean: 0, blocked: 1, unreadable: 2 } as const;

const usage = `Usage: npm run --silent guard -- [--allow URN]... FILE...

Reads \`pulumi preview --json\` documents (or the offline plan's --json digest) and fails when a
stateful resource (database, key, secret, vector index, log archive) would be replaced, deleted
or dropped from the stack.
  --allow URN   a reviewed, approved change to that resource; repeatable; echoed in the output

Exit status: 0 no stateful resource at risk (or every one allowed); 1 at least one blocked;
2 bad usage or a file that is not a preview document.`;

function main(argv: string[]): number {
  let values: { allow?: string[]; help?: boolean };
  let files: string[];
  try {
    ({ values, positionals: files } = parseArgs({
      args: argv,
      options: {
        allow: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return guardExit.unreadable;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return guardExit.clean;
  }
  if (files.length === 0) {
    process.stderr.write(`Name at least one preview file.\n\n${usage}\n`);
    return guardExit.unreadable;
  }

  // Read every file first: one unreadable file fails the run before any verdict.
  const allow = new Set(values.allow ?? []);
  const statefulTypes = statefulTypesOfAllClouds();
  const findings: GuardFinding[] = [];
  try {
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        throw new GuardInputError(`cannot read ${file}: ${(error as Error).message}`);
      }
      findings.push(...findRiskySteps(parsePreview(text, file), statefulTypes, allow));
    }
  } catch (error) {
    if (!(error instanceof GuardInputError)) throw error;
    process.stderr.write(`guard: ${error.message}\n`);
    return guardExit.unreadable;
  }

  const lines = renderFindings(findings, allow);
  const blocked = findings.filter((finding) => !finding.allowed);
  lines.push(
    blocked.length === 0
      ? `guard: passed; no stateful resource would be replaced or deleted without approval (${files.length} file(s)).`
      : `guard: ${blocked.length} stateful resource(s) would be replaced or deleted. Review each; ` +
          "approve a planned one with --allow URN, or see docs/recovery.md for the safe two-step change.",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return blocked.length === 0 ? guardExit.clean : guardExit.blocked;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`guard failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 3;
}
