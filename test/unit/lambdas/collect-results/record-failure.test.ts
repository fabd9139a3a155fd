import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobOutcome } from "../../../../contracts/pipeline-state.ts";
import {
  recordFailure,
  reportedCause,
  validationProblems,
} from "../../../../lambdas/collect-results/record-failure.ts";
import {
  boundFunctionError,
  CAUSE_LIMIT,
  cutText,
  FUNCTION_ERROR_CAUSE_LIMIT,
  functionErrorCause,
} from "../../../../lambdas/shared/failure-text.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { execution, makeRun, RUNS_BUCKET, SOURCE_BUCKET, settings } from "../stage-inputs/fixtures.ts";

let server: EmbeddedS3;
let s3: S3Client;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "record-failure-"));
  server = await startEmbeddedS3({ directory, buckets: [RUNS_BUCKET, SOURCE_BUCKET] });
  s3 = server.createClient();
});

afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

async function readJson(uri: string): Promise<Record<string, unknown>> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) ?? [];
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? "");
}

const JOB_NAME = "clarify-credit-model-v7-0123456789";

function stagedState(runId: string, failure: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    run: makeRun({ runId, runUri: `s3://${RUNS_BUCKET}/runs/${runId}/` }),
    clarifyJob: { request: { ProcessingJobName: JOB_NAME }, timeoutSeconds: 7200 },
    failure,
    ...extra,
  };
}

describe("recordFailure", () => {
  it("records a validation failure in the raw input's output prefix (below the deployment's) and unwraps its problems", async () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: "ConfigValidationError",
      errorMessage: "$.job.instanceType: ml.p3.2xlarge is a GPU type\n$.gates.CI.absMax: must be a number",
      trace: ["ConfigValidationError: ...", "    at validate (index.ts:1:1)"],
    });
    const input = { runName: "credit model v7", outputUri: `s3://${RUNS_BUCKET}/runs/my-team/` };
    const state = { failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: cause } } };

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, input, execution }, { s3, settings });

    // Assess
    expect(result).toEqual({
      error: "ConfigValidationError",
      cause,
      summaryUri: `s3://${RUNS_BUCKET}/runs/my-team/credit-model-v7-exec-0001/summary.json`,
    });
    expect(await readJson(result.summaryUri ?? "")).toEqual({
      status: "Failed",
      failedStep: "ValidateConfig",
      error: "ConfigValidationError",
      cause: "$.job.instanceType: ml.p3.2xlarge is a GPU type\n$.gates.CI.absMax: must be a number",
      problems: ["$.job.instanceType: ml.p3.2xlarge is a GPU type", "$.gates.CI.absMax: must be a number"],
      execution,
    });
  });

  it("falls back to the default output prefix and never lets a run name escape it", async () => {
    // Prepare
    const input = { runName: "../../../etc/passwd", outputUri: "s3://someone-elses-bucket/runs/" };
    const state = { failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: "bad" } } };

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, input, execution }, { s3, settings });

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/etc-passwd-exec-0001/summary.json`);
  });

  it("falls back to the deployment's prefix for an output URI in an allowed bucket but outside that prefix", async () => {
    // Prepare: the functions may write only below the output prefix, whatever bucket a run may read.
    const input = { runName: "credit", outputUri: `s3://${SOURCE_BUCKET}/my-runs/` };
    const state = { failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: "bad" } } };

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, input, execution }, { s3, settings });

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/credit-exec-0001/summary.json`);
  });

  it("records a failure whose input is not a JSON object in the deployment's prefix", async () => {
    for (const input of [[1, 2], "hello", null]) {
      // Prepare
      const state = {
        failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: "$: not an object" } },
      };

      // Act
      const result = await recordFailure(
        { mode: "recordFailure", state, input, execution },
        { s3, settings },
      );

      // Assess
      expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/exec-0001/summary.json`);
    }
  });

  it("writes the record in the deployment's prefix when the run's own folder refuses the write", async () => {
    // Prepare: S3 denies writes in the run's folder (as IAM or a bucket policy would).
    const denied = `runs/team-a/`;
    const deniedS3 = {
      send: (command: { input: { Key?: string } }) =>
        command.input.Key?.startsWith(denied)
          ? Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }))
          : s3.send(command as never),
    } as unknown as S3Client;
    const state = stagedState("denied", { StageInputs: { Error: "StagingError", Cause: "copy failed" } });
    state.run = makeRun({
      runId: "credit-exec-0001",
      runUri: `s3://${RUNS_BUCKET}/${denied}credit-exec-0001/`,
    });
    const input = { runName: "credit" };

    // Act
    const result = await recordFailure(
      { mode: "recordFailure", state, input, execution },
      { s3: deniedS3, settings },
    );

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/credit-exec-0001/summary.json`);
    expect(await readJson(result.summaryUri ?? "")).toMatchObject({
      failedStep: "StageInputs",
      error: "StagingError",
    });
  });

  it("records a failed job from the DescribeProcessingJob cause and asks SageMaker for its final state", async () => {
    // Prepare
    const cause = JSON.stringify({
      ProcessingJobName: JOB_NAME,
      ProcessingJobStatus: "Failed",
      FailureReason: "AlgorithmError: label column Target not found",
    });
    const state = stagedState("job-failed", { RunClarifyJob: { Error: "States.TaskFailed", Cause: cause } });
    const describeProcessingJob = vi.fn(
      async (name: string): Promise<JobOutcome> => ({
        ProcessingJobName: name,
        ProcessingJobStatus: "Failed",
        FailureReason: "AlgorithmError: label column Target not found",
      }),
    );

    // Act
    const result = await recordFailure(
      { mode: "recordFailure", state, execution },
      { s3, settings, describeProcessingJob },
    );

    // Assess
    expect(describeProcessingJob).toHaveBeenCalledWith(JOB_NAME);
    expect(result).toMatchObject({ error: "States.TaskFailed", cause });
    const summary = await readJson(result.summaryUri ?? "");
    expect(summary).toMatchObject({
      status: "Failed",
      runId: "job-failed",
      failedStep: "RunClarifyJob",
      cause: "AlgorithmError: label column Target not found",
      job: {
        name: JOB_NAME,
        status: "Failed",
        failureReason: "AlgorithmError: label column Target not found",
      },
    });
    expect(summary).not.toHaveProperty("timedOut");
  });

  it("records a timeout with the job's Stopped status", async () => {
    // Prepare
    const state = stagedState("timed-out", {
      RunClarifyJob: { Error: "States.Timeout", Cause: "State timed out" },
    });
    const describeProcessingJob = vi.fn(
      async (name: string): Promise<JobOutcome> => ({
        ProcessingJobName: name,
        ProcessingJobStatus: "Stopped",
      }),
    );

    // Act
    const result = await recordFailure(
      { mode: "recordFailure", state, execution },
      { s3, settings, describeProcessingJob },
    );

    // Assess
    expect(result.error).toBe("States.Timeout");
    expect(await readJson(result.summaryUri ?? "")).toMatchObject({
      failedStep: "RunClarifyJob",
      timedOut: true,
      timeoutMessage:
        "the job exceeded MaxRuntimeInSeconds (3600s) plus the provisioning margin (state timeout 7200s) and was stopped",
      job: { name: JOB_NAME, status: "Stopped" },
    });
  });

  it("warns that the job may still run when stopping it failed", async () => {
    // Prepare
    const state = stagedState(
      "stop-failed",
      { RunClarifyJob: { Error: "States.Timeout", Cause: "State timed out" } },
      { stopFailure: { Error: "SageMaker.AccessDeniedException", Cause: "not authorized" } },
    );

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, execution }, { s3, settings });

    // Assess
    const summary = await readJson(result.summaryUri ?? "");
    expect(summary.timeoutMessage).toMatch(/stopping it failed \(SageMaker.AccessDeniedException\)/);
    expect(summary.stopFailure).toEqual({
      error: "SageMaker.AccessDeniedException",
      cause: "not authorized",
    });
    expect(summary.job).toEqual({ name: JOB_NAME, status: "Unknown" });
  });

  it("marks a job SageMaker never created", async () => {
    // Prepare
    const state = stagedState("not-created", {
      RunClarifyJob: { Error: "SageMaker.ValidationException", Cause: "Role is not authorized" },
    });
    const describeProcessingJob = vi.fn(async () => undefined);

    // Act
    const result = await recordFailure(
      { mode: "recordFailure", state, execution },
      { s3, settings, describeProcessingJob },
    );

    // Assess
    expect(describeProcessingJob).toHaveBeenCalledWith(JOB_NAME);
    expect((await readJson(result.summaryUri ?? "")).job).toEqual({ name: JOB_NAME, status: "NotCreated" });
  });

  it("keeps the status from the cause when SageMaker cannot be asked", async () => {
    // Prepare
    const cause = JSON.stringify({ ProcessingJobName: JOB_NAME, ProcessingJobStatus: "Failed" });
    const state = stagedState("describe-fails", {
      RunClarifyJob: { Error: "States.TaskFailed", Cause: cause },
    });
    const describeProcessingJob = vi.fn(async (): Promise<JobOutcome> => {
      throw new Error("throttled");
    });

    // Act
    const result = await recordFailure(
      { mode: "recordFailure", state, execution },
      { s3, settings, describeProcessingJob },
    );

    // Assess
    expect((await readJson(result.summaryUri ?? "")).job).toEqual({ name: JOB_NAME, status: "Failed" });
  });

  it("records a staging failure in the run folder with no job", async () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: "StagingError",
      errorMessage: "dataset s3://x/y: no object found",
    });
    const state = {
      run: makeRun({ runId: "staging", runUri: `s3://${RUNS_BUCKET}/runs/staging/` }),
      failure: { StageInputs: { Error: "StagingError", Cause: cause } },
    };

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, execution }, { s3, settings });

    // Assess
    expect(result.summaryUri).toBe(`s3://${RUNS_BUCKET}/runs/staging/summary.json`);
    const summary = await readJson(result.summaryUri ?? "");
    expect(summary).toMatchObject({ failedStep: "StageInputs", cause: "dataset s3://x/y: no object found" });
    expect(summary).not.toHaveProperty("job");
    expect(summary).not.toHaveProperty("problems");
  });

  it("does not throw on odd input and still leaves a record", async () => {
    // Prepare
    const state = { failure: "not an object", run: { runUri: 42 } } as unknown as Record<string, unknown>;

    // Act
    const result = await recordFailure({ mode: "recordFailure", state, execution }, { s3, settings });

    // Assess
    expect(result).toEqual({
      error: "UnknownFailure",
      cause: "the execution failed without recording an error",
      summaryUri: `s3://${RUNS_BUCKET}/runs/exec-0001/summary.json`,
    });
    expect(await readJson(result.summaryUri ?? "")).toMatchObject({
      status: "Failed",
      failedStep: "Unknown",
    });
  });

  it("sends the run event even when no record can be written, then fails naming the original error", async () => {
    // Prepare
    const missingBucket = { ...settings, defaultOutputUri: "s3://no-such-runs-bucket/runs/" };
    const state = {
      failure: { StageInputs: { Error: "StagingError", Cause: "cannot copy s3://data/x.csv" } },
    };
    const publishRunEvent = vi.fn(async () => {});

    // Act
    const act = recordFailure(
      { mode: "recordFailure", state, input: {}, execution },
      { s3, settings: missingBucket, publishRunEvent },
    );

    // Assess
    await expect(act).rejects.toMatchObject({
      name: "FailureNotRecordedError",
      message: expect.stringMatching(
        /^summary\.json could not be written \(s3:\/\/no-such-runs-bucket\/runs\/exec-0001\/summary\.json: NoSuchBucket: .*\); the run failed at StageInputs with StagingError: cannot copy s3:\/\/data\/x\.csv$/,
      ),
    });
    expect(publishRunEvent).toHaveBeenCalledTimes(1);
    expect(publishRunEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        detailType: "Clarify Run Failed",
        detail: expect.objectContaining({ failedStep: "StageInputs", error: "StagingError" }),
      }),
    );
    expect(JSON.stringify(publishRunEvent.mock.calls)).not.toContain("summaryUri");
  });

  it("fails with a job's long cause whole when it fits a Fail state's Cause, cut when it does not", async () => {
    // Prepare: a failed job's Cause (its description) of exactly the limit, and one character over.
    const describedCause = (length: number) => {
      const bare = JSON.stringify({
        ProcessingJobName: JOB_NAME,
        ProcessingJobStatus: "Failed",
        FailureReason: "",
      });
      return JSON.stringify({
        ProcessingJobName: JOB_NAME,
        ProcessingJobStatus: "Failed",
        FailureReason: `ClientError: ${"r".repeat(length - bare.length - 13)}`,
      });
    };
    const atLimit = describedCause(CAUSE_LIMIT);
    const overLimit = describedCause(CAUSE_LIMIT + 1);
    const failed = (cause: string) =>
      stagedState("long-cause", { RunClarifyJob: { Error: "States.TaskFailed", Cause: cause } });

    // Act
    const whole = await recordFailure(
      { mode: "recordFailure", state: failed(atLimit), execution },
      { s3, settings },
    );
    const cut = await recordFailure(
      { mode: "recordFailure", state: failed(overLimit), execution },
      { s3, settings },
    );

    // Assess
    expect(atLimit).toHaveLength(CAUSE_LIMIT);
    expect(whole.cause).toBe(atLimit);
    expect(cut.cause.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cut.cause).toMatch(
      new RegExp(`\\n\\[cut: the first \\d+ of ${CAUSE_LIMIT + 1} characters are shown\\]$`),
    );
    expect(overLimit.startsWith(cut.cause.split("\n[cut: ")[0] ?? "-")).toBe(true);
    // The record keeps the job's whole FailureReason.
    const summary = await readJson(cut.summaryUri ?? "");
    expect(summary.cause).toBe(JSON.parse(overLimit).FailureReason);
  });

  it("keeps the note that the run event was not sent after a cause it cuts", () => {
    // Prepare
    const cause = "c".repeat(CAUSE_LIMIT);
    const eventProblem = 'the "Clarify Run Failed" event was not sent: AccessDenied';

    // Act
    const reported = reportedCause(cause, eventProblem);

    // Assess
    expect(reported.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(reported.startsWith("ccc")).toBe(true);
    expect(reported).toMatch(
      /\[cut: the first \d+ of 32768 characters are shown\]\n\(the "Clarify Run Failed" event was not sent: AccessDenied\)$/,
    );
    expect(reportedCause("short", eventProblem)).toBe(`short\n(${eventProblem})`);
  });

  it("names what went wrong first when no record can be written, so cutting keeps it", async () => {
    // Prepare: a validation failure listing 3,000 problems, which nowhere can be recorded.
    const missingBucket = { ...settings, defaultOutputUri: "s3://no-such-runs-bucket/runs/" };
    const problems = Array.from(
      { length: 3_000 },
      (_, i) => `$.gates.M${i}: "M${i}" is not a Clarify bias metric code`,
    );
    const validationCause = functionErrorCause(
      boundFunctionError(Object.assign(new Error(problems.join("\n")), { name: "ConfigValidationError" })),
    );
    const state = { failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: validationCause } } };

    // Act
    const thrown = await recordFailure(
      { mode: "recordFailure", state, input: {}, execution },
      { s3, settings: missingBucket },
    ).then(
      () => new Error("recorded"),
      (error: unknown) => boundFunctionError(error as Error),
    );

    // Assess
    expect(thrown.name).toBe("FailureNotRecordedError");
    expect(functionErrorCause(thrown).length).toBeLessThanOrEqual(FUNCTION_ERROR_CAUSE_LIMIT);
    expect(thrown.message).toMatch(
      /^summary\.json could not be written \(s3:\/\/no-such-runs-bucket\/runs\/exec-0001\/summary\.json: NoSuchBucket: .*\); the run failed at ValidateConfig with ConfigValidationError: \$\.gates\.M0: "M0" is not a Clarify bias metric code\n/,
    );
    expect(thrown.message).toMatch(/\n\[cut: the first \d+ of \d+ characters are shown\]$/);
  });
});

describe("validationProblems", () => {
  const problems = Array.from(
    { length: 3_000 },
    (_, i) => `$.gates.M${i}: "M${i}" is not a Clarify bias metric code`,
  );

  it("lists every problem of a message that was not cut", () => {
    // Act
    const listed = validationProblems(problems.slice(0, 3).join("\n"));

    // Assess
    expect(listed).toEqual({ problems: problems.slice(0, 3) });
  });

  it("lists the whole problems before the cut of a long message, without the cut's note", () => {
    // Prepare: the message as the function reports it, cut to fit a cause.
    const { message } = boundFunctionError(
      Object.assign(new Error(problems.join("\n")), { name: "ConfigValidationError" }),
    );

    // Act
    const listed = validationProblems(message);

    // Assess
    expect(message).toMatch(/\n\[cut: the first \d+ of \d+ characters are shown\]$/);
    expect(listed.problemsCut).toBe(true);
    expect(listed.problems.length).toBeGreaterThan(100);
    expect(listed.problems).toEqual(problems.slice(0, listed.problems.length));
  });

  it("leaves out a problem the cut split", () => {
    // Prepare: the last problem shown is too long to be kept whole.
    const long = ["$.a: short", `$.b: ${"x".repeat(10_000)}`, "$.c: short"];
    const message = cutText(long.join("\n"), 5_000);

    // Act
    const listed = validationProblems(message);

    // Assess
    expect(message).toContain("$.b: xxx");
    expect(listed).toEqual({ problems: ["$.a: short"], problemsCut: true });
  });
});
