import { prometheusIntervalSeconds } from "./charts";
import { apiName } from "./spec";

/** One Prometheus alerting rule of the RAG API and the window it looks back over. */
export interface AppAlert {
  alert: string;
  expr: string;
  /** Seconds the condition must hold before the alert fires (`for`). */
  forSeconds: number;
  /** Longest range selector in `expr`, in seconds (0 when the expression reads instant values). */
  windowSeconds: number;
  summary: string;
}

/**
 * Worst case from the start of an outage to a firing alert: one scrape interval until the
 * first bad sample, the range window filling with bad samples, the `for` duration, and one
 * evaluation interval until the rule group runs again.
 */
export function detectionSeconds(alert: AppAlert): number {
  return (
    prometheusIntervalSeconds + alert.windowSeconds + alert.forSeconds + prometheusIntervalSeconds
  );
}

/**
 * Alerts on the serving path. The API is expected to export the conventional
 * `http_requests_total{code}` counter and `http_request_duration_seconds` histogram; readiness
 * comes from kube-state-metrics, across both colours (so flipping never edits the rules).
 */
export function appAlerts(namespace: string): AppAlert[] {
  const live = `namespace="${namespace}",service="${apiName}"`;
  return [
    {
      alert: "RagApiHighErrorRate",
      expr:
        `sum(rate(http_requests_total{${live},code=~"5.."}[2m])) / ` +
        `sum(rate(http_requests_total{${live}}[2m])) > 0.05`,
      forSeconds: 60,
      windowSeconds: 120,
      summary: "More than 5% of RAG API requests fail with a server error.",
    },
    {
      alert: "RagApiHighLatency",
      expr:
        `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${live}}[2m]))) ` +
        "> 2",
      forSeconds: 60,
      windowSeconds: 120,
      summary: "The 95th percentile of RAG API latency is above 2 seconds.",
    },
    {
      alert: "RagApiPodsNotReady",
      expr:
        `sum by (deployment) (kube_deployment_spec_replicas{namespace="${namespace}"}) - ` +
        `sum by (deployment) (kube_deployment_status_replicas_available{namespace="${namespace}"}) > 0`,
      forSeconds: 120,
      windowSeconds: 0,
      summary: "Pods of a RAG API deployment are not ready.",
    },
    {
      alert: "RagApiDown",
      expr: `absent(up{${live}} == 1)`,
      forSeconds: 60,
      windowSeconds: 0,
      summary: "No RAG API target answers Prometheus' scrapes.",
    },
  ];
}

/** The PrometheusRule spec of `alerts`. */
export function prometheusRuleSpec(alerts: AppAlert[]): Record<string, unknown> {
  return {
    groups: [
      {
        name: "rag-api",
        interval: `${prometheusIntervalSeconds}s`,
        rules: alerts.map((alert) => ({
          alert: alert.alert,
          expr: alert.expr,
          for: `${alert.forSeconds}s`,
          labels: { severity: "critical" },
          annotations: { summary: alert.summary },
        })),
      },
    ],
  };
}
