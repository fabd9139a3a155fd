/**
 * The progress lines of an execution, one per state entered, exited, failed or retried,
 * with the time since the execution started. `run --local` (from the interpreter's events)
 * and `start --wait` (from Step Functions' execution history) print the same lines.
 */

export type ProgressMark = "entered" | "exited" | "failed" | "retried";

export interface ProgressLine {
  readonly mark: ProgressMark;
  readonly state: string;
  /** Milliseconds since the execution started. */
  readonly elapsedMs: number;
  /** How long the state ran until it exited or failed. */
  readonly durationMs?: number;
  /** The error name of a failure or of the failure a retry follows. */
  readonly error?: string;
}

const SYMBOLS: Readonly<Record<ProgressMark, string>> = {
  entered: "→",
  exited: "✓",
  failed: "✗",
  retried: "↻",
};

/** `12.34s`: the resolution people read progress at. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** `[  0.03s] ✓ ValidateConfig (0.03s)`, `[ 65.10s] ✗ RunClarifyJob: States.Timeout (60.00s)`. */
export function formatProgressLine(line: ProgressLine): string {
  const at = `[${formatSeconds(line.elapsedMs).padStart(7)}]`;
  const duration = line.durationMs === undefined ? "" : ` (${formatSeconds(line.durationMs)})`;
  switch (line.mark) {
    case "entered":
      return `${at} ${SYMBOLS.entered} ${line.state}`;
    case "exited":
      return `${at} ${SYMBOLS.exited} ${line.state}${duration}`;
    case "failed":
      return `${at} ${SYMBOLS.failed} ${line.state}: ${line.error ?? "error"}${duration}`;
    case "retried":
      return `${at} ${SYMBOLS.retried} ${line.state} retried${line.error ? ` after ${line.error}` : ""}`;
  }
}

/** A Lambda cause is `{"errorMessage"...}` JSON, a job's is its description: show the human part. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return "(no cause given)";
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    if (typeof parsed.errorMessage === "string") return parsed.errorMessage;
    if (typeof parsed.ProcessingJobStatus === "string") {
      const reason = parsed.FailureReason ?? parsed.ExitMessage ?? "";
      return `processing job ${String(parsed.ProcessingJobName)} ${parsed.ProcessingJobStatus}${reason ? `: ${String(reason)}` : ""}`;
    }
  } catch {
    // not JSON: the cause is already text
  }
  return cause;
}
