/** RecordFailure itself failing: the execution still fails with the original error and cause in its cause. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retrierOf, type ScenarioWorkspace, scenarioWorkspace, statesEntered } from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-unrecorded");
});
afterAll(async () => {
  await workspace.close();
});

const STAGING_FAILED = { error: "StagingError", message: "cannot copy s3://data/train.csv: AccessDenied" };
const LAMBDA_DOWN = { error: "Lambda.ServiceException", message: "Lambda service unavailable" };

describe("a failure that cannot be recorded", () => {
  it("ends in FailureNotRecorded whose cause keeps the original error and cause", async () => {
    // Prepare: StageInputs fails, then every RecordFailure attempt fails too.
    const { MaxAttempts } = await retrierOf("RecordFailure", LAMBDA_DOWN.error);
    const faults = {
      lambda: {
        StageInputs: [STAGING_FAILED],
        RecordFailure: Array.from({ length: MaxAttempts + 1 }, () => LAMBDA_DOWN),
      },
    };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("FailureNotRecorded");
    expect(statesEntered(report).slice(-3)).toEqual([
      "RecordFailure",
      "KeepOriginalError",
      "FailureNotRecorded",
    ]);
    const cause = report.execution.cause ?? "";
    expect(cause).toMatch(/^the failure record \(summary\.json\) could not be written: /);
    expect(cause).toContain('"Error":"Lambda.ServiceException"');
    expect(cause).toContain("The run failed before that with: ");
    // The original failure as the state held it (not parsed: the interpreter's States.JsonToString
    // does not escape the quotes of a nested JSON string, AWS's does).
    expect(cause).toContain(
      'The run failed before that with: {"StageInputs":{"Error":"StagingError","Cause":',
    );
    expect(cause).toContain(STAGING_FAILED.message);
    expect(report.summary).toBeUndefined();
  });
});
