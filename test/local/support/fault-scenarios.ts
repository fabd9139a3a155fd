/**
 * Fault scenarios shared by their own tests and by the mutation guard
 * (test/local/faults/mutation-guard.test.ts), which runs them against a definition with a
 * Catch or Retry removed and checks that the same assessment then fails.
 */
import { expect } from "vitest";
import type { LocalRunOptions } from "../../../local/local-run.ts";
import { attempts, eventsOf, expectNoJobInProgress, type ScenarioReport, statesEntered } from "./scenario.ts";

export interface FaultScenario {
  /** run.json overrides. */
  readonly input: Record<string, unknown>;
  readonly options: Partial<LocalRunOptions>;
  /** The expectations the scenario's test makes; throws when one fails. */
  readonly assess: (report: ScenarioReport) => void;
}

const THROTTLED = { error: "SageMaker.ThrottlingException", message: "Rate exceeded" };
const LAMBDA_SERVICE_ERROR = { error: "Lambda.ServiceException", message: "Lambda service unavailable" };

/** CreateProcessingJob throttled twice, then accepted: retried, and the run succeeds. */
export const THROTTLED_TWICE: FaultScenario = {
  input: {},
  options: { faults: { createProcessingJob: [THROTTLED, THROTTLED] } },
  assess: (report) => {
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(report.execution.error).toBeUndefined();
    expect(report.sageMakerCalls.createProcessingJob).toBe(3);
    expect(attempts(report, "RunClarifyJob")).toBe(3);
    expect(eventsOf(report, "StateRetried", "RunClarifyJob")).toHaveLength(2);
    expect(report.log.filter((line) => line.includes("↻ RunClarifyJob retried"))).toHaveLength(2);
    expect(report.summary).toMatchObject({ status: "Succeeded", breaches: [] });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  },
};

/** The state timeout (1 s MaxRuntime + 0 s margin) elapses while the job is still provisioning. */
export const STATE_TIMEOUT_WHILE_IN_PROGRESS: FaultScenario = {
  input: { job: { maxRuntimeInSeconds: 1 } },
  options: { settings: { timeoutMarginSeconds: 0 }, provisioningSeconds: 1_000_000 },
  assess: (report) => {
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("States.Timeout");
    expect(eventsOf(report, "StateFailed", "RunClarifyJob")).toMatchObject([{ Error: "States.Timeout" }]);
    expect(statesEntered(report).slice(-4)).toEqual([
      "RunClarifyJob",
      "StopClarifyJob",
      "RecordFailure",
      "Failed",
    ]);
    expect(report.sageMakerCalls.stopProcessingJob).toBe(1);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.Timeout",
      timedOut: true,
      timeoutMessage: expect.stringContaining("(state timeout 1s) and was stopped"),
      job: { status: "Stopped" },
    });
    expect(report.summary).not.toHaveProperty("stopFailure");
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    expectNoJobInProgress(report);
  },
};

/** StageInputs hits Lambda.ServiceException twice: retried, and the run succeeds. */
export const LAMBDA_TRANSIENT_TWICE: FaultScenario = {
  input: {},
  options: { faults: { lambda: { StageInputs: [LAMBDA_SERVICE_ERROR, LAMBDA_SERVICE_ERROR] } } },
  assess: (report) => {
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(report.execution.error).toBeUndefined();
    expect(attempts(report, "StageInputs")).toBe(3);
    expect(eventsOf(report, "StateRetried", "StageInputs")).toHaveLength(2);
    expect(report.summary).toMatchObject({ status: "Succeeded" });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  },
};
