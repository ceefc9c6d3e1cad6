import * as pulumi from "@pulumi/pulumi";
import { cloudRules, loadBackend } from "../providers";
import { ConfigError } from "./config/issues";
import { loadConfig, type LoadedConfig, type RawConfig } from "./config/load";
import { apiName, containerPort, readinessPath, servicePort } from "./app/spec";
import { RagPlatform } from "./platform";

/** Options of one run of the program; the Pulumi CLI path uses the defaults. */
export interface ProgramOptions {
  /** Stack file named in configuration errors. @default `Pulumi.<stack>.yaml` */
  source?: string;
  /**
   * Configuration a caller has already loaded and validated (the offline plan validates before
   * it starts the runtime). @default loaded from the configuration the Pulumi engine passed in
   */
  config?: LoadedConfig;
  /** Receives warnings and progress. @default `pulumi.log.warn` and `pulumi.log.info` */
  report?: (severity: "info" | "warning", message: string) => void;
}

function logToEngine(severity: "info" | "warning", message: string): void {
  if (severity === "warning") void pulumi.log.warn(message);
  else void pulumi.log.info(message);
}

/** Reads the configuration the way the Pulumi engine passes it to the program. */
export function engineConfig(): RawConfig {
  const values = pulumi.runtime.allConfig();
  // The SDK keeps `isConfigSecret` internal; the language host hands the secret keys over in
  // this environment variable, which is what the SDK itself reads.
  const internals = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const declared = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as string[];
  const isSecret = (key: string) => internals.isConfigSecret?.(key) ?? declared.includes(key);
  return { values, secretKeys: new Set(Object.keys(values).filter(isSecret)) };
}

/**
 * The program: validates the stack's configuration, loads only the chosen cloud's backend,
 * declares the platform and returns the stack outputs.
 */
export async function runProgram(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
  const source = options.source ?? `Pulumi.${pulumi.getStack()}.yaml`;
  const { settings, warnings } =
    options.config ?? loadConfig(engineConfig(), source, (cloud) => cloudRules[cloud]);
  const report = options.report ?? logToEngine;
  for (const warning of warnings) report("warning", `${warning.code}: ${warning.message}`);
  report(
    "info",
    `rag: ${settings.environment} platform on ${settings.cloud} in ${settings.region} (${source})`,
  );

  const backend = await loadBackend(settings.cloud);
  const platform = new RagPlatform(pulumi.getProject(), { settings, backend });
  const { cluster, database, vectorStore, vault, monitoring } = platform;

  return {
    cloud: settings.cloud,
    environment: settings.environment,
    region: settings.region,
    clusterName: cluster.clusterName,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    workloadIdentity: cluster.workloadIdentity.principal,
    databaseHost: database.host,
    databasePort: database.port,
    databaseName: database.databaseName,
    databaseCredentialsSecret: database.credentials.name,
    vectorStore: {
      engine: vectorStore.engine,
      endpoint: vectorStore.endpoint,
      indexName: vectorStore.indexName,
      dimensions: vectorStore.dimensions,
      credentialsSecret: vectorStore.credentials.name,
    },
    vaultId: vault.vaultId,
    alertChannel: monitoring.alertChannelId,
    dashboard: monitoring.dashboardId,
    activeColor: platform.application.activeColor,
    // What the release workflows read to stage, check and switch a colour (.github/workflows).
    app: {
      activeColor: settings.app.activeColor,
      images: { blue: settings.app.blueImage, green: settings.app.greenImage },
      namespace: cluster.workloadIdentity.namespace,
      service: apiName,
      deployments: { blue: `${apiName}-blue`, green: `${apiName}-green` },
      containerPort,
      servicePort,
      healthPath: readinessPath,
    },
    apiEndpoint: platform.application.endpoint,
    appAlerts: platform.application.alerts,
    alerts: monitoring.alerts.map((alert) => ({
      component: alert.component,
      signal: alert.signal,
      detectionSeconds: alert.detectionSeconds,
    })),
  };
}

/**
 * Entry point for the Pulumi CLI: a configuration error becomes a `RunError`, which the CLI
 * prints without a stack trace.
 */
export async function main(): Promise<Record<string, unknown>> {
  try {
    return await runProgram();
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
