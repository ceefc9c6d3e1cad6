import * as organizations from "@pulumi/gcp/organizations";
import * as pulumi from "@pulumi/pulumi";

/** The project every resource of the stack lives in. */
export interface GcpProject {
  /** Project id from `gcp:project`, known at plan time (workload pool, metric filters). */
  id: string;
  /** Project number, needed for Google-managed service agent addresses and Vertex networks. */
  number: pulumi.Output<string>;
}

/**
 * Looks up the stack's project (`gcp:project`, which the config layer has already checked) for
 * its number.
 */
export function lookupProject(id: string, parent: pulumi.Resource): GcpProject {
  const project = organizations.getProjectOutput({ projectId: id }, { parent });
  return { id, number: project.apply((p) => p.number) };
}

/** The GKE service agent, which encrypts Kubernetes secrets with the cluster's key. */
export function gkeServiceAgent(projectNumber: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

/** The Workload Identity pool of the project's GKE clusters. */
export function workloadPool(projectId: string): string {
  return `${projectId}.svc.id.goog`;
}
