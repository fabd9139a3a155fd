/**
 * How a finished run is reported, locally (`run --local`) and on AWS (`start --wait`,
 * `status`): its verdict, the exit code the verdict maps to, and the closing lines.
 */
import type { LocalRunVerdict } from "../../../local/local-run.ts";
import { ExitCode } from "../exit-codes.ts";

/** A local run's verdicts plus the one only AWS has: the execution hit its own timeout. */
export type RunVerdict = LocalRunVerdict | "timed-out";

export const VERDICT_EXIT_CODES: Readonly<Record<RunVerdict, ExitCode>> = {
  succeeded: ExitCode.Succeeded,
  "bias-gate-failed": ExitCode.BiasGateFailed,
  failed: ExitCode.Failed,
  aborted: ExitCode.Failed,
  "timed-out": ExitCode.Failed,
};

/** `succeeded: every bias gate passed` / `error: failed at ValidateConfig: ...`, then the transitions. */
export function formatVerdictLines(
  verdict: RunVerdict,
  message: string,
  stateTransitions?: number,
): string[] {
  const label = verdict === "failed" ? "error" : verdict;
  const lines = [`${label}: ${message}`];
  if (stateTransitions !== undefined) lines.push(`state transitions: ${stateTransitions}`);
  return lines;
}
