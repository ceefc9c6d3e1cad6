import * as logging from "@pulumi/gcp/logging";
import * as monitoring from "@pulumi/gcp/monitoring";
import * as pulumi from "@pulumi/pulumi";
import type { RegisteredAlert } from "../../src/contracts/common";
import type { Monitoring, MonitoringArgs } from "../../src/contracts/monitoring";
import { gcpLabels } from "./naming";
import type { GcpProject } from "./project";

export interface GcpMonitoringArgs extends MonitoringArgs {
  project: GcpProject;
}

/** One dashboard tile per alert policy, laid out two to a row. */
export function dashboardDefinition(
  title: string,
  policies: Array<{ title: string; policyName: string }>,
): Record<string, unknown> {
  const width = 6;
  const height = 4;
  return {
    displayName: title,
    mosaicLayout: {
      columns: 12,
      tiles: policies.map((policy, index) => ({
        xPos: (index % 2) * width,
        yPos: Math.floor(index / 2) * height,
        width,
        height,
        widget: { title: policy.title, alertChart: { name: policy.policyName } },
      })),
    },
  };
}

/**
 * Cloud Logging retention on the project's `_Default` bucket (where Data Access audit logs land),
 * an e-mail notification channel per address, and a dashboard of every registered alert policy.
 */
export class GcpMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logWorkspaceId: pulumi.Output<string>;
  readonly alertChannelId: pulumi.Output<string>;
  private readonly registered: Array<RegisteredAlert & { component: string }> = [];
  private dashboard?: monitoring.Dashboard;
  private readonly name: string;
  private readonly labels: Record<string, string>;

  constructor(name: string, args: GcpMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rag:monitoring:GcpMonitoring", name, {}, opts);
    this.name = name;
    this.labels = gcpLabels(args.tags);
    const child = { parent: this };

    // Retention of the `_Default` bucket; `_Required` (admin activity audit) is fixed at 400 days.
    const bucket = new logging.ProjectBucketConfig(
      `${name}-logs`,
      {
        project: args.project.id,
        location: "global",
        bucketId: "_Default",
        retentionDays: args.settings.logRetentionDays,
        description: "Platform logs, including Data Access audit logs",
      },
      {
        ...child,
        protect: args.protection.protect,
        retainOnDelete: args.protection.retainOnDelete,
      },
    );
    this.logWorkspaceId = bucket.name;

    // One e-mail channel per address; alert policies notify all of them.
    if (args.settings.alertEmails.length === 0) {
      void pulumi.log.warn(
        "RAG101: rag:alertEmails is empty; GCP alert policies are created but notify nobody.",
        this,
      );
    }
    const channels = args.settings.alertEmails.map(
      (email, index) =>
        new monitoring.NotificationChannel(
          `${name}-email-${index}`,
          {
            displayName: `${args.naming.prefix} alerts: ${email}`,
            type: "email",
            labels: { email_address: email },
            userLabels: this.labels,
          },
          child,
        ),
    );
    this.alertChannelId = pulumi.all(channels.map((c) => c.name)).apply((names) => names.join(","));

    this.registerOutputs({
      logWorkspaceId: this.logWorkspaceId,
      alertChannelId: this.alertChannelId,
    });
  }

  get alerts(): ReadonlyArray<RegisteredAlert & { component: string }> {
    return this.registered;
  }

  get dashboardId(): pulumi.Output<string> {
    if (this.dashboard === undefined) {
      throw new Error("GcpMonitoring.dashboardId read before finalize()");
    }
    return this.dashboard.id;
  }

  registerAlerts(component: string, alerts: RegisteredAlert[]): void {
    if (this.dashboard !== undefined) {
      throw new Error(`alerts of ${component} registered after the dashboard was declared`);
    }
    this.registered.push(...alerts.map((alert) => ({ ...alert, component })));
  }

  finalize(): void {
    if (this.dashboard !== undefined) return;
    // A tile per alert policy; every alert this backend registers is a monitoring.AlertPolicy.
    const policies = this.registered.map((alert) => {
      if (!monitoring.AlertPolicy.isInstance(alert.resource)) {
        throw new Error(
          `${alert.component} registered a ${alert.signal} alert that is no AlertPolicy`,
        );
      }
      return alert.resource.name.apply((policyName) => ({
        title: `${alert.component}: ${alert.signal}`,
        policyName,
      }));
    });
    const definition = pulumi
      .all(policies)
      .apply((tiles) => JSON.stringify(dashboardDefinition(`${this.name} alerts`, tiles)));
    this.dashboard = new monitoring.Dashboard(
      `${this.name}-dashboard`,
      { dashboardJson: definition },
      { parent: this },
    );
    // TODO: no uptime check yet: the RAG service (and its public or internal endpoint) is
    // delivered with the application layer; until then nothing probes the service end to end.
  }
}
