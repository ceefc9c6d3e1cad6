import type { Cloud } from "../src/config/settings";
import type { CloudRules } from "../src/config/load";
import type { CloudBackend } from "../src/contracts/backend";
import { awsRules } from "./aws/rules";
import { azureRules } from "./azure/rules";
import { gcpRules } from "./gcp/rules";

/**
 * Provider-key rules and cloud-specific checks of every cloud. These modules import no cloud SDK,
 * so configuration is validated before any SDK is loaded.
 */
export const cloudRules: Record<Cloud, CloudRules> = {
  aws: awsRules,
  gcp: gcpRules,
  azure: azureRules,
};

/** Loads the chosen cloud's backend, and only that one: an AWS stack never loads the Azure SDK. */
export async function loadBackend(cloud: Cloud): Promise<CloudBackend> {
  switch (cloud) {
    case "aws":
      return (await import("./aws/index")).awsBackend;
    case "gcp":
      return (await import("./gcp/index")).gcpBackend;
    case "azure":
      return (await import("./azure/index")).azureBackend;
  }
}

/**
 * The offline plan's fixed answers for every cloud (plain data, no SDK): invokes and the outputs
 * a created resource would have.
 */
export { awsFixtures } from "./aws/fixtures";
export { gcpFixtures } from "./gcp/fixtures";
export { azureFixtures } from "./azure/fixtures";
