/**
 * Typed errors thrown by the Lambda steps.
 *
 * Each class's `name` is a string literal: Step Functions matches it in the
 * definition's `ErrorEquals`, so these names are a contract with
 * statemachine/clarify-pipeline.asl.json (test/unit/error-contract.test.ts checks both ways).
 */

/** One problem found in a run's input, addressed by its JSON path. */
export interface ConfigProblem {
  /** JSON path of the offending field, e.g. `$.job.instanceType`. */
  readonly path: string;
  /** What is wrong and which rule it breaks, naming the bad value. */
  readonly message: string;
}

/** The run input (run.json or a raw CreateProcessingJob request) breaks one or more rules. */
export class ConfigValidationError extends Error {
  override readonly name = "ConfigValidationError" as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
}

/** Copying the run's inputs into its run folder failed (missing object, access denied, ...). */
export class StagingError extends Error {
  override readonly name = "StagingError" as const;
}

// CollectResults throws it and so does the engine, which must not import the Lambdas' code:
// defined in contracts/, listed here with the other names the Lambda steps throw.
export { AnalysisResultError } from "../../contracts/analysis-errors.ts";

/** A run event could not be sent to EventBridge (an entry PutEvents rejected, an oversized event). */
export class RunEventError extends Error {
  override readonly name = "RunEventError" as const;
}

/** RecordFailure could write summary.json nowhere; the message names the original error. */
export class FailureNotRecordedError extends Error {
  override readonly name = "FailureNotRecordedError" as const;
}

/** Every error name a Lambda step can throw, for the definition contract test. */
export const LAMBDA_ERROR_NAMES = [
  "ConfigValidationError",
  "StagingError",
  "AnalysisResultError",
  "RunEventError",
  "FailureNotRecordedError",
] as const;
