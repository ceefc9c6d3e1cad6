/** One problem with a stack's configuration. */
export interface ConfigIssue {
  /** The key as written in the stack file, for example `rag:backupRetentionDays`. */
  key: string;
  /** The rule the value breaks, phrased as what is expected. */
  expected: string;
  /** What the stack file gave, rendered for a person (`(missing)` when absent). */
  given: string;
  /** How to fix it, when there is more to say than `expected`. */
  hint?: string;
}

/**
 * Invalid configuration. Thrown before any resource is declared; its message lists every issue,
 * so a user fixes the stack file in one pass.
 */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(formatIssues(source, issues));
    this.name = "ConfigError";
  }
}

export function formatIssues(source: string, issues: ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const hint = issue.hint ? ` ${issue.hint}` : "";
    return `  - \`${issue.key}\`: expected ${issue.expected}; got ${issue.given}.${hint}`;
  });
  const noun = issues.length === 1 ? "problem" : "problems";
  return [`${source} has ${issues.length} configuration ${noun}:`, ...lines].join("\n");
}

/** Renders a given value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  // A pasted file or a runaway value should not bury the message: show its start and its size.
  return text.length <= maxShown
    ? text
    : `${text.slice(0, maxShown)}... (${text.length} characters)`;
}

const maxShown = 120;
