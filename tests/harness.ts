import * as pulumi from "@pulumi/pulumi";
import { spawn, spawnSync } from "node:child_process";
import { stringify } from "yaml";
import { blind, unwrapSecrets } from "../src/plan/wire";
import { planConfig, planStack, readProjectFile, type PlanResult } from "../src/plan/plan";
import type { RecordedResource } from "../src/plan/record";
import { applyProjectDefaults, parseStackFile } from "../src/plan/stackFile";

export type { PlanResult, RecordedResource };

/** Stack-file config as a test writes it: namespaced keys to YAML values. */
export type StackConfig = Record<string, unknown>;

/**
 * Plans a stack whose file would hold `config`, going through the same YAML-to-CLI conversion
 * as a real stack file.
 */
export async function plan(config: StackConfig, stack = "test"): Promise<PlanResult> {
  const source = `Pulumi.${stack}.yaml`;
  const project = readProjectFile(process.cwd());
  const raw = applyProjectDefaults(
    parseStackFile(stringify({ config }), project.name, source),
    project.name,
    project.config,
  );
  return planConfig(raw, { project: project.name, stack, source });
}

/** Plans one of the repository's own stack files. */
export function planRepoStack(stack: string): Promise<PlanResult> {
  return planStack({ stack });
}

/** Minimal valid config of each cloud, for tables of cases. */
export const baseConfig: Record<"aws" | "gcp" | "azure", StackConfig> = {
  aws: { "rag:cloud": "aws", "aws:region": "us-east-1" },
  gcp: { "rag:cloud": "gcp", "gcp:project": "rag-test-project", "gcp:region": "europe-west4" },
  azure: { "rag:cloud": "azure", "azure-native:location": "westeurope" },
};

/** Second region of each cloud, for production's cross-region backups. */
export const backupRegion: Record<"aws" | "gcp" | "azure", string> = {
  aws: "us-west-2",
  gcp: "europe-west1",
  azure: "northeurope",
};

/** A valid config of `cloud` in `environment`. */
export function configFor(
  cloud: "aws" | "gcp" | "azure",
  environment: "staging" | "production",
  overrides: StackConfig = {},
): StackConfig {
  const production =
    environment === "production"
      ? { "rag:backupRegion": backupRegion[cloud], "rag:alertEmails": ["oncall@example.com"] }
      : {};
  return { ...baseConfig[cloud], "rag:environment": environment, ...production, ...overrides };
}

/** Every recorded resource of a type token. */
export function ofType(result: PlanResult, type: string): RecordedResource[] {
  return result.recording.resources.filter((resource) => resource.type === type);
}

/** The single recorded resource of a type token; fails when there is not exactly one. */
export function single(result: PlanResult, type: string): RecordedResource {
  const found = ofType(result, type);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}`);
  }
  return found[0];
}

/** A resource's inputs with secrets unwrapped, for asserting on values. */
export function inputs(resource: RecordedResource): Record<string, any> {
  return unwrapSecrets(resource.inputs) as Record<string, any>;
}

/** A resource's inputs with secrets blinded, as the digest shows them. */
export function blindedInputs(resource: RecordedResource): Record<string, any> {
  return blind(resource.inputs) as Record<string, any>;
}

/** Resolves an Output's value; the one way tests await outputs. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is the SDK's own accessor; unlike `apply` it also settles for unknown values
  // (as undefined) instead of never calling back and hanging the test.
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** What a command printed and how it ended. */
export interface CommandRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an npm script the way a user does (`npm run --silent SCRIPT -- ARGS`) from the root. */
export function runScript(script: string, args: string[]): CommandRun {
  const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `runScript` without blocking, so several runs can share the machine's cores. */
export function runScriptAsync(script: string, args: string[]): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, "--", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
