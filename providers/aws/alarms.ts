import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSignal, RegisteredAlert } from "../../src/contracts/common";
import { maxDetectionSeconds } from "../../src/contracts/common";
import type { Monitoring } from "../../src/contracts/monitoring";
import type { Naming } from "../../src/naming";
import { awsName } from "./naming";

/** Every alarm evaluates one-minute periods: the finest standard resolution AWS metrics have. */
export const alarmPeriodSeconds = 60;

/** One CloudWatch alarm on a single metric, and the signal it stands for. */
export interface AlarmSpec {
  signal: AlertSignal;
  /** Suffix of the logical and physical name, for example `cpu-alarm`. */
  role: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  comparison: "GreaterThanThreshold" | "LessThanThreshold" | "GreaterThanOrEqualToThreshold";
  threshold: number;
  /** Consecutive breaching periods before the alarm fires. */
  evaluationPeriods: number;
  /** How long after a minute ends its data point is published (service-specific). */
  publicationDelaySeconds: number;
  /**
   * What a missing data point means. `breaching` for a metric that stops when the thing dies.
   * @default "notBreaching"
   */
  treatMissingData?: "breaching" | "notBreaching" | "missing";
}

/** Worst case from the start of an outage to the alarm firing. */
export function detectionSeconds(
  spec: Pick<AlarmSpec, "evaluationPeriods" | "publicationDelaySeconds">,
): number {
  return alarmPeriodSeconds * spec.evaluationPeriods + spec.publicationDelaySeconds;
}

export interface AlarmContext {
  naming: Naming;
  tags: Record<string, string>;
  monitoring: Monitoring;
}

/**
 * Declares the alarms of one component against the monitoring topic and registers them. Refuses
 * an alarm that could not detect an outage within `maxDetectionSeconds`, so a slow alarm is a
 * programming error found at preview, not a missed page.
 */
export function createAlarms(
  parent: pulumi.Resource,
  name: string,
  component: string,
  context: AlarmContext,
  specs: AlarmSpec[],
): cloudwatch.MetricAlarm[] {
  const registered: RegisteredAlert[] = [];
  const alarms = specs.map((spec) => {
    const detection = detectionSeconds(spec);
    if (detection > maxDetectionSeconds) {
      throw new Error(
        `alarm \`${spec.role}\` of ${component} detects in ${detection}s; ` +
          `at most ${maxDetectionSeconds}s is allowed. Lower its evaluation periods.`,
      );
    }
    const alarm = new cloudwatch.MetricAlarm(
      `${name}-${spec.role}`,
      {
        name: awsName(context.naming, `${component}-${spec.role}`, "alarm"),
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        period: alarmPeriodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData ?? "notBreaching",
        alarmActions: [context.monitoring.alertChannelId],
        okActions: [context.monitoring.alertChannelId],
        tags: context.tags,
      },
      { parent },
    );
    registered.push({ signal: spec.signal, resource: alarm, detectionSeconds: detection });
    return alarm;
  });
  context.monitoring.registerAlerts(component, registered);
  return alarms;
}
