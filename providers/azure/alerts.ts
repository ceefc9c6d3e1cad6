import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSignal, RegisteredAlert } from "../../src/contracts/common";

/**
 * Metric alerts look at a one-minute window every minute: a static-threshold metric alert has no
 * "N failing periods" setting, so the window is the period that must breach.
 */
export const metricAlertTiming = {
  evaluationFrequency: "PT1M",
  windowSize: "PT1M",
  windowSeconds: 60,
  /** A breach waits at most one evaluation interval before it is evaluated. */
  evaluationSeconds: 60,
  /** Platform metrics reach Azure Monitor within about 90 seconds of the minute they describe. */
  publicationDelaySeconds: 90,
} as const;

/** Log alerts run every minute over five minutes of logs; one failing evaluation fires them. */
export const logAlertTiming = {
  evaluationFrequency: "PT1M",
  windowSize: "PT5M",
  evaluationSeconds: 60,
  /** Log Analytics ingestion latency, typically well under three minutes. */
  ingestionDelaySeconds: 180,
} as const;

/** Worst-case time from a metric breaching to the alert firing. */
export function metricDetectionSeconds(): number {
  const t = metricAlertTiming;
  return t.windowSeconds + t.evaluationSeconds + t.publicationDelaySeconds;
}

/** Worst-case time from a log record being written to the log alert firing. */
export function logDetectionSeconds(): number {
  return logAlertTiming.evaluationSeconds + logAlertTiming.ingestionDelaySeconds;
}

/** Thresholds of every metric alert this backend creates. */
export const alertThresholds = {
  databaseCpuPercent: 85,
  databaseStoragePercent: 85,
  /** Share of the server's `max_connections` in use. */
  databaseConnectionsShare: 0.8,
  /** Bytes the most lagging replica is behind the primary. */
  databaseReplicaLagBytes: 512 * 1024 * 1024,
  /** Nodes whose Ready condition is false or unknown. */
  notReadyNodes: 0,
  /** API server responses with a 5xx code within the log window. */
  apiServer5xxCount: 5,
  /** Share of search queries throttled (answered 503). */
  searchThrottledPercent: 5,
} as const;

/**
 * The default `max_connections` Azure sets on a Flexible Server with this much memory (the
 * published table; between rows the smaller value applies, so the alert fires early, not late).
 */
export function defaultMaxConnections(memoryGiB: number): number {
  const table: [number, number][] = [
    [64, 5000],
    [32, 3438],
    [16, 1719],
    [8, 859],
    [4, 429],
  ];
  for (const [memory, connections] of table) if (memoryGiB >= memory) return connections;
  return 50;
}

export interface MetricAlertSpec {
  signal: AlertSignal;
  description: string;
  scope: pulumi.Input<string>;
  metricNamespace: string;
  metricName: string;
  aggregation: "Average" | "Maximum" | "Minimum" | "Total" | "Count";
  operator: "GreaterThan" | "GreaterThanOrEqual" | "LessThan";
  threshold: number;
  dimensions?: { name: string; operator: "Include" | "Exclude"; values: string[] }[];
  severity: 0 | 1 | 2 | 3 | 4;
}

export interface AlertPlacement {
  resourceGroupName: pulumi.Input<string>;
  actionGroupId: pulumi.Input<string>;
  tags: Record<string, string>;
}

/** A one-minute static-threshold metric alert wired to the platform's action group. */
export function metricAlert(
  name: string,
  spec: MetricAlertSpec,
  placement: AlertPlacement,
  parent: pulumi.Resource,
): RegisteredAlert {
  const resource = new monitor.MetricAlert(
    name,
    {
      resourceGroupName: placement.resourceGroupName,
      location: "global",
      description: spec.description,
      severity: spec.severity,
      enabled: true,
      autoMitigate: true,
      scopes: [spec.scope],
      evaluationFrequency: metricAlertTiming.evaluationFrequency,
      windowSize: metricAlertTiming.windowSize,
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: spec.signal,
            metricNamespace: spec.metricNamespace,
            metricName: spec.metricName,
            timeAggregation: spec.aggregation,
            operator: spec.operator,
            threshold: spec.threshold,
            dimensions: spec.dimensions,
          },
        ],
      },
      actions: [{ actionGroupId: placement.actionGroupId }],
      tags: placement.tags,
    },
    { parent },
  );
  return { signal: spec.signal, resource, detectionSeconds: metricDetectionSeconds() };
}

export interface LogAlertSpec {
  signal: AlertSignal;
  description: string;
  /** The Log Analytics workspace the query runs against. */
  workspaceId: pulumi.Input<string>;
  /** KQL returning one row per matching record. */
  query: pulumi.Input<string>;
  threshold: number;
  severity: 0 | 1 | 2 | 3 | 4;
  location: string;
}

/** A one-minute log alert counting the rows `query` returns over the last five minutes. */
export function logAlert(
  name: string,
  spec: LogAlertSpec,
  placement: AlertPlacement,
  parent: pulumi.Resource,
): RegisteredAlert {
  const resource = new monitor.ScheduledQueryRule(
    name,
    {
      resourceGroupName: placement.resourceGroupName,
      location: spec.location,
      kind: "LogAlert",
      description: spec.description,
      severity: spec.severity,
      enabled: true,
      autoMitigate: true,
      scopes: [spec.workspaceId],
      evaluationFrequency: logAlertTiming.evaluationFrequency,
      windowSize: logAlertTiming.windowSize,
      criteria: {
        allOf: [
          {
            query: spec.query,
            timeAggregation: "Count",
            operator: "GreaterThan",
            threshold: spec.threshold,
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
          },
        ],
      },
      actions: { actionGroups: [placement.actionGroupId] },
      tags: placement.tags,
    },
    { parent },
  );
  return { signal: spec.signal, resource, detectionSeconds: logDetectionSeconds() };
}
