import type * as pulumi from "@pulumi/pulumi";
import type { ComponentContext, SecretReference } from "./common";
import type { DatabaseSettings, ProtectionSettings } from "../config/settings";
import type { Monitoring } from "./monitoring";
import type { Vault } from "./vault";

export interface DatabaseArgs extends ComponentContext {
  settings: DatabaseSettings;
  protection: ProtectionSettings;
  monitoring: Monitoring;
  vault: Vault;
  /**
   * Name of the application database created on the server.
   * @default "rag"
   */
  databaseName?: string;
  /**
   * Administrator login.
   * @default "rag_admin"
   */
  adminUsername?: string;
}

/**
 * Managed PostgreSQL with pgvector available: private networking only, customer-managed key,
 * TLS enforced, automated backups with point-in-time recovery, zone-redundant HA when the profile
 * asks, deletion protection and `protect` in production.
 */
export interface Database {
  /** Private host name clients connect to. */
  host: pulumi.Output<string>;
  port: pulumi.Output<number>;
  databaseName: pulumi.Output<string>;
  adminUsername: pulumi.Output<string>;
  /** Vault secret holding the administrator credentials. */
  credentials: SecretReference;
  /** Server identifier (instance id, instance name, server resource id). */
  serverId: pulumi.Output<string>;
}
