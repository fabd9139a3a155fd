/**
 * The cause FailureNotRecorded ends with, as AWS builds it, fits a Fail state's Cause for the
 * longest errors our functions throw. The local interpreter's States.JsonToString does not escape
 * the quotes of a nested JSON string, so the lengths AWS produces are computed here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigValidationError, FailureNotRecordedError } from "../../../lambdas/shared/errors.ts";
import {
  boundFunctionError,
  CAUSE_LIMIT,
  FUNCTION_ERROR_CAUSE_LIMIT,
  functionErrorCause,
} from "../../../lambdas/shared/failure-text.ts";

interface PassState {
  readonly Parameters?: Record<string, string>;
}
const definition = JSON.parse(
  readFileSync(new URL("../../../statemachine/clarify-pipeline.asl.json", import.meta.url), "utf8"),
) as { States: Record<string, PassState> };

const QUOTE_ORIGINAL =
  /^States\.Format\('([^']*)', States\.JsonToString\(\$\.recordFailureError\), States\.JsonToString\(\$\.failure\)\)$/;

/** KeepOriginalError's cause as Step Functions evaluates it: JsonToString is JSON.stringify's escaping. */
function keepOriginalErrorCause(recordFailureError: unknown, failure: unknown): string {
  const expression = definition.States.KeepOriginalError?.Parameters?.["cause.$"] ?? "";
  const [, template = ""] = QUOTE_ORIGINAL.exec(expression) ?? [];
  const values = [JSON.stringify(recordFailureError), JSON.stringify(failure)];
  return template.replace(/\{\}/g, () => values.shift() ?? "");
}

/**
 * The validation error whose Cause costs most to quote: every character of its message is a `"`
 * or a `\`, which JSON escapes in the Cause and again in the quote.
 */
function longestValidationError(): Error {
  const problems = Array.from({ length: 5_000 }, () => ({
    path: '$.gates["\\"]',
    message: '"\\""\\" '.repeat(4),
  }));
  return boundFunctionError(new ConfigValidationError(problems));
}

describe("FailureNotRecorded's cause on AWS", () => {
  it("quotes the longest function error beside the reason the record is missing within a Fail state's Cause", () => {
    // Prepare: the function could not run (Lambda's own error, with a generous 1,000-character
    // message); the original failure is the longest validation error a function reports.
    expect(definition.States.KeepOriginalError?.Parameters?.["cause.$"]).toMatch(QUOTE_ORIGINAL);
    const recordFailureError = { Error: "Lambda.ServiceException", Cause: "s".repeat(1_000) };
    const validation = longestValidationError();
    const failure = { ValidateConfig: { Error: validation.name, Cause: functionErrorCause(validation) } };

    // Act
    const cause = keepOriginalErrorCause(recordFailureError, failure);

    // Assess: the quote nearly doubles the cause, and still fits.
    expect(functionErrorCause(validation).length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 0.95);
    expect(cause.length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 1.7);
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toMatch(
      /^the failure record \(summary\.json\) could not be written: \{"Error":"Lambda\.ServiceException"/,
    );
  });

  it("reads the message of the function's own FailureNotRecordedError, which fits by itself", () => {
    // Prepare: the function says why, quoting the longest original message after its own reason.
    const original = longestValidationError().message;
    const thrown = boundFunctionError(
      new FailureNotRecordedError(
        `summary.json could not be written (s3://runs/r/summary.json: AccessDenied: denied); the run failed at ValidateConfig with ConfigValidationError: ${original}`,
      ),
    );
    const states = definition.States as Record<string, { Parameters?: Record<string, string> }>;

    // Act: ReadRecordFailureError parses the Cause; KeepRecordFailureMessage takes its errorMessage.
    const parsed = JSON.parse(functionErrorCause(thrown)) as { errorMessage: string };

    // Assess
    expect(states.ReadRecordFailureError?.Parameters).toEqual({
      "thrown.$": "States.StringToJson($.recordFailureError.Cause)",
    });
    expect(states.KeepRecordFailureMessage?.Parameters).toEqual({
      "cause.$": "$.recordFailureExplained.thrown.errorMessage",
    });
    expect(parsed.errorMessage.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(parsed.errorMessage).toMatch(
      /^summary\.json could not be written \(s3:\/\/runs\/r\/summary\.json: AccessDenied: denied\); the run failed at ValidateConfig with ConfigValidationError: /,
    );
  });
});
