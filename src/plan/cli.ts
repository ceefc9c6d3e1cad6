import { parseArgs } from "node:util";
import { ConfigError } from "../config/issues";
import { planStack } from "./plan";
import { renderPlan } from "./render";

/** Exit statuses of the offline plan. */
export const exitStatus = {
  ok: 0,
  policyFailed: 1,
  usageOrConfig: 2,
  /** The program itself failed: a bug in this project, never a user's configuration. */
  internal: 3,
} as const;

const usage = `Usage: npm run --silent plan -- --stack NAME [--config-file FILE] [--json]

Runs the program offline under recording mocks with the stack's configuration.
  --stack NAME         stack to plan; reads Pulumi.NAME.yaml unless --config-file is given
  --config-file FILE   stack file to read instead of Pulumi.NAME.yaml
  --json               print only a document shaped like \`pulumi preview --json\`

Exit status: 0 success; 1 a mandatory policy failed; 2 bad usage or invalid config;
3 the program failed (a bug: please report it).`;

/** The stack names the Pulumi CLI accepts. */
const stackNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

async function main(argv: string[]): Promise<number> {
  let values: { stack?: string; "config-file"?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return exitStatus.usageOrConfig;
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return exitStatus.ok;
  }
  if (values.stack === undefined || values.stack === "") {
    process.stderr.write(`--stack is required.\n\n${usage}\n`);
    return exitStatus.usageOrConfig;
  }
  if (!stackNamePattern.test(values.stack)) {
    process.stderr.write(
      `--stack ${JSON.stringify(values.stack)}: expected a Pulumi stack name (letters, digits, ` +
        "hyphens, underscores or periods, at most 100 characters).\n",
    );
    return exitStatus.usageOrConfig;
  }

  try {
    const result = await planStack({ stack: values.stack, configFile: values["config-file"] });
    const source = values["config-file"] ?? `Pulumi.${values.stack}.yaml`;
    await write(
      values.json
        ? `${JSON.stringify(result.digest, null, 2)}\n`
        : `${renderPlan(result, source)}\n`,
    );
    const failed = result.violations.some((violation) => violation.level === "mandatory");
    return failed ? exitStatus.policyFailed : exitStatus.ok;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return exitStatus.usageOrConfig;
    }
    throw error;
  }
}

/** Writes to stdout and resolves once the text is flushed, so exiting cannot truncate it. */
function write(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

// A rejection nobody awaited is a bug in the program: fail loudly instead of printing a plan
// that silently lacks resources.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`plan failed: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  process.exit(exitStatus.internal);
});

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`plan failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(exitStatus.internal);
  },
);
