import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as sns from "@pulumi/aws/sns";
import * as pulumi from "@pulumi/pulumi";
import type { RegisteredAlert } from "../../src/contracts/common";
import { maxDetectionSeconds } from "../../src/contracts/common";
import type { Monitoring, MonitoringArgs } from "../../src/contracts/monitoring";
import type { ProtectionSettings } from "../../src/config/settings";
import { statefulOptions } from "../../src/protection";
import { type AwsAccount, customerKey } from "./kms";
import { awsName } from "./naming";
import { servicePrincipalTrust } from "./policies";

/** Rotation of the logs key; monitoring has no vault settings, and a year is KMS's default. */
export const logsKeyRotationDays = 365;

export interface AwsMonitoringArgs extends MonitoringArgs {
  account: AwsAccount;
  /** Protection of the logs key and the log groups (log archives). */
  protection: ProtectionSettings;
  /** The VPC whose traffic is recorded in flow logs. */
  vpcId: pulumi.Input<string>;
}

/** A dashboard widget that draws one alarm's metric with its threshold. */
export function alarmWidget(
  alarmArn: string,
  title: string,
  index: number,
  region: string,
): object {
  return {
    type: "metric",
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
    properties: {
      title,
      region,
      view: "timeSeries",
      stacked: false,
      annotations: { alarms: [alarmArn] },
    },
  };
}

/**
 * CloudWatch: a KMS key for every log group and the alert topic, the application log group,
 * the VPC flow logs, an SNS topic with an e-mail subscription per address, and a dashboard with
 * one widget per registered alarm.
 */
export class AwsMonitoring extends pulumi.ComponentResource implements Monitoring {
  readonly logWorkspaceId: pulumi.Output<string>;
  readonly alertChannelId: pulumi.Output<string>;
  /** Key that encrypts every log group of the platform and the alert topic. */
  readonly logsKeyArn: pulumi.Output<string>;
  readonly logRetentionDays: number;
  private readonly registered: Array<RegisteredAlert & { component: string }> = [];
  private dashboard?: cloudwatch.Dashboard;

  constructor(
    private readonly name: string,
    private readonly args: AwsMonitoringArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rag:monitoring:AwsMonitoring", name, {}, opts);
    const { naming, tags, settings } = args;
    this.logRetentionDays = settings.logRetentionDays;

    // The key admits CloudWatch Logs (log groups) and CloudWatch alarms (publishing to the topic).
    const logsKey = customerKey(this, `${name}-logs`, "logs", {
      naming,
      tags,
      protection: args.protection,
      account: args.account,
      region: args.region,
      description: `Encrypts the log groups and alert topic of ${naming.prefix}`,
      rotationDays: logsKeyRotationDays,
      services: ["logs", "cloudwatch"],
    });
    this.logsKeyArn = logsKey.arn;

    // The application log group; its name's prefix identifies the platform's logs.
    const prefix = `/${awsName(naming, "logs", "logGroup")}`;
    this.logGroup(this, `${name}-application`, `${prefix}/application`, args.protection);
    this.logWorkspaceId = pulumi.output(prefix);

    // VPC flow logs, kept as long as every other log.
    const flowLogs = this.logGroup(
      this,
      `${name}-flow-logs`,
      `${prefix}/vpc-flow-logs`,
      args.protection,
    );
    this.flowLogs(flowLogs);

    // The alert channel: an encrypted topic with one e-mail subscription per address.
    const topic = new sns.Topic(
      `${name}-alerts`,
      { name: awsName(naming, "alerts", "snsTopic"), kmsMasterKeyId: logsKey.arn, tags },
      { parent: this },
    );
    settings.alertEmails.forEach((email, i) => {
      new sns.TopicSubscription(
        `${name}-alerts-email-${i}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    });
    if (settings.alertEmails.length === 0) {
      void pulumi.log.warn(
        `RAG301: ${naming.prefix} has no rag:alertEmails; alarms publish to ${name}-alerts but nobody is subscribed.`,
        this,
      );
    }
    this.alertChannelId = topic.arn;

    this.registerOutputs({
      logWorkspaceId: this.logWorkspaceId,
      alertChannelId: this.alertChannelId,
    });
  }

  /** A log group under the platform's retention and logs key, parented to the caller. */
  logGroup(
    parent: pulumi.Resource,
    resourceName: string,
    logGroupName: pulumi.Input<string>,
    protection: ProtectionSettings,
  ): cloudwatch.LogGroup {
    return new cloudwatch.LogGroup(
      resourceName,
      {
        name: logGroupName,
        retentionInDays: this.logRetentionDays,
        kmsKeyId: this.logsKeyArn,
        deletionProtectionEnabled: protection.deletionProtection,
        tags: this.args.tags,
      },
      { parent, ...statefulOptions(protection) },
    );
  }

  get alerts(): ReadonlyArray<RegisteredAlert & { component: string }> {
    return this.registered;
  }

  registerAlerts(component: string, alerts: RegisteredAlert[]): void {
    for (const alert of alerts) {
      if (alert.detectionSeconds > maxDetectionSeconds) {
        throw new Error(
          `${component} registered a ${alert.signal} alert detecting in ${alert.detectionSeconds}s; ` +
            `the limit is ${maxDetectionSeconds}s`,
        );
      }
      this.registered.push({ ...alert, component });
    }
  }

  finalize(): void {
    if (this.dashboard !== undefined) throw new Error("AwsMonitoring.finalize() was called twice");
    const alarms = this.registered.flatMap((alert) =>
      alert.resource instanceof cloudwatch.MetricAlarm ? [{ alert, alarm: alert.resource }] : [],
    );
    const region = this.args.region;
    const body = pulumi.all(alarms.map(({ alarm }) => alarm.arn)).apply((arns) =>
      JSON.stringify({
        widgets: arns.map((arn, i) =>
          alarmWidget(arn, `${alarms[i].alert.component}: ${alarms[i].alert.signal}`, i, region),
        ),
      }),
    );
    this.dashboard = new cloudwatch.Dashboard(
      `${this.name}-dashboard`,
      { dashboardName: awsName(this.args.naming, "dashboard", "alarm"), dashboardBody: body },
      { parent: this },
    );
  }

  get dashboardId(): pulumi.Output<string> {
    if (this.dashboard === undefined)
      throw new Error("AwsMonitoring.dashboardId is set by finalize()");
    return this.dashboard.dashboardArn;
  }

  /** Records all VPC traffic (accepted and rejected) at one-minute aggregation. */
  private flowLogs(group: cloudwatch.LogGroup): void {
    const { naming, tags } = this.args;
    const role = new iam.Role(
      `${this.name}-flow-logs-role`,
      {
        name: awsName(naming, "flow-logs", "iamRole"),
        assumeRolePolicy: JSON.stringify(servicePrincipalTrust("vpc-flow-logs.amazonaws.com")),
        tags,
      },
      { parent: this },
    );
    new iam.RolePolicy(
      `${this.name}-flow-logs-policy`,
      {
        role: role.name,
        policy: group.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [arn, `${arn}:*`],
              },
              { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
            ],
          }),
        ),
      },
      { parent: this },
    );
    new ec2.FlowLog(
      `${this.name}-flow-log`,
      {
        vpcId: this.args.vpcId,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags,
      },
      { parent: this },
    );
  }
}

/** The backend's own monitoring, which the other AWS components need for log groups. */
export function asAwsMonitoring(monitoring: Monitoring): AwsMonitoring {
  if (!(monitoring instanceof AwsMonitoring)) {
    throw new Error(
      "the AWS backend needs the monitoring component it created itself (AwsMonitoring)",
    );
  }
  return monitoring;
}
