import * as authorization from "@pulumi/azure-native/authorization";
import type { CloudBackend } from "../../src/contracts/backend";
import { AzureAppHosting } from "./appHosting";
import { AzureCluster } from "./cluster";
import { AzureDatabase } from "./database";
import { AzureMonitoring } from "./monitoring";
import { AzureNetwork } from "./network";
import { azureRules } from "./rules";
import { AzureVault } from "./vault";
import { AzureVectorStore } from "./vectorStore";

/** Narrows a contract-typed component to the Azure class the Azure factories created. */
function azure<T>(component: unknown, type: abstract new (...args: never[]) => T, what: string): T {
  if (!(component instanceof type)) {
    throw new Error(`the Azure backend needs the ${what} its own foundation created`);
  }
  return component;
}

/** Azure: AKS, PostgreSQL Flexible Server, Key Vault, Azure Monitor and Azure AI Search. */
export const azureBackend: CloudBackend = {
  cloud: "azure",
  ...azureRules,
  createFoundation(name, args, opts) {
    const network = new AzureNetwork(name, args, opts);
    // Tenant, subscription and the deploying identity, from the provider's credentials.
    const client = authorization.getClientConfigOutput();
    const account = {
      network,
      tenantId: client.tenantId,
      subscriptionId: client.subscriptionId,
    };
    let cluster: AzureCluster | undefined;
    return {
      network,
      createMonitoring: (componentName, componentArgs, componentOpts) =>
        new AzureMonitoring(
          componentName,
          {
            ...componentArgs,
            resourceGroupName: network.resourceGroupName,
          },
          componentOpts,
        ),
      createVault: (componentName, componentArgs, componentOpts) =>
        new AzureVault(componentName, { ...componentArgs, ...account }, componentOpts),
      createCluster: (componentName, componentArgs, componentOpts) => {
        cluster = new AzureCluster(
          componentName,
          {
            ...componentArgs,
            ...account,
            vault: azure(componentArgs.vault, AzureVault, "vault"),
            deployerObjectId: client.objectId,
          },
          componentOpts,
        );
        return cluster;
      },
      createDatabase: (componentName, componentArgs, componentOpts) =>
        new AzureDatabase(
          componentName,
          { ...componentArgs, ...account, vault: azure(componentArgs.vault, AzureVault, "vault") },
          componentOpts,
        ),
      createVectorStore: (componentName, componentArgs, componentOpts) =>
        new AzureVectorStore(
          componentName,
          {
            ...componentArgs,
            ...account,
            vault: azure(componentArgs.vault, AzureVault, "vault"),
            workloadIdentity: cluster?.workloadIdentity,
          },
          componentOpts,
        ),
      createAppHosting: (componentName, componentArgs, componentOpts) =>
        new AzureAppHosting(
          componentName,
          {
            ...componentArgs,
            ...account,
            azureVault: azure(componentArgs.vault, AzureVault, "vault"),
            networkCidr: args.settings.cidr,
          },
          componentOpts,
        ),
    };
  },
};
