import * as pulumi from "@pulumi/pulumi";
import type { FixtureSet } from "./fixtures";
import { FixtureMocks } from "./mocks";

/** One resource as the engine would receive it: what `pulumi preview --json` calls `newState`. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** URN of the parent; the stack for top-level resources. */
  parent: string;
  /** Provider reference (`urn::id`) when the resource names one; `""` for a default provider. */
  provider: string;
  /** Inputs in the engine's wire form: secrets wrapped, unknowns as the unknown sentinel. */
  inputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  /** Explicit `dependsOn` plus every resource an input's outputs came from. */
  dependencies: string[];
  /** Per input property, the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
}

export interface RecordOptions {
  project: string;
  stack: string;
  /** Configuration in the engine's form: namespaced keys, string values. */
  config: Record<string, string>;
  secretKeys: string[];
  fixtures: FixtureSet[];
  /** The program; runs inside the root stack like under the Pulumi CLI. */
  program: () => Promise<Record<string, unknown> | undefined>;
  /**
   * Receives what the program logs through `pulumi.log` (warnings from backends, for example).
   * @default the SDK's own behaviour: printed to the console
   */
  onLog?: (severity: "info" | "warning" | "error", message: string) => void;
}

export interface Recording {
  resources: RecordedResource[];
  /** Stack outputs in wire form (secrets wrapped). */
  outputs: Record<string, unknown>;
}

/** The engine's protocol request for a resource registration, as the SDK builds it. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

type Callback = (error: Error | null, response?: { getUrn(): string }) => void;

interface MockMonitor {
  registerResource(request: RegisterRequest, callback: Callback): Promise<void>;
}

interface RuntimeInternals {
  waitForRPCs?: () => Promise<void>;
}

/**
 * Runs a program under recording mocks and returns every resource registration the engine would
 * have received, with the options it would have received (parent, protect, retainOnDelete,
 * provider, dependencies). Registrations are recorded where the SDK hands them to the engine, so
 * inherited options and implicit dependencies are exactly the SDK's, not a re-derivation.
 */
export async function recordProgram(options: RecordOptions): Promise<Recording> {
  // Mocks answer invokes and resource outputs from fixtures, as a preview would see them.
  await pulumi.runtime.setMocks(
    new FixtureMocks(options.fixtures),
    options.project,
    options.stack,
    true,
  );
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  // Record each registration request together with the URN the monitor assigned.
  const resources: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (error === null && response !== undefined) {
        resources.push(fromRequest(request, response.getUrn()));
      }
      callback(error, response);
    });

  // Without an engine, `pulumi.log` prints `<severity>: [runtime] <message>` to the console;
  // route those lines to the caller while the program runs.
  const restoreConsole = options.onLog ? captureRuntimeLog(options.onLog) : () => undefined;

  // An exception inside an `apply` (a backend's check on a value known only at preview, such as
  // the zones of a region) surfaces in the SDK as a rejection nobody awaits. While the program
  // runs, such rejections are the program's failure, reported like one thrown directly.
  const stray: unknown[] = [];
  const restoreRejections = captureRejections(stray);

  // Run the program inside the root stack, then wait until no registration is outstanding.
  // A program failure is caught here and rethrown after the registrations drain: let through,
  // it would also reject promises inside the SDK that nobody awaits.
  let failure: { error: unknown } | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await options.program();
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  const internals = pulumi.runtime as unknown as RuntimeInternals;
  if (internals.waitForRPCs === undefined) {
    throw new Error(
      "this @pulumi/pulumi version no longer exposes waitForRPCs; update src/plan/record.ts",
    );
  }
  try {
    await internals.waitForRPCs();
    // Rejections are reported after the microtask queue drains; let one macrotask pass.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    restoreConsole();
    restoreRejections();
  }
  if (failure !== undefined) throw failure.error;
  if (stray.length > 0) throw stray[0];
  const stack = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  const outputs = stack === undefined ? {} : await stackOutputs(monitor, stack.urn);
  return { resources, outputs };
}

/** Collects unhandled rejections into `into` instead of the process's handlers, until undone. */
function captureRejections(into: unknown[]): () => void {
  const handlers = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const collect = (reason: unknown) => into.push(reason);
  process.on("unhandledRejection", collect);
  return () => {
    process.off("unhandledRejection", collect);
    for (const handler of handlers) process.on("unhandledRejection", handler);
  };
}

const runtimeLine = /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/;

/** Redirects the SDK's engine-less log lines to `onLog`; returns the function that undoes it. */
/* eslint-disable no-console -- the SDK writes to the console when no engine is attached; this
   is the one place that intercepts it, and it passes every other line through unchanged. */
function captureRuntimeLog(onLog: NonNullable<RecordOptions["onLog"]>): () => void {
  const methods = ["log", "info", "warn", "error"] as const;
  const originals = methods.map((method) => console[method]);
  for (const method of methods) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      const match =
        args.length === 1 && typeof args[0] === "string" ? runtimeLine.exec(args[0]) : null;
      if (match === null) return original(...args);
      if (match[1] !== "debug") onLog(match[1] as "info" | "warning" | "error", match[2]);
    };
  }
  return () => methods.forEach((method, i) => (console[method] = originals[i]));
}
/* eslint-enable no-console */

function fromRequest(request: RegisterRequest, urn: string): RecordedResource {
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList();
  });
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent(),
    provider: request.getProvider(),
    inputs: request.getObject()?.toJavaScript() ?? {},
    protect: request.getProtect(),
    retainOnDelete: request.getRetainondelete(),
    dependencies: request.getDependenciesList(),
    propertyDependencies,
  };
}

/** The outputs the stack registered, read back from the mock monitor's record of the stack. */
async function stackOutputs(monitor: MockMonitor, urn: string): Promise<Record<string, unknown>> {
  const registered = (
    monitor as unknown as { resources: Map<string, { state: unknown }> }
  ).resources.get(urn);
  const state = registered?.state as { toJavaScript?: () => Record<string, unknown> } | undefined;
  return state?.toJavaScript?.() ?? {};
}
