import type * as pulumi from "@pulumi/pulumi";
import type { ComponentContext, RegisteredAlert } from "./common";
import type { MonitoringSettings, ProtectionSettings } from "../config/settings";

export interface MonitoringArgs extends ComponentContext {
  settings: MonitoringSettings;
  /** Log archives and their keys are stateful: protected in production like the database. */
  protection: ProtectionSettings;
}

/**
 * Log workspace, metrics, alert channel, alert rules and a dashboard. Other components create
 * their alert rules against `alertChannelId` and register them here.
 */
export interface Monitoring {
  /** CloudWatch log group prefix, Cloud Logging bucket, Log Analytics workspace id. */
  logWorkspaceId: pulumi.Output<string>;
  /** SNS topic ARN, notification channel ids (comma separated), action group id. */
  alertChannelId: pulumi.Output<string>;
  /** Registers alerts so they appear on the dashboard and in the stack outputs. */
  registerAlerts(component: string, alerts: RegisteredAlert[]): void;
  /** Alerts registered so far. */
  readonly alerts: ReadonlyArray<RegisteredAlert & { component: string }>;
  /**
   * Creates what depends on every registered alert (the dashboard). Called once by the platform
   * after all components are declared.
   */
  finalize(): void;
  /** Dashboard URL or resource id; set by `finalize`. */
  readonly dashboardId: pulumi.Output<string>;
}
