/** RecordFailure itself failing: the execution still fails with the original error and cause in its cause. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAUSE_LIMIT, FUNCTION_ERROR_CAUSE_LIMIT } from "../../../lambdas/shared/failure-text.ts";
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
    expect(statesEntered(report).slice(-4)).toEqual([
      "RecordFailure",
      "RecordFailureExplained?",
      "KeepOriginalError",
      "FailureNotRecorded",
    ]);
    const cause = report.execution.cause ?? "";
    expect(cause).toMatch(/^the failure record \(summary\.json\) could not be written: /);
    expect(cause).toContain(
      "RecordFailure failed with Lambda.ServiceException (its cause is in the execution history). The run failed before that with: ",
    );
    // The original failure as the state held it (not parsed: the interpreter's States.JsonToString
    // does not escape the quotes of a nested JSON string, AWS's does).
    expect(cause).toContain(
      'The run failed before that with: {"StageInputs":{"Error":"StagingError","Cause":',
    );
    expect(cause).toContain(STAGING_FAILED.message);
    expect(report.summary).toBeUndefined();
  });

  // 3,000 gates on metrics Clarify does not know: ValidateConfig's error lists each, 550,000 characters.
  const MANY_UNKNOWN_GATES = {
    gates: Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`NoSuchMetric${i}`, { max: 1 }])),
  };

  it("ends in FailureNotRecorded with the function's reason and the beginning of a long original cause", async () => {
    // Prepare: no record can be written anywhere (the deployment's output bucket does not exist).
    const settings = { defaultOutputUri: "s3://no-such-runs-bucket/runs/" };

    // Act
    const report = await workspace.run(MANY_UNKNOWN_GATES, { settings });

    // Assess
    expect(report.execution.error).toBe("FailureNotRecorded");
    expect(statesEntered(report).slice(-5)).toEqual([
      "RecordFailure",
      "RecordFailureExplained?",
      "ReadRecordFailureError",
      "KeepRecordFailureMessage",
      "FailureNotRecorded",
    ]);
    const cause = report.execution.cause ?? "";
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toMatch(
      /^summary\.json could not be written \(s3:\/\/no-such-runs-bucket\/runs\/.*NoSuchBucket.*\); the run failed at ValidateConfig with ConfigValidationError: \$\.gates\.NoSuchMetric0: "NoSuchMetric0" is not a Clarify bias metric code/,
    );
    // The function's message, which quotes ValidateConfig's (itself cut), was cut in turn.
    expect(cause).toMatch(/\n\[cut: the first \d+ of \d+ characters are shown\]$/);
    expect(report.summary).toBeUndefined();
  });

  it("ends in FailureNotRecorded quoting the beginning of a long original cause when the function cannot run", async () => {
    // Prepare
    const { MaxAttempts } = await retrierOf("RecordFailure", LAMBDA_DOWN.error);
    const faults = { lambda: { RecordFailure: Array.from({ length: MaxAttempts + 1 }, () => LAMBDA_DOWN) } };

    // Act
    const report = await workspace.run(MANY_UNKNOWN_GATES, { faults });

    // Assess
    expect(report.execution.error).toBe("FailureNotRecorded");
    expect(statesEntered(report).slice(-2)).toEqual(["KeepOriginalError", "FailureNotRecorded"]);
    const cause = report.execution.cause ?? "";
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toContain("The run failed before that with: ");
    // As the interpreter quotes it: its States.JsonToString leaves a nested JSON string's quotes as they are.
    expect(cause).toContain('$.gates.NoSuchMetric0: "NoSuchMetric0" is not a Clarify bias metric code');
    expect(cause).toMatch(/\[cut: the first \d+ of \d{6} characters are shown\]/);
  });

  it("ends in FailureNotRecorded naming a long error the function did not explain, beside a long original cause", async () => {
    // Prepare: RecordFailure throws an error of its own (not FailureNotRecordedError) whose
    // message is as long as a function's cause may be.
    const unexplained = { error: "TypeError", message: "x".repeat(FUNCTION_ERROR_CAUSE_LIMIT - 100) };
    const faults = { lambda: { RecordFailure: [unexplained] } };

    // Act
    const report = await workspace.run(MANY_UNKNOWN_GATES, { faults });

    // Assess: the function's error is named, not quoted; the original failure is quoted.
    expect(report.execution.error).toBe("FailureNotRecorded");
    expect(statesEntered(report).slice(-3)).toEqual([
      "RecordFailureExplained?",
      "KeepOriginalError",
      "FailureNotRecorded",
    ]);
    const cause = report.execution.cause ?? "";
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toMatch(
      /^the failure record \(summary\.json\) could not be written: RecordFailure failed with TypeError \(its cause is in the execution history\)\. The run failed before that with: \{"ValidateConfig":/,
    );
    expect(cause).not.toContain("xxxxxxxxxx");
    expect(cause).toContain('$.gates.NoSuchMetric0: "NoSuchMetric0" is not a Clarify bias metric code');
    expect(report.summary).toBeUndefined();
  });

  it("ends in FailureNotRecorded naming a failed job, not quoting Step Functions' cause, however long it is", async () => {
    // Prepare: the job's environment fills its description (Step Functions' cause of its
    // failure) past what a cause holds; the job fails, then RecordFailure cannot run at all.
    const environment = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [
        `V${String(i).padStart(3, "0")}_${"N".repeat(200)}`,
        "x".repeat(256),
      ]),
    );
    const { MaxAttempts } = await retrierOf("RecordFailure", LAMBDA_DOWN.error);
    const faults = {
      container: [{ error: "AlgorithmError", message: "MemoryError: cannot allocate 12 GiB" }],
      lambda: { RecordFailure: Array.from({ length: MaxAttempts + 1 }, () => LAMBDA_DOWN) },
    };

    // Act
    const report = await workspace.run({ job: { maxRuntimeInSeconds: 86400, environment } }, { faults });

    // Assess
    expect(report.execution.error).toBe("FailureNotRecorded");
    expect(statesEntered(report).slice(-3)).toEqual([
      "RecordFailureExplained?",
      "NameJobFailure",
      "FailureNotRecorded",
    ]);
    const job = report.jobs[0];
    expect(job?.ProcessingJobStatus).toBe("Failed");
    expect(JSON.stringify(job).length).toBeGreaterThan(CAUSE_LIMIT);
    const cause = report.execution.cause ?? "";
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toBe(
      `the failure record (summary.json) could not be written: RecordFailure failed with Lambda.ServiceException (its cause is in the execution history). The run failed before that at RunClarifyJob with States.TaskFailed: processing job ${job?.ProcessingJobName} did not complete; the cause Step Functions gave for it (for a failed or stopped job, the description of the job with its FailureReason, which DescribeProcessingJob also returns) is in the execution history, in the failure event of the RunClarifyJob task`,
    );
    expect(report.summary).toBeUndefined();
  });

  it("fails with the beginning of a long cause when the failure is recorded", async () => {
    // Act
    const report = await workspace.run(MANY_UNKNOWN_GATES);

    // Assess
    expect(report.execution.error).toBe("ConfigValidationError");
    expect(statesEntered(report).slice(-2)).toEqual(["RecordFailure", "Failed"]);
    const cause = report.execution.cause ?? "";
    expect(cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cause).toContain('$.gates.NoSuchMetric0: \\"NoSuchMetric0\\" is not a Clarify bias metric code');
    expect(report.summary).toMatchObject({ status: "Failed", failedStep: "ValidateConfig" });
    const problems = (report.summary as { problems: string[] }).problems;
    expect(problems[0]).toBe(
      '$.gates.NoSuchMetric0: "NoSuchMetric0" is not a Clarify bias metric code (known: CI, DPL, KL, JS, LP, TVD, KS, CDDL, DPPL, DI, DCA, DCR, RD, DAR, DRR, AD, CDDPL, TE, FT, SD, GE)',
    );
    // Whole problems only: the cut's note is not a problem.
    expect(problems.at(-1)).toMatch(
      /^\$\.gates\.NoSuchMetric\d+: "NoSuchMetric\d+" is not a Clarify bias metric code \(known: .*\)$/,
    );
    expect(problems.join("\n")).not.toContain("[cut:");
    expect(report.summary).toMatchObject({ problemsCut: true });
  });
});
