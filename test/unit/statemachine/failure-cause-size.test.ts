/**
 * The cause FailureNotRecorded ends with, as AWS builds it, fits a Fail state's Cause for the
 * longest errors our functions throw. The local interpreter's States.JsonToString does not escape
 * the quotes of a nested JSON string, so the lengths AWS produces are computed here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../../lambdas/shared/errors.ts";
import {
  boundFunctionError,
  CAUSE_LIMIT,
  ERROR_NAME_LIMIT,
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
  /^States\.Format\('([^']*)', \$\.recordFailureError\.Error, States\.JsonToString\(\$\.failure\)\)$/;

/**
 * KeepOriginalError's cause as Step Functions evaluates it: a path's string is inserted as is,
 * States.JsonToString is JSON.stringify's escaping.
 */
function keepOriginalErrorCause(recordFailureError: { Error: string }, failure: unknown): string {
  const expression = definition.States.KeepOriginalError?.Parameters?.["cause.$"] ?? "";
  const [, template = ""] = QUOTE_ORIGINAL.exec(expression) ?? [];
  const values = [recordFailureError.Error, JSON.stringify(failure)];
  return template.replace(/\{\}/g, () => values.shift() ?? "");
}

const NAME_JOB_FAILURE =
  /^States\.Format\('([^']*)', \$\.recordFailureError\.Error, \$\.failure\.RunClarifyJob\.Error, \$\.clarifyJob\.request\.ProcessingJobName\)$/;

/** NameJobFailure's cause as Step Functions evaluates it: each path's string inserted as is. */
function nameJobFailureCause(recordFailureError: string, jobError: string, jobName: string): string {
  const expression = definition.States.NameJobFailure?.Parameters?.["cause.$"] ?? "";
  const [, template = ""] = NAME_JOB_FAILURE.exec(expression) ?? [];
  const values = [recordFailureError, jobError, jobName];
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
    // Prepare: the function could not run (Lambda's own error); the original failure is the longest validation error a function reports.
    expect(definition.States.KeepOriginalError?.Parameters?.["cause.$"]).toMatch(QUOTE_ORIGINAL);
    const recordFailureError = { Error: "Lambda.ServiceException", Cause: "Lambda service unavailable" };
    const validation = longestValidationError();
    const failure = { ValidateConfig: { Error: validation.name, Cause: functionErrorCause(validation) } };

    // Act
    const cause = keepOriginalErrorCause(recordFailureError, failure);

    // Assess: the quote nearly doubles the cause, and still fits.
    expect(functionErrorCause(validation).length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 0.95);
    expect(cause.length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 1.7);
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toMatch(
      /^the failure record \(summary\.json\) could not be written: RecordFailure failed with Lambda\.ServiceException \(/,
    );
  });

  it("fits the longest unexplained function error beside the longest original failure", () => {
    // Prepare: RecordFailure throws something other than FailureNotRecordedError with the longest
    // name Step Functions keeps and the costliest Cause to quote; the original failure is the
    // costliest validation error.
    const thrown = new Error(longestValidationError().message);
    thrown.name = "E".repeat(ERROR_NAME_LIMIT);
    boundFunctionError(thrown);
    const recordFailureError = { Error: thrown.name, Cause: functionErrorCause(thrown) };
    const validation = longestValidationError();
    const failure = { ValidateConfig: { Error: validation.name, Cause: functionErrorCause(validation) } };

    // Act
    const cause = keepOriginalErrorCause(recordFailureError, failure);

    // Assess: both errors are as long as a function's error gets, and the execution's cause fits.
    expect(recordFailureError.Cause.length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 0.95);
    expect(JSON.stringify(failure).length).toBeGreaterThan(FUNCTION_ERROR_CAUSE_LIMIT * 1.6);
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toContain(
      `RecordFailure failed with ${thrown.name} (its cause is in the execution history)`,
    );
    expect(cause).not.toContain(recordFailureError.Cause.slice(0, 100));
  });

  it("names a failed job beside the longest error names within a Fail state's Cause, whatever the job's own cause", () => {
    // Prepare: the job's cause is Step Functions' own and unbounded, so the state reads none of it;
    // the error names are as long as Step Functions keeps them, the job name as SageMaker allows.
    expect(definition.States.NameJobFailure?.Parameters?.["cause.$"]).toMatch(NAME_JOB_FAILURE);
    const recordFailureError = "E".repeat(ERROR_NAME_LIMIT);
    const jobError = "J".repeat(ERROR_NAME_LIMIT);
    const jobName = "j".repeat(63);

    // Act
    const cause = nameJobFailureCause(recordFailureError, jobError, jobName);

    // Assess
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toContain(
      `RecordFailure failed with ${recordFailureError} (its cause is in the execution history)`,
    );
    expect(cause).toContain(`at RunClarifyJob with ${jobError}: processing job ${jobName} did not complete`);
  });
});
