/**
 * StopClarifyJob after a state timeout: the AWS SDK integration reports throttling and
 * permanent errors alike as SageMaker.SageMakerException, so only throttling (recognised by
 * its cause) is tried again; a permanent error is recorded at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  STATE_TIMEOUT_WHILE_IN_PROGRESS,
  STOP_ALREADY_STOPPED,
  STOP_THROTTLED,
} from "../support/fault-scenarios.ts";
import {
  expectNoJobInProgress,
  type ScenarioWorkspace,
  scenarioWorkspace,
  statesEntered,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-stop-job");
});
afterAll(async () => {
  await workspace.close();
});

const { input, options } = STATE_TIMEOUT_WHILE_IN_PROGRESS;

describe("stopping the job after a state timeout", () => {
  it("is tried again when throttled, and the job is stopped", async () => {
    // Prepare
    const faults = { stopProcessingJob: [STOP_THROTTLED, STOP_THROTTLED] };

    // Act
    const report = await workspace.run(input, { ...options, faults });

    // Assess
    expect(report.execution.error).toBe("States.Timeout");
    expect(report.sageMakerCalls.stopProcessingJob).toBe(3);
    expect(statesEntered(report).filter((state) => state === "StopClarifyJob")).toHaveLength(3);
    expect(statesEntered(report).slice(-2)).toEqual(["RecordFailure", "Failed"]);
    expect(report.summary).toMatchObject({
      failedStep: "RunClarifyJob",
      error: "States.Timeout",
      timeoutMessage: expect.stringContaining("and was stopped"),
      job: { status: "Stopped" },
    });
    expect(report.summary).not.toHaveProperty("stopFailure");
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    expectNoJobInProgress(report);
  });

  it("gives up after a bounded number of throttled attempts and records that the stop failed", async () => {
    // Prepare
    const faults = { stopProcessingJob: Array.from({ length: 5 }, () => STOP_THROTTLED) };

    // Act
    const report = await workspace.run(input, { ...options, faults });

    // Assess: the first attempt and four more.
    expect(report.sageMakerCalls.stopProcessingJob).toBe(5);
    expect(report.summary).toMatchObject({
      error: "States.Timeout",
      stopFailure: { error: "SageMaker.SageMakerException", cause: STOP_THROTTLED.message },
      timeoutMessage: expect.stringContaining("stopping it failed (SageMaker.SageMakerException)"),
    });
  });

  it("is not tried again on a permanent error such as a job that is already stopped", async () => {
    // Prepare
    const faults = { stopProcessingJob: [STOP_ALREADY_STOPPED] };

    // Act
    const report = await workspace.run(input, { ...options, faults });

    // Assess
    expect(report.sageMakerCalls.stopProcessingJob).toBe(1);
    expect(statesEntered(report).slice(-4)).toEqual([
      "StopClarifyJob",
      "StopThrottled?",
      "RecordFailure",
      "Failed",
    ]);
    expect(report.summary).toMatchObject({
      error: "States.Timeout",
      stopFailure: { error: "SageMaker.SageMakerException", cause: STOP_ALREADY_STOPPED.message },
    });
  });
});
