/**
 * The run folder's name under the output prefix: `<runName>-<execution name>`, or the
 * execution name alone when there is no runName or the execution name already starts with
 * `<runName>-` (as the CLI's and the schedules' names do). ValidateConfig and the failure
 * record share it, so a failed run's summary.json lands where a valid run's would.
 */

const MAX_SEGMENT_LENGTH = 128;

/** Letters, digits, `.`, `_`, `-` only; no `..`; no leading or trailing `.`/`-`; bounded. */
function safeSegment(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, MAX_SEGMENT_LENGTH);
}

export function runIdFor(runName: string | undefined, executionName: string): string {
  // Step Functions accepts names such as `.` or `--`: they leave nothing safe, so say what they were.
  const execution = safeSegment(executionName) || "unnamed-execution";
  const name = runName ? safeSegment(runName) : "";
  return name && !execution.startsWith(`${name}-`) ? `${name}-${execution}` : execution;
}

/**
 * The start every run folder of `runName` has under the output prefix (`<runName>-`), so the
 * earlier runs of a name are listed with one prefix instead of reading every folder.
 */
export function runFolderPrefix(runName: string): string {
  const name = safeSegment(runName);
  return name ? `${name}-` : "";
}
