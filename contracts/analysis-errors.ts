/**
 * The error both sides throw when an analysis result breaks Clarify's format: the engine while
 * it renders a report, CollectResults while it reads the job's output. It lives here, not with
 * either, so the engine's container carries no Lambda code.
 *
 * Its `name` is a string literal and a contract: the state machine's Catch/Retry match it in
 * `ErrorEquals`, and lambdas/shared/errors.ts lists it among the names the Lambda steps throw.
 */

/** The job's `analysis.json` is missing, unreadable or not in Clarify's format. */
export class AnalysisResultError extends Error {
  override readonly name = "AnalysisResultError" as const;
}
