import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { awsFixtures, azureFixtures, cloudRules, gcpFixtures } from "../../providers";
import { loadConfig, type LoadedConfig, type RawConfig } from "../config/load";
import { evaluatePolicies, type PolicyViolation } from "../policy/rules";
import { recoveryReport } from "../recovery/achievable";
import { runProgram } from "../program";
import { toDigest, type Diagnostic, type PreviewDigest } from "./digest";
import type { FixtureSet } from "./fixtures";
import { randomFixtures } from "./randomFixtures";
import { recordProgram, type Recording } from "./record";
import { applyProjectDefaults, readStackFile, type ProjectConfigDeclaration } from "./stackFile";

/** Every cloud's fixtures, and @pulumi/random's; each answers only its own package's tokens. */
export const fixtureSets: FixtureSet[] = [
  { prefix: "aws:", fixtures: awsFixtures },
  { prefix: "gcp:", fixtures: gcpFixtures },
  { prefix: "azure-native:", fixtures: azureFixtures },
  { prefix: "random:", fixtures: randomFixtures },
];

export interface PlanResult {
  loaded: LoadedConfig;
  recording: Recording;
  digest: PreviewDigest;
  violations: PolicyViolation[];
}

export interface StackPlanRequest {
  /** Stack name; its file is `Pulumi.<stack>.yaml` unless `configFile` says otherwise. */
  stack: string;
  configFile?: string;
  /** Folder holding Pulumi.yaml. @default the current directory */
  projectDir?: string;
}

export interface ProjectFile {
  /** Project name, also the namespace of un-prefixed config keys. */
  name: string;
  config: Record<string, ProjectConfigDeclaration>;
}

/** Reads Pulumi.yaml: the project name and its config declarations. */
export function readProjectFile(projectDir: string): ProjectFile {
  const file = join(projectDir, "Pulumi.yaml");
  if (!existsSync(file)) return { name: "rag", config: {} };
  const document = parse(readFileSync(file, "utf8")) as Partial<ProjectFile> | null;
  return { name: document?.name ?? "rag", config: document?.config ?? {} };
}

/** Plans a stack file: reads it like the CLI, validates, runs the program under mocks. */
export async function planStack(request: StackPlanRequest): Promise<PlanResult> {
  const projectDir = request.projectDir ?? process.cwd();
  const projectFile = readProjectFile(projectDir);
  const project = projectFile.name;
  const file = request.configFile ?? join(projectDir, `Pulumi.${request.stack}.yaml`);
  const source = request.configFile ?? `Pulumi.${request.stack}.yaml`;
  const raw = applyProjectDefaults(
    readStackFile(file, project, source),
    project,
    projectFile.config,
  );
  return planConfig(raw, { project, stack: request.stack, source });
}

/**
 * Plans configuration already in the CLI's form. Throws `ConfigError` before anything is
 * declared when the configuration is invalid.
 */
export async function planConfig(
  raw: RawConfig,
  context: { project: string; stack: string; source: string },
): Promise<PlanResult> {
  // Validate first, outside the runtime: invalid config declares nothing, not even the stack.
  const loaded = loadConfig(raw, context.source, (cloud) => cloudRules[cloud]);

  const diagnostics: Diagnostic[] = [];
  const recording = await recordProgram({
    project: context.project,
    stack: context.stack,
    config: raw.values,
    secretKeys: [...raw.secretKeys],
    fixtures: fixtureSets,
    onLog: (severity, message) => diagnostics.push({ severity, message }),
    program: () =>
      runProgram({
        config: loaded,
        source: context.source,
        report: (severity, message) => diagnostics.push({ severity, message }),
      }),
  });

  const stackUrn = recording.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
  const alerts = (recording.outputs.alerts ?? []) as Array<{
    component: string;
    signal: string;
    detectionSeconds: number;
  }>;
  const violations = evaluatePolicies({
    environment: loaded.settings.environment,
    resources: recording.resources,
    alerts,
    stackUrn,
  });
  for (const violation of violations) {
    diagnostics.push({
      severity: violation.level === "mandatory" ? "error" : "warning",
      message: `[${violation.policy}] ${violation.message}`,
      urn: violation.urn,
    });
  }
  const digest = toDigest(recording, raw.values, raw.secretKeys, diagnostics);
  digest.recovery = recoveryReport(loaded.settings, cloudRules[loaded.settings.cloud].recovery);
  return { loaded, recording, digest, violations };
}
