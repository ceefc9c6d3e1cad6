import * as monitoring from "@pulumi/gcp/monitoring";
import * as pulumi from "@pulumi/pulumi";

/**
 * Cloud SQL metrics are sampled every 60 s and may take up to 210 s more to become visible
 * (Cloud SQL metrics reference), the worst case this backend plans for.
 */
export const cloudSqlMetricDelaySeconds = 210;
/** Sampling period of Cloud SQL and Vertex AI metrics, used as the alignment period. */
export const metricAlignmentSeconds = 60;
// TODO: the Vector Search metrics reference documents no visibility delay; 180 s is assumed, so
// the vector store's detection time is an estimate until measured.
/** Visibility delay assumed for Vertex AI Vector Search serving metrics. */
export const vertexMetricDelaySeconds = 180;

/** Thresholds of the database alerts, as fractions of capacity. */
export const databaseThresholds = {
  cpuUtilization: 0.9,
  diskUtilization: 0.85,
  /** Fraction of `max_connections` in use. */
  connections: 0.8,
} as const;

/** API-server error ratio above which the control plane is considered failing. */
export const apiServer5xxRatio = 0.05;

/**
 * Worst-case detection of a threshold condition on a sampled metric: the alignment window that
 * must contain the bad samples, the time the condition must hold, and the metric's visibility
 * delay. With a 210 s delay only a single 60 s window fits within 300 s, so database conditions
 * fire on the first bad minute.
 */
export function thresholdDetectionSeconds(options: {
  alignmentSeconds: number;
  durationSeconds: number;
  delaySeconds: number;
}): number {
  return options.alignmentSeconds + options.durationSeconds + options.delaySeconds;
}

/** The control-plane 5xx rule: PromQL over Managed Prometheus control-plane metrics. */
export const apiServerRule = {
  /** `rate()` window; two scrapes of the 30 s control-plane metrics fit in it. */
  windowSeconds: 60,
  evaluationSeconds: 30,
  durationSeconds: 60,
  /** Scrape interval plus Managed Prometheus ingestion. */
  ingestionSeconds: 60,
} as const;

/** Detection of the PromQL rule: window, evaluation cadence, hold time and ingestion. */
export function promqlDetectionSeconds(rule: typeof apiServerRule): number {
  return rule.windowSeconds + rule.evaluationSeconds + rule.durationSeconds + rule.ingestionSeconds;
}

/**
 * Node health via the node controller's `NodeNotReady` event: the controller marks a silent node
 * NotReady after its 40 s grace period, the event reaches Cloud Logging within about a minute,
 * and log-match conditions are evaluated continuously (up to 60 s).
 */
export const nodeNotReadyDetectionSeconds = 40 + 60 + 60;

/** Splits the monitoring component's `alertChannelId` into notification channel names. */
export function channelList(alertChannelId: pulumi.Input<string>): pulumi.Output<string[]> {
  return pulumi.output(alertChannelId).apply((ids) => ids.split(",").filter((id) => id !== ""));
}

/** A Cloud Monitoring filter for one metric of one monitored resource. */
export function metricFilter(
  resourceType: string,
  metricType: string,
  resourceLabels: Record<string, pulumi.Input<string>>,
): pulumi.Output<string> {
  return pulumi.all(resourceLabels).apply((resolved) => {
    const labelClauses = Object.entries(resolved).map(
      ([key, value]) => `resource.labels.${key} = "${value}"`,
    );
    return [
      `resource.type = "${resourceType}"`,
      `metric.type = "${metricType}"`,
      ...labelClauses,
    ].join(" AND ");
  });
}

export interface ThresholdAlertArgs {
  displayName: string;
  filter: pulumi.Input<string>;
  comparison: "COMPARISON_GT" | "COMPARISON_LT";
  threshold: number;
  aligner: string;
  /** Sums per-database series into one per instance. */
  reducer?: { crossSeriesReducer: string; groupByFields: string[] };
  documentation: string;
  channels: pulumi.Input<string[]>;
  labels: Record<string, string>;
}

/**
 * A threshold policy that fires on the first aligned window in breach (duration 0 s), so that
 * detection stays within five minutes despite the metric's visibility delay.
 */
export function thresholdAlert(
  name: string,
  args: ThresholdAlertArgs,
  opts: pulumi.CustomResourceOptions,
): monitoring.AlertPolicy {
  return new monitoring.AlertPolicy(
    name,
    {
      displayName: args.displayName,
      combiner: "OR",
      severity: "CRITICAL",
      conditions: [
        {
          displayName: args.displayName,
          conditionThreshold: {
            filter: args.filter,
            comparison: args.comparison,
            thresholdValue: args.threshold,
            duration: "0s",
            aggregations: [
              {
                alignmentPeriod: `${metricAlignmentSeconds}s`,
                perSeriesAligner: args.aligner,
                ...args.reducer,
              },
            ],
            trigger: { count: 1 },
          },
        },
      ],
      notificationChannels: args.channels,
      alertStrategy: { autoClose: "1800s" },
      documentation: { content: args.documentation, mimeType: "text/markdown" },
      userLabels: args.labels,
    },
    opts,
  );
}
