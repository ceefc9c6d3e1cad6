import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import type { ProtectionSettings } from "../../src/config/settings";
import type { RegisteredAlert } from "../../src/contracts/common";
import type { Monitoring, MonitoringArgs } from "../../src/contracts/monitoring";
import { statefulOptions } from "../../src/protection";
import { azureName, stableUuid } from "./naming";

export interface AzureMonitoringArgs extends MonitoringArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Protection of the workspace, which holds the platform's logs. */
  protection: ProtectionSettings;
}

type Registered = RegisteredAlert & { component: string };

/** One email receiver per address, with names unique within the action group. */
export function emailReceivers(emails: string[]): monitor.ActionGroupArgs["emailReceivers"] {
  return emails.map((emailAddress, index) => ({
    name: `email-${index + 1}`,
    emailAddress,
    useCommonAlertSchema: true,
  }));
}

/** The workbook's content: a table of every registered alert, so on-call sees what can page. */
export function workbookContent(
  alerts: { component: string; signal: string; detectionSeconds: number; rule: string }[],
): string {
  const rows = alerts.map(
    (alert) =>
      `| ${alert.component} | ${alert.signal} | ${alert.detectionSeconds} s | ${alert.rule} |`,
  );
  const markdown = [
    "## RAG platform alerts",
    "",
    "| component | signal | worst-case detection | rule |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
  return JSON.stringify({
    version: "Notebook/1.0",
    items: [{ type: 1, content: { json: markdown }, name: "alerts" }],
    isLocked: false,
    fallbackResourceIds: ["Azure Monitor"],
  });
}

/**
 * Log Analytics workspace with the profile's retention, workspace-based Application Insights, an
 * action group that mails `alertEmails`, and a workbook listing every registered alert.
 */
export class AzureMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logWorkspaceId: pulumi.Output<string>;
  readonly alertChannelId: pulumi.Output<string>;
  readonly applicationInsightsConnectionString: pulumi.Output<string>;
  private readonly registered: Registered[] = [];
  private workbookId?: pulumi.Output<string>;
  private finalized = false;

  constructor(
    private readonly name: string,
    private readonly args: AzureMonitoringArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rag:monitoring:AzureMonitoring", name, {}, opts);
    const { naming, tags, region, settings } = args;
    const placement = { resourceGroupName: args.resourceGroupName, location: region, tags };

    // The workspace every log and diagnostic setting of the platform goes to.
    const workspace = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        ...placement,
        workspaceName: azureName(naming, "logs", "logWorkspace"),
        sku: { name: "PerGB2018" },
        retentionInDays: settings.logRetentionDays,
        features: { disableLocalAuth: true },
      },
      { parent: this, ...statefulOptions(args.protection) },
    );
    this.logWorkspaceId = workspace.id;

    // Application telemetry lands in the same workspace, under the same retention.
    const insights = new applicationinsights.Component(
      `${name}-app-insights`,
      {
        ...placement,
        resourceName: azureName(naming, "app-insights", "generic"),
        kind: "web",
        applicationType: "web",
        ingestionMode: "LogAnalytics",
        workspaceResourceId: workspace.id,
        disableLocalAuth: true,
        retentionInDays: settings.logRetentionDays,
      },
      { parent: this },
    );
    this.applicationInsightsConnectionString = pulumi.secret(insights.connectionString);

    // The alert channel: an action group mailing the profile's addresses.
    if (settings.alertEmails.length === 0) {
      void pulumi.log.warn(
        "RAG402: rag:alertEmails is empty: alerts fire but notify no one until receivers are added.",
        this,
      );
    }
    const actionGroup = new monitor.ActionGroup(
      `${name}-alerts`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        actionGroupName: azureName(naming, "alerts", "generic"),
        groupShortName: azureName(naming, "rag", "actionGroupShortName"),
        enabled: true,
        emailReceivers: emailReceivers(settings.alertEmails),
        tags,
      },
      { parent: this },
    );
    this.alertChannelId = actionGroup.id;

    this.registerOutputs({
      logWorkspaceId: this.logWorkspaceId,
      alertChannelId: this.alertChannelId,
    });
  }

  /** The workbook's resource id; the workbook exists only once `finalize` has run. */
  get dashboardId(): pulumi.Output<string> {
    if (this.workbookId === undefined)
      throw new Error("AzureMonitoring.dashboardId read before finalize()");
    return this.workbookId;
  }

  get alerts(): ReadonlyArray<Registered> {
    return this.registered;
  }

  registerAlerts(component: string, alerts: RegisteredAlert[]): void {
    if (this.finalized)
      throw new Error(`alerts of \`${component}\` registered after monitoring was finalized`);
    this.registered.push(...alerts.map((alert) => ({ ...alert, component })));
  }

  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    const { naming, tags, region } = this.args;
    const rows = pulumi.all(this.registered.map((alert) => alert.resource.urn)).apply((urns) =>
      this.registered.map((alert, index) => ({
        component: alert.component,
        signal: alert.signal,
        detectionSeconds: alert.detectionSeconds,
        rule: urns[index].split("::").pop() ?? urns[index],
      })),
    );
    const workbook = new applicationinsights.Workbook(
      `${this.name}-dashboard`,
      {
        resourceGroupName: this.args.resourceGroupName,
        location: region,
        // Workbook names must be GUIDs; derive one from the stack so it is stable across runs.
        resourceName: stableUuid(`${naming.prefix}/dashboard`),
        kind: "shared",
        category: "workbook",
        displayName: `${naming.prefix} alerts`,
        serializedData: rows.apply(workbookContent),
        sourceId: this.logWorkspaceId,
        tags,
      },
      { parent: this },
    );
    this.workbookId = workbook.id;
  }
}
