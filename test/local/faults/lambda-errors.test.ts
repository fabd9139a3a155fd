/** Lambda steps failing: Lambda's transient errors are retried, the steps' own errors are not. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_TRANSIENT_TWICE } from "../support/fault-scenarios.ts";
import {
  attempts,
  eventsOf,
  expectNoJobInProgress,
  retrierOf,
  runFolderFiles,
  type ScenarioWorkspace,
  scenarioWorkspace,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-lambda");
});
afterAll(async () => {
  await workspace.close();
});

const SERVICE_ERROR = { error: "Lambda.ServiceException", message: "Lambda service unavailable" };
const TOO_MANY_REQUESTS = { error: "Lambda.TooManyRequestsException", message: "Rate Exceeded." };

describe("a Lambda step", () => {
  it("is retried through transient Lambda errors and the run succeeds", async () => {
    // Prepare
    const { input, options, assess } = LAMBDA_TRANSIENT_TWICE;

    // Act
    const report = await workspace.run(input, options);

    // Assess
    assess(report);
  });

  it("is retried when throttled by Lambda", async () => {
    // Prepare
    const faults = { lambda: { ValidateConfig: [TOO_MANY_REQUESTS] } };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(attempts(report, "ValidateConfig")).toBe(2);
    expect(eventsOf(report, "StateRetried", "ValidateConfig")).toHaveLength(1);
    expect(report.summary).toMatchObject({ status: "Succeeded" });
    expectNoJobInProgress(report);
  });

  it("fails with the transient error once the retry budget is spent", async () => {
    // Prepare
    const { MaxAttempts } = await retrierOf("CollectResults", SERVICE_ERROR.error);
    const faults = {
      lambda: { CollectResults: Array.from({ length: MaxAttempts + 1 }, () => SERVICE_ERROR) },
    };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("Lambda.ServiceException");
    expect(report.execution.failedStep).toBe("CollectResults");
    expect(attempts(report, "CollectResults")).toBe(1 + MaxAttempts);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "CollectResults",
      error: "Lambda.ServiceException",
      cause: "Lambda service unavailable",
      job: { status: "Completed" },
    });
    expectNoJobInProgress(report);
  });

  it("records a terminal error without retrying it", async () => {
    // Prepare
    const faults = {
      lambda: {
        StageInputs: [{ error: "StagingError", message: "cannot copy s3://data/train.csv: AccessDenied" }],
      },
    };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("StagingError");
    expect(report.execution.failedStep).toBe("StageInputs");
    expect(attempts(report, "StageInputs")).toBe(1);
    expect(eventsOf(report, "StateRetried", "StageInputs")).toEqual([]);
    expect(report.message).toBe(
      "failed at StageInputs: StagingError: cannot copy s3://data/train.csv: AccessDenied",
    );
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "StageInputs",
      error: "StagingError",
      cause: "cannot copy s3://data/train.csv: AccessDenied",
    });
    expect(await runFolderFiles(report)).toEqual(["summary.json"]);
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
    expectNoJobInProgress(report);
  });
});
