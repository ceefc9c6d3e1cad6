import type { PlatformSettings } from "./config/settings";

/**
 * The one tag set applied to every taggable resource. Backends that need another shape (GCP
 * labels, lower-case keys) derive it from this set rather than inventing their own.
 */
export function platformTags(
  settings: Pick<PlatformSettings, "environment" | "owner" | "costCenter">,
  project: string,
  stack: string,
): Record<string, string> {
  const tags: Record<string, string> = {
    project,
    stack,
    environment: settings.environment,
    "managed-by": "pulumi",
  };
  if (settings.owner !== undefined) tags.owner = settings.owner;
  if (settings.costCenter !== undefined) tags["cost-center"] = settings.costCenter;
  return tags;
}
