import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, NetworkSettings } from "../config/settings";
import type { CloudRules } from "../config/load";
import type { AppHosting, AppHostingArgs } from "./app";
import type { Cluster, ClusterArgs } from "./cluster";
import type { ComponentContext } from "./common";
import type { Database, DatabaseArgs } from "./database";
import type { Monitoring, MonitoringArgs } from "./monitoring";
import type { Network } from "./network";
import type { Vault, VaultArgs } from "./vault";
import type { VectorStore, VectorStoreArgs } from "./vectorStore";

/** A provider configuration key a cloud needs in the stack file. */
export interface ProviderKey {
  /** Full key as written in the stack file, for example `aws:region`. */
  key: string;
  /** What a valid value looks like, for error messages. */
  expected: string;
  pattern: RegExp;
}

export interface ProviderConfigSpec {
  /** The key that holds the region or location. */
  regionKey: string;
  /** Every provider key the backend requires, the region key included. */
  required: ProviderKey[];
}

export interface FoundationArgs extends ComponentContext {
  settings: NetworkSettings;
}

type Component<T> = T & pulumi.ComponentResource;

/**
 * The components of one cloud, bound to the network (and whatever else the cloud needs shared,
 * such as an Azure resource group) that `createFoundation` declared.
 */
export interface BackendFoundation {
  network: Component<Network>;
  createMonitoring(
    name: string,
    args: MonitoringArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<Monitoring>;
  createVault(
    name: string,
    args: VaultArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<Vault>;
  createCluster(
    name: string,
    args: ClusterArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<Cluster>;
  createDatabase(
    name: string,
    args: DatabaseArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<Database>;
  createVectorStore(
    name: string,
    args: VectorStoreArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<VectorStore>;
  /**
   * What the application layer needs of this cloud (ingress class, secret store, snapshot
   * storage). Called after the cluster, so it can close over it.
   */
  createAppHosting(
    name: string,
    args: AppHostingArgs,
    opts: pulumi.ComponentResourceOptions,
  ): Component<AppHosting>;
}

/** One cloud's implementation of every contract. `providers/index.ts` maps a cloud to it. */
export interface CloudBackend extends CloudRules {
  cloud: Cloud;
  /** Declares the network and other shared foundations and returns the component factories. */
  createFoundation(
    name: string,
    args: FoundationArgs,
    opts: pulumi.ComponentResourceOptions,
  ): BackendFoundation;
}
