/**
 * Errors of the local Clarify-compatible engine. Their `name`s are a contract: the CLI and
 * the local processing-job emulator turn them into one clear message for the user.
 */

/** The analysis config or the dataset is wrong; the message names the field or row and the rule. */
export class EngineInputError extends Error {
  override readonly name = "EngineInputError" as const;
}

/** The analysis needs something only the AWS-run Clarify container has (a live model, SHAP, PDP). */
export class UnsupportedAnalysisError extends Error {
  override readonly name = "UnsupportedAnalysisError" as const;
}

/** The model being explained failed, answered something unreadable, or does not fit the dataset. */
export class ModelError extends Error {
  override readonly name = "ModelError" as const;
}
